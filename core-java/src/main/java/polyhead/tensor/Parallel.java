package polyhead.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Data-parallel loops over the cores for the kernels around the matrix products (convolutions, im2col, pooling):
 * {@link #forEach} runs numbered tasks on a process-wide {@link WorkerPool} of one thread per processor, the caller
 * included, each thread pulling the next task from a counter (so a core that another process occupies simply runs
 * fewer of them).
 *
 * <p>Inside a task, and inside {@link #sequentially}, everything runs on the current thread: a nested
 * {@link #forEach} runs its tasks in order, and {@link VectorGemm} does not fork either ({@link #inside}). A task
 * therefore calls the GEMM on its own slice of the work, and the cores are split once, at the outermost loop.
 *
 * <p>Results never depend on the number of threads as long as each task writes its own outputs: callers that reduce
 * over tasks keep one partial result per task and add the partials in task order.
 *
 * <p>One loop runs at a time on the pool; a loop started while another thread holds it runs sequentially on its
 * caller.
 */
public final class Parallel {
    /** Ranges per thread in {@link #forRange}: enough to even out a busy core, few enough to cost nothing. */
    private static final int RANGES_PER_THREAD = 4;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    private static final WorkerPool POOL = THREADS > 1 ? new WorkerPool(THREADS, "polyhead-parallel") : null;
    private static final ReentrantLock BUSY = new ReentrantLock();
    /** Per thread: how many tasks or sequential sections it is inside of. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Parallel() {
    }

    /**
     * The process-wide pool, for {@link VectorGemm}'s parallel products (null on one processor): one set of worker
     * threads, so that the GEMM's workers and the loops' do not take turns on a core while the others stay awake
     * (see {@link WorkerPool}). Callers hold {@link #lock()} while they run on it.
     */
    static WorkerPool pool() {
        return POOL;
    }

    /** The lock that makes {@link #pool()} run one loop or product at a time. */
    static ReentrantLock lock() {
        return BUSY;
    }

    /** The number of threads a loop runs on: one per available processor. */
    public static int threads() {
        return THREADS;
    }

    /**
     * True on a thread that is running a task of {@link #forEach} or a {@link #sequentially} section: kernels called
     * here must stay on this thread.
     */
    public static boolean inside() {
        return DEPTH.get()[0] > 0;
    }

    /**
     * Runs {@code task.accept(t)} exactly once for every t in {@code [0, tasks)} and returns when all have finished,
     * spread over the threads; in order on the calling thread when {@code tasks == 1} (the task may then fork
     * itself, e.g. in the GEMM), when there is one processor, or when called {@link #inside} another loop or
     * section. The first exception a task throws is rethrown here after every started task has finished.
     */
    public static void forEach(int tasks, IntConsumer task) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 && !inside()) {
            task.accept(0);
            return;
        }
        if (POOL == null || inside() || !BUSY.tryLock()) {
            int[] depth = DEPTH.get();
            depth[0]++;
            try {
                for (int t = 0; t < tasks; t++) {
                    task.accept(t);
                }
            } finally {
                depth[0]--;
            }
            return;
        }
        try {
            AtomicInteger next = new AtomicInteger();
            POOL.run(Math.min(tasks, POOL.parallelism()), part -> {
                int[] depth = DEPTH.get();
                depth[0]++;
                try {
                    for (int t; (t = next.getAndIncrement()) < tasks; ) {
                        task.accept(t);
                    }
                } finally {
                    depth[0]--;
                }
            });
        } finally {
            BUSY.unlock();
        }
    }

    /**
     * {@link #forEach} over {@code [0, n)} cut into contiguous ranges {@code [from, to)} of at least {@code grain}
     * items (all of it in one range when {@code n < 2·grain}), a few ranges per thread so that they balance.
     */
    public static void forRange(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int ranges = Math.max(1, Math.min(n / Math.max(1, grain), RANGES_PER_THREAD * THREADS));
        int step = (n + ranges - 1) / ranges;
        int count = (n + step - 1) / step;
        forEach(count, t -> task.run(t * step, Math.min(n, (t + 1) * step)));
    }

    /**
     * Runs {@code task} over {@code [0, n)} cut into one contiguous part per thread, each part but the last a multiple
     * of {@code align} items long ({@link #parts}), and returns when all are done. Part t runs on the same pool thread
     * at every call (part 0 on the caller), unless a worker has not started it by the time the caller is done with
     * its own: so a sequence of loops over the same arrays, each split the same way, finds each part in the cache of
     * the core that last touched it (the optimizer's passes over its flat buffer). On the calling thread in one piece
     * when there is one processor, when {@code n ≤ align}, and when called {@link #inside} another loop or while the
     * pool is busy. The first exception a part throws is rethrown here after every part has finished.
     */
    public static void forParts(int n, int align, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int step = partLength(n, align);
        if (POOL == null || step >= n || inside() || !BUSY.tryLock()) {
            int[] depth = DEPTH.get();
            depth[0]++;
            try {
                task.run(0, n);
            } finally {
                depth[0]--;
            }
            return;
        }
        try {
            POOL.run(ceilDiv(n, step), part -> {
                int[] depth = DEPTH.get();
                depth[0]++;
                try {
                    task.run(part * step, Math.min(n, (part + 1) * step));
                } finally {
                    depth[0]--;
                }
            });
        } finally {
            BUSY.unlock();
        }
    }

    /**
     * The number of parts {@link #forParts} cuts {@code n} items into: one per thread, fewer when a part of
     * {@code align} items would leave nothing for the last ones.
     */
    public static int parts(int n, int align) {
        return n <= 0 ? 0 : ceilDiv(n, partLength(n, align));
    }

    /** The length of every part of {@link #forParts} but the last. */
    private static int partLength(int n, int align) {
        if (align < 1) {
            throw new IllegalArgumentException("align must be >= 1, got " + align);
        }
        return ceilDiv(ceilDiv(n, THREADS), align) * align;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** The body of {@link #forRange}: one contiguous range of items. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} with every loop and matrix product in it on the calling thread, and returns its result. For
     * callers that run their own threads, and for tests that compare against the parallel results.
     */
    public static <T> T sequentially(Supplier<T> body) {
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            return body.get();
        } finally {
            depth[0]--;
        }
    }
}
