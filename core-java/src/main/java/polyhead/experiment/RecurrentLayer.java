package polyhead.experiment;

import java.util.Map;
import java.util.Random;

import polyhead.nn.Gru;
import polyhead.nn.Lstm;
import polyhead.nn.Module;

/**
 * An LSTM or GRU stack over sequences, made by {@link Layers#lstm} and {@link Layers#gru}: [T, F] →
 * [T, directions·hidden]. Built as {@link Lstm} / {@link Gru} (PyTorch's names and initialization); in a model it
 * reads each sequence's length from the forward pass's {@link polyhead.nn.SequenceLengths} scope, as
 * {@code pack_padded_sequence} would give them.
 */
record RecurrentLayer(String type, int hidden, int layers, boolean bidirectional) implements Layer {
    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type, "hidden", hidden, "layers", layers, "bidirectional", bidirectional);
    }

    @Override
    public int[] outputShape(int[] in) {
        Layers.sequence(type, in);
        return new int[] {Layers.TIME, (bidirectional ? 2 : 1) * hidden};
    }

    @Override
    public long weightElements(int[] in) {
        long gates = (type.equals("lstm") ? 4L : 3L) * hidden;
        return ModelChecks.product(gates, Math.max(in[1], (bidirectional ? 2L : 1L) * hidden) + hidden);
    }

    @Override
    public boolean takesSequences() {
        return true;
    }

    @Override
    public Module create(int[] in, Random rng) {
        return type.equals("lstm") ? new Lstm(in[1], hidden, layers, bidirectional, rng)
                : new Gru(in[1], hidden, layers, bidirectional, rng);
    }

    @Override
    public String toString() {
        return type;
    }
}
