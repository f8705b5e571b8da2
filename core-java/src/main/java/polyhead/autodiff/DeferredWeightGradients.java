package polyhead.autodiff;

/**
 * Lets a caller take over the weight gradient of fully connected layers during backward passes on this thread.
 *
 * <p>The weight gradient of {@code y = x·Wᵀ + b} is ∂L/∂W = gᵀ·x, with x [rows, in] the layer's input and g
 * [rows, out] the gradient of its output. A caller that runs several backward passes over one graph (one per task)
 * and needs only inner products of those gradients and one combination of them (a gradient-level weighting over
 * shared parameters) does not need each gᵀ·x: it keeps g and x and forms what it needs later. Inside a
 * {@link #capture} scope the fully connected operations ({@code MatMul.linear}, {@code MatMul.linearRelu}) offer
 * (W, x, g) to the sink; a weight the sink accepts gets no gradient from that pass (the sink supplies it later), its
 * input and bias gradients are computed as usual. Other operations are unaffected: their parameters' gradients are
 * computed as always.
 *
 * <pre>{@code
 * try (var scope = DeferredWeightGradients.capture(sink)) {
 *     loss.backward();            // sink.take(W, x, g, …) instead of W.grad += gᵀ·x for each W it accepts
 * }
 * }</pre>
 */
public final class DeferredWeightGradients {
    /** Receives the factors of the weight gradients it accepts. */
    public interface Sink {
        /** Whether this sink takes over the gradient of {@code weight}. */
        boolean accepts(Var weight);

        /**
         * One fully connected use of {@code weight}: ∂L/∂W would have received gᵀ·x. The arrays are valid during
         * this call only (the backward pass reuses them): copy what is kept.
         *
         * @param input          x, [rows, in] row-major (not modified)
         * @param outputGradient g, [rows, out] row-major (not modified)
         */
        void take(Var weight, float[] input, float[] outputGradient, int rows, int in, int out);
    }

    private static final ThreadLocal<Sink> CURRENT = new ThreadLocal<>();

    private DeferredWeightGradients() {
    }

    /** Routes accepted weight gradients to {@code sink} until the scope is closed; scopes do not nest. */
    public static Scope capture(Sink sink) {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a weight-gradient capture is already open on this thread");
        }
        CURRENT.set(sink);
        return new Scope();
    }

    /**
     * For backward rules of fully connected operations: hands (W, x, g) to the open sink if it accepts W and
     * returns true (the rule then skips W's gradient); false otherwise.
     */
    public static boolean offer(Var weight, float[] input, float[] outputGradient, int rows, int in, int out) {
        Sink sink = CURRENT.get();
        if (sink == null || !sink.accepts(weight)) {
            return false;
        }
        sink.take(weight, input, outputGradient, rows, in, out);
        return true;
    }

    /** An open capture; closing it twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private boolean closed;

        private Scope() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                CURRENT.remove();
            }
        }
    }
}
