package polyhead.autodiff;

/**
 * Whether operations record a graph on the current thread. Inside a {@link #noGrad()} scope every operation returns
 * a constant: no parents are kept and nothing can be differentiated, which is what evaluation and weight updates
 * want.
 *
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     Var logits = model.call(x);   // no graph
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<int[]> DISABLED_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private GradMode() {
    }

    /** True unless the current thread is inside a {@link #noGrad()} scope. */
    public static boolean isEnabled() {
        return DISABLED_DEPTH.get()[0] == 0;
    }

    /** Enters a no-grad scope; scopes nest and end when closed. */
    public static Scope noGrad() {
        int[] depth = DISABLED_DEPTH.get();
        depth[0]++;
        return new Scope(depth);
    }

    /** A no-grad scope; closing it twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private final int[] depth;
        private boolean closed;

        private Scope(int[] depth) {
            this.depth = depth;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
            }
        }
    }
}
