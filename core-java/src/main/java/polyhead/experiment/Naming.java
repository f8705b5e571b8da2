package polyhead.experiment;

import java.util.Arrays;

import polyhead.data.LabelType;
import polyhead.train.GradientSource;

/**
 * How a fault message names what it is about, in the words of the surface the user wrote the experiment in: the Java
 * builder says {@code CLASS_INDEX} and {@code [1, 28, 28]}, a JSON spec {@code classIndex} and {@code 28×28}. The
 * rules of {@link ModelChecks} are stated once; only these words differ.
 */
public interface Naming {
    /** The name of a label type. */
    String labels(LabelType labels);

    /** The extent a convolution or pooling window sweeps over, for an image input {@code [C, H, W]}. */
    String extent(int[] image);

    /** The name of a gradient source. */
    String source(GradientSource source);

    /** The words of the Java builder: enum names and whole shapes. */
    Naming JAVA = new Naming() {
        @Override
        public String labels(LabelType labels) {
            return labels.name();
        }

        @Override
        public String extent(int[] image) {
            return Arrays.toString(image);
        }

        @Override
        public String source(GradientSource source) {
            return source.name();
        }
    };
}
