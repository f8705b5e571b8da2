package polyhead.experiment;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

import polyhead.nn.Module;
import polyhead.nn.SequencePool;

/**
 * A sequence [T, F] pooled over its valid steps into one vector [F], made by {@link Layers#sequencePool}: the first
 * layer of a per-sequence task's head on a shared per-token encoder (a sentence's class from the same encoder that
 * tags its words), or the end of a trunk. Built as {@link SequencePool}, which reads each sequence's length from the
 * forward pass's {@link polyhead.nn.SequenceLengths} scope.
 */
record PoolLayer(SequencePool.Mode mode) implements Layer {
    @Override
    public String type() {
        return "sequencePool";
    }

    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type(), "mode", mode.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public int[] outputShape(int[] in) {
        Layers.sequence(type(), in);
        return new int[] {in[1]};
    }

    @Override
    public boolean takesSequences() {
        return true;
    }

    @Override
    public Module create(int[] in, Random rng) {
        return new SequencePool(mode);
    }

    @Override
    public String toString() {
        return type() + "(" + mode.name().toLowerCase(Locale.ROOT) + ")";
    }
}
