package polyhead.nn;

/**
 * The valid lengths of the padded sequences a forward pass is running on, for the sequence layers called through
 * {@link Module#call} — in a {@link Sequential} or an architecture's trunk, where a layer takes one input and no
 * lengths. Whoever runs a model on a batch of padded sequences opens a scope with the batch's lengths around the
 * forward pass ({@code polyhead.train.Trainer} in training and evaluation, {@code polyhead.serve.Predictor} in
 * serving); {@link Lstm}, {@link Gru}, {@link SequencePool} and {@link TransformerEncoder} read them in their
 * {@code forward} (the recurrent layers as {@code pack_padded_sequence}'s lengths, the Transformer as its key-padding
 * mask, the pooling to skip the padding). Outside a scope they see full-length sequences, as before.
 *
 * <p>Why a scope rather than an argument: an architecture's forward takes one input tensor, and every architecture
 * and layer between the input and a sequence layer would otherwise have to pass the lengths on. The scope belongs to
 * the calling thread only (like {@link Inference}), so threads serving different batches do not see each other's
 * lengths; scopes nest, the innermost wins. The explicit methods ({@link Lstm#run}, {@link SequencePool#pool},
 * {@link TransformerEncoder#run}) take lengths or masks as arguments and ignore the scope.
 *
 * <pre>{@code
 * try (SequenceLengths.Scope s = SequenceLengths.open(batch.lengths())) {
 *     Map<String, Var> out = architecture.outputs(Var.constant(batch.inputs()));
 * }
 * }</pre>
 */
public final class SequenceLengths {
    private static final ThreadLocal<int[]> CURRENT = new ThreadLocal<>();

    private SequenceLengths() {
    }

    /**
     * Opens a scope in which the sequence layers read {@code lengths} (B values in [1, T]; null: the sequences are
     * not padded, or the inputs are no sequences). Not copied: the caller does not change them while the scope is open.
     */
    public static Scope open(int[] lengths) {
        int[] before = CURRENT.get();
        CURRENT.set(lengths);
        return new Scope(before);
    }

    /** The lengths of the innermost open scope on this thread, or null (none, or a scope of full sequences). */
    public static int[] current() {
        return CURRENT.get();
    }

    /** A scope of lengths; closing restores the enclosing scope's lengths, and closing twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private final int[] before;
        private boolean closed;

        private Scope(int[] before) {
            this.before = before;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (before == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(before);
                }
            }
        }
    }
}
