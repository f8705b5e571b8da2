package polyhead.nn;

import polyhead.autodiff.GradMode;

/**
 * A scope in which the current thread runs modules as a served model does: no graph is recorded
 * ({@link GradMode#noGrad()}: every operation's result is a constant without parents) and every module behaves as in
 * evaluation mode (dropout is the identity, batch norm uses its running statistics) whatever its
 * {@link Module#isTraining() mode flag} says.
 *
 * <p>Unlike {@link Module#eval()}, which writes the flag of a whole network, the scope belongs to the thread that
 * opened it and writes nothing shared: any number of threads can run the same network inside their own scopes while
 * its flag stays as it was. Scopes nest and end when closed.
 *
 * <pre>{@code
 * try (var scope = Inference.enter()) {
 *     Var y = model.call(Var.constant(x));   // no graph, evaluation behaviour
 * }
 * }</pre>
 */
public final class Inference {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Inference() {
    }

    /** True inside an {@link #enter()} scope on the current thread. */
    public static boolean isActive() {
        return DEPTH.get()[0] > 0;
    }

    /** Enters an inference scope on the current thread (and a no-grad scope with it). */
    public static Scope enter() {
        int[] depth = DEPTH.get();
        GradMode.Scope noGrad = GradMode.noGrad();
        depth[0]++;
        return new Scope(depth, noGrad);
    }

    /** An inference scope; closing it twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private final int[] depth;
        private final GradMode.Scope noGrad;
        private boolean closed;

        private Scope(int[] depth, GradMode.Scope noGrad) {
            this.depth = depth;
            this.noGrad = noGrad;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
                noGrad.close();
            }
        }
    }
}
