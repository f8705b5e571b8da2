package polyhead.nn;

import java.util.Objects;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.SequencePooling;
import polyhead.tensor.ShapeException;

/**
 * Pools padded sequences [B, T, F] over time into one vector per sequence [B, F], skipping the padding: the mean,
 * the maximum, the last valid step or the first step (a classification token), as {@link SequencePooling} computes
 * them. {@link #call} pools with the lengths of the open {@link SequenceLengths} scope (full-length sequences
 * outside one); {@link #pool} takes each sequence's length.
 */
public final class SequencePool extends Module {
    /** What a sequence is reduced to. */
    public enum Mode { MEAN, MAX, LAST, FIRST }

    private final Mode mode;

    public SequencePool(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Pools {@code x} [B, T, F] with each sequence's valid steps ({@code lengths}: B values in [1, T], or null for
     * all T).
     */
    public Var pool(Var x, int[] lengths) {
        try {
            return switch (mode) {
                case MEAN -> SequencePooling.mean(x, lengths);
                case MAX -> SequencePooling.max(x, lengths);
                case LAST -> SequencePooling.last(x, lengths);
                case FIRST -> SequencePooling.first(x);
            };
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }

    @Override
    protected Var forward(Var x) {
        return pool(x, SequenceLengths.current());
    }
}
