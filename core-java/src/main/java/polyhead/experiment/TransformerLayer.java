package polyhead.experiment;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

import polyhead.nn.Module;
import polyhead.nn.TransformerEncoder;
import polyhead.nn.TransformerEncoderLayer;

/**
 * A Transformer encoder over sequences, made by {@link Layers#transformerEncoder}: [T, d] → [T, d], d divisible by
 * the heads. Built as {@link TransformerEncoder} (PyTorch's {@code nn.TransformerEncoder} of {@code layers} encoder
 * layers, dropout 0, no final layer norm, as PyTorch's default {@code norm=None}); in a model its
 * key-padding mask comes from the lengths of the forward pass's {@link polyhead.nn.SequenceLengths} scope.
 */
record TransformerLayer(int layers, int heads, int feedForward, boolean normFirst,
                        TransformerEncoderLayer.FeedForwardActivation activation) implements Layer {
    /** PyTorch's {@code layer_norm_eps}. */
    static final float LAYER_NORM_EPS = 1e-5f;

    @Override
    public String type() {
        return "transformerEncoder";
    }

    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type(), "layers", layers, "heads", heads, "feedForward", feedForward, "normFirst",
                normFirst, "activation", activation.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public int[] outputShape(int[] in) {
        Layers.sequence(type(), in);
        if (in[1] % heads != 0) {
            throw new LayerFault("heads", n -> "the model width " + in[1] + " (the input's features) is not "
                    + "divisible by the " + heads + " heads");
        }
        return in;
    }

    @Override
    public long weightElements(int[] in) {
        return ModelChecks.product(Math.max(3L * in[1], feedForward), in[1]);
    }

    @Override
    public boolean takesSequences() {
        return true;
    }

    @Override
    public Module create(int[] in, Random rng) {
        return new TransformerEncoder(layers, in[1], heads, feedForward, activation, normFirst, LAYER_NORM_EPS,
                false, rng);
    }

    @Override
    public String toString() {
        return type();
    }
}
