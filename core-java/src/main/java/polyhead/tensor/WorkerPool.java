package polyhead.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed set of daemon threads that run the parts of one data-parallel call, the caller taking part 0.
 *
 * <p>Not the common ForkJoinPool: a training step issues hundreds of sub-millisecond kernels, and the hand-off has to
 * cost microseconds. A worker that has just finished stays awake for the next part: it spins ({@link #SPIN_NANOS}),
 * then yields its core ({@link Thread#yield}, so that any other runnable thread gets it) until {@link #AWAKE_NANOS}
 * have passed, and only then parks. The caller waiting for a worker does the same. Waking a parked thread takes as
 * long as a whole W1 product; with workers that parked soon after a part, the gaps between a step's products (bias,
 * activation, loss, optimizer) were long enough that nearly every parallel product paid it, and staying awake longer
 * made W1's step faster (BENCHMARKS.md, implementation notes). Yielding rather than spinning gives
 * the core to any other thread that wants it. (Two pools whose workers both stayed awake still shared a core badly:
 * {@link VectorGemm} therefore runs on {@link Parallel}'s pool.)
 * {@value #AWAKE_PROPERTY} sets the time in microseconds (0: park right after the spin), for a service that would
 * rather not have a core busy-yielding for a millisecond after each call.
 *
 * <p>On a shared machine a worker may not get a core for milliseconds. So a part is claimed by whoever starts it
 * first: when the caller has finished its own part it takes back every part no worker has started and runs it
 * itself, instead of waiting for a descheduled thread. Parts that pull small tasks from a shared counter (as
 * {@link VectorGemm}'s do) then balance themselves over the cores that are actually running.
 *
 * <p>Not thread-safe: one {@link #run} at a time (callers serialize).
 */
final class WorkerPool {
    /** How long an idle worker, or the caller waiting for a worker, spins before it starts to yield its core. */
    static final long SPIN_NANOS = 10_000;
    /** The system property that sets how long an idle thread stays awake, in microseconds (default 1000). */
    static final String AWAKE_PROPERTY = "polyhead.workers.awakeMicros";
    /** How long an idle worker, or the caller waiting for a worker, stays awake (spinning, then yielding) before it parks. */
    static final long AWAKE_NANOS = awakeNanos(System.getProperty(AWAKE_PROPERTY));

    private final Worker[] workers;

    /** A pool of {@code threads − 1} workers, so that {@code threads} parts run at once with the caller's. */
    WorkerPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(name + "-" + (i + 1));
        }
    }

    /** The number of parts that run at once: the workers and the caller. */
    int parallelism() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body.accept(part)} exactly once for every part in {@code [0, parts)} and returns when all are done;
     * part 0 runs on the calling thread, any part a worker has not started by then too. The first exception thrown
     * by a part is rethrown here, after every part has finished.
     *
     * @param parts at most {@link #parallelism()}
     */
    void run(int parts, IntConsumer body) {
        if (parts > parallelism()) {
            throw new IllegalArgumentException(parts + " parts for a pool of parallelism " + parallelism());
        }
        for (int p = 1; p < parts; p++) {
            workers[p - 1].submit(body, p);
        }
        Throwable error = null;
        try {
            body.accept(0);
        } catch (Throwable t) {
            error = t;
        }
        for (int p = 1; p < parts; p++) {
            Throwable t;
            if (workers[p - 1].cancel()) {
                try {
                    body.accept(p);
                    t = null;
                } catch (Throwable e) {
                    t = e;
                }
            } else {
                t = workers[p - 1].await();
            }
            if (error == null) {
                error = t;
            }
        }
        if (error instanceof RuntimeException e) {
            throw e;
        }
        if (error instanceof Error e) {
            throw e;
        }
        if (error != null) {
            throw new IllegalStateException(error);
        }
    }

    /**
     * Waits awake until {@code state} holds {@code wanted}: spins for {@link #SPIN_NANOS}, then yields until
     * {@link #AWAKE_NANOS}. True if the state came; false if the time ran out (the caller then parks).
     */
    static boolean awaitAwake(AtomicInteger state, int wanted) {
        long start = System.nanoTime();
        while (state.get() != wanted) {
            long waited = System.nanoTime() - start;
            if (waited < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (waited < AWAKE_NANOS) {
                Thread.yield();
            } else {
                return false;
            }
        }
        return true;
    }

    /** The awake time for a value of {@value #AWAKE_PROPERTY} (null: the default, 1 ms). */
    static long awakeNanos(String micros) {
        if (micros == null || micros.isBlank()) {
            return 1_000_000;
        }
        try {
            long us = Long.parseLong(micros.trim());
            if (us >= 0 && us <= 10_000_000) {
                return us * 1000;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + AWAKE_PROPERTY + "=" + micros
                + ": expected a whole number of microseconds from 0 to 10000000");
    }

    /** The worker threads, for tests. */
    Thread[] threads() {
        Thread[] t = new Thread[workers.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = workers[i].thread;
        }
        return t;
    }

    private static final class Worker implements Runnable {
        private static final int IDLE = 0;
        private static final int PENDING = 1;
        private static final int RUNNING = 2;
        private static final int DONE = 3;

        private final Thread thread;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile Thread waiter;
        // written by the caller before state becomes PENDING, read by the worker after it claims the part
        private IntConsumer task;
        private int part;
        // written by the worker before state becomes DONE
        private Throwable error;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        void submit(IntConsumer body, int p) {
            task = body;
            part = p;
            error = null;
            state.set(PENDING);
            LockSupport.unpark(thread);
        }

        /** Takes the part back if the worker has not started it; true if so (the caller must run it). */
        boolean cancel() {
            return state.compareAndSet(PENDING, IDLE);
        }

        /** Waits for the started part to finish; returns what it threw, or null. */
        Throwable await() {
            if (!awaitAwake(state, DONE)) {
                waiter = Thread.currentThread();
                while (state.get() != DONE) {
                    LockSupport.park(this);
                }
                waiter = null;
            }
            Throwable t = error;
            task = null;
            state.set(IDLE);
            return t;
        }

        @Override
        public void run() {
            while (true) {
                awaitPending();
                if (!state.compareAndSet(PENDING, RUNNING)) {
                    continue; // the caller took it back
                }
                try {
                    task.accept(part);
                } catch (Throwable e) {
                    error = e;
                }
                state.set(DONE);
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }

        private void awaitPending() {
            if (!awaitAwake(state, PENDING)) {
                while (state.get() != PENDING) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
