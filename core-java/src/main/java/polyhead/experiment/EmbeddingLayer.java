package polyhead.experiment;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import polyhead.nn.Embedding;
import polyhead.nn.Initializer;
import polyhead.nn.Module;

/** An embedding table, made by {@link Layers#embedding}; {@link #init} sets its initializer. */
public record EmbeddingLayer(int count, int dim, Initializer weightInit) implements Layer {
    /** This layer with a weight initializer (null keeps N(0, 1), PyTorch's default). */
    public EmbeddingLayer init(Initializer weight) {
        return new EmbeddingLayer(count, dim, weight);
    }

    @Override
    public String type() {
        return "embedding";
    }

    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type(), "count", count, "dim", dim);
    }

    @Override
    public int[] outputShape(int[] in) {
        int[] out = Arrays.copyOf(in, in.length + 1);
        out[in.length] = dim;
        return out;
    }

    @Override
    public long weightElements(int[] in) {
        return ModelChecks.product(count, dim);
    }

    @Override
    public Module create(int[] in, Random rng) {
        if (weightInit == null) {
            return new Embedding(count, dim, rng);
        }
        Embedding e = new Embedding(count, dim, Layers.scratch());
        weightInit.initialize(e.namedParameters().get("weight").value(), rng);
        return e;
    }
}
