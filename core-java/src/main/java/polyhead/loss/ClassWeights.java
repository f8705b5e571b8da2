package polyhead.loss;

import java.util.ArrayList;
import java.util.List;

/** The one check of weights given to a loss per class or label (cross-entropy's weight, BCE's pos_weight). */
final class ClassWeights {
    private ClassWeights() {
    }

    /**
     * A copy of {@code weights} if it is non-empty and every weight is finite and &gt;= 0.
     *
     * @throws IllegalArgumentException naming the loss, the setting and the first weight at fault
     */
    static float[] check(String loss, String setting, float[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException(loss + ": " + setting + " is empty; give one weight per class");
        }
        for (int c = 0; c < weights.length; c++) {
            if (!(weights[c] >= 0) || Float.isInfinite(weights[c])) {
                throw new IllegalArgumentException(loss + ": " + setting + "[" + c + "] = " + weights[c]
                        + ", expected a finite number >= 0");
            }
        }
        return weights.clone();
    }

    /** The weights as JSON-ready numbers, as a loss's settings record them. */
    static List<Double> list(float[] weights) {
        List<Double> out = new ArrayList<>(weights.length);
        for (float w : weights) {
            out.add((double) w);
        }
        return out;
    }
}
