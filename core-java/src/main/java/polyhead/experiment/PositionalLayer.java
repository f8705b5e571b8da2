package polyhead.experiment;

import java.util.Map;
import java.util.Random;

import polyhead.nn.LearnedPositionalEmbedding;
import polyhead.nn.Module;
import polyhead.nn.SinusoidalPositionalEncoding;

/**
 * Positions added to a sequence [T, d] → [T, d], made by {@link Layers#positionalEmbedding(int)} (learned, a table
 * of {@code maxLength} rows: data with a longer sentence is refused when bound, naming it) and
 * {@link Layers#sinusoidalPositions()} (fixed, any length).
 *
 * @param maxLength the learned table's rows, or 0 for the sinusoids
 */
record PositionalLayer(int maxLength) implements Layer {
    @Override
    public String type() {
        return "positionalEmbedding";
    }

    boolean learned() {
        return maxLength > 0;
    }

    @Override
    public Map<String, Object> settings() {
        return learned() ? Layers.settingsOf(type(), "kind", "learned", "maxLength", maxLength)
                : Layers.settingsOf(type(), "kind", "sinusoidal");
    }

    @Override
    public int[] outputShape(int[] in) {
        Layers.sequence(type(), in);
        return in;
    }

    @Override
    public long weightElements(int[] in) {
        return learned() ? ModelChecks.product(maxLength, in[1]) : 0;
    }

    @Override
    public boolean takesSequences() {
        return true;
    }

    @Override
    public Module create(int[] in, Random rng) {
        return learned() ? new LearnedPositionalEmbedding(maxLength, in[1], rng)
                : new SinusoidalPositionalEncoding(in[1]);
    }

    @Override
    public String toString() {
        return type();
    }
}
