package polyhead.experiment;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import polyhead.data.Vocabulary;
import polyhead.nn.Embedding;
import polyhead.nn.Initializer;
import polyhead.nn.Module;

/**
 * An embedding table, made by {@link Layers#embedding}; {@link #init} sets its initializer.
 *
 * @param count the table's rows; 0 ({@link Layers#embedding(int)}) for the size of the sequence input's vocabulary,
 *              which {@link ExperimentBuilder#build()} fills in
 */
public record EmbeddingLayer(int count, int dim, Initializer weightInit) implements Layer {
    /** This layer with a weight initializer (null keeps N(0, 1), PyTorch's default). */
    public EmbeddingLayer init(Initializer weight) {
        return new EmbeddingLayer(count, dim, weight);
    }

    /** This layer with {@code count} rows (the vocabulary's size, for a table that takes it from the input). */
    EmbeddingLayer withCount(int rows) {
        return new EmbeddingLayer(rows, dim, weightInit);
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
        if (count == 0 && !Layers.isSequence(in)) {
            throw new LayerFault("count", n -> "this embedding takes its rows from a sequence input's vocabulary, but "
                    + "the model's input is no sequence; give the number of rows");
        }
        int[] out = Arrays.copyOf(in, in.length + 1);
        out[in.length] = dim;
        return out;
    }

    @Override
    public long weightElements(int[] in) {
        return ModelChecks.product(count, dim);
    }

    /** It reads token ids [T]. */
    @Override
    public boolean takesSequences() {
        return true;
    }

    /**
     * The table, N(0, 1) (or the initializer's); on token ids [T] its padding row {@link Vocabulary#PAD_ID} starts at
     * 0, as PyTorch's {@code padding_idx} makes it. The padding positions never reach a loss (the sequence layers skip
     * them, the losses mask them), so that row gets no gradient either, as with {@code padding_idx}.
     */
    @Override
    public Module create(int[] in, Random rng) {
        Embedding e;
        if (weightInit == null) {
            e = new Embedding(count, dim, rng);
        } else {
            e = new Embedding(count, dim, Layers.scratch());
            weightInit.initialize(e.namedParameters().get("weight").value(), rng);
        }
        if (Layers.isSequence(in)) {
            Arrays.fill(e.weight().value().data(), Vocabulary.PAD_ID * dim, (Vocabulary.PAD_ID + 1) * dim, 0f);
        }
        return e;
    }
}
