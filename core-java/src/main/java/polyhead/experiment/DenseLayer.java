package polyhead.experiment;

import java.util.Map;
import java.util.Random;

import polyhead.nn.Initializer;
import polyhead.nn.Initializers;
import polyhead.nn.Linear;
import polyhead.nn.Module;

/** A fully connected layer, made by {@link Layers#dense}; {@link #init} sets its initializers. */
public record DenseLayer(int units, boolean bias, Initializer weightInit, Initializer biasInit) implements Layer {
    /** This layer with weight and bias initializers (null keeps the default of {@link Linear}). */
    public DenseLayer init(Initializer weight, Initializer bias) {
        return new DenseLayer(units, this.bias, weight, bias);
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type(), "units", units, "bias", bias);
    }

    /** On a sequence [T, F], applied at every step: [T, units] (a per-token head). */
    @Override
    public int[] outputShape(int[] in) {
        if (Layers.isSequence(in)) {
            Layers.sequence(type(), in);
            return new int[] {Layers.TIME, units};
        }
        if (in.length != 1) {
            throw new LayerFault("dense needs a vector input [features], got " + Layers.show(in)
                    + (in.length > 1 ? "; add flatten() before it" : ""));
        }
        return new int[] {units};
    }

    @Override
    public long weightElements(int[] in) {
        return ModelChecks.product(features(in), units);
    }

    @Override
    public boolean takesSequences() {
        return true;
    }

    /** The features each output reads: the input's, or a step's of a sequence. */
    private static long features(int[] in) {
        return Layers.isSequence(in) ? in[in.length - 1] : ModelChecks.product(in);
    }

    @Override
    public Module create(int[] in, Random rng) {
        int features = in[in.length - 1];
        if (weightInit == null && biasInit == null) {
            return new Linear(features, units, bias, rng);
        }
        Linear l = new Linear(features, units, bias, Layers.scratch());
        Initializer defaults = Initializers.defaultBias(features);
        return l.initialize(Layers.orDefault(weightInit), biasInit != null ? biasInit : defaults, rng);
    }
}
