package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void runsEveryPartOnceAndRethrowsAPartsException() {
        WorkerPool pool = new WorkerPool(3, "test-pool");
        for (int round = 0; round < 50; round++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            pool.run(3, runs::incrementAndGet);
            for (int p = 0; p < 3; p++) {
                assertEquals(1, runs.get(p), "round " + round + ", part " + p);
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(3, p -> {
            if (p == 2) {
                throw new IllegalStateException("part 2 failed");
            }
        }));
        assertEquals("part 2 failed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.run(4, p -> { }));
    }

    /**
     * A worker that has finished stays awake (runnable: spinning, then yielding) for about {@link
     * WorkerPool#AWAKE_NANOS}, then parks (waiting). Fails if it parks right away (the wake-up the awake time is there
     * to avoid) or never parks (a core kept busy for good).
     */
    @Test
    void anIdleWorkerStaysAwakeForTheAwakeTimeThenParks() throws InterruptedException {
        assertEquals(1_000_000, WorkerPool.AWAKE_NANOS, "this test assumes the default awake time");
        WorkerPool pool = new WorkerPool(2, "test-awake");
        Thread worker = pool.threads()[0];
        boolean sawAwake = false;
        for (int attempt = 0; attempt < 20 && !sawAwake; attempt++) {
            AtomicInteger ran = new AtomicInteger();
            pool.run(2, p -> ran.incrementAndGet());
            assertEquals(2, ran.get());
            // 0.2 ms after the run the worker is still awake unless the machine descheduled this thread for long
            long end = System.nanoTime() + 200_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            sawAwake = worker.getState() == Thread.State.RUNNABLE;
        }
        assertTrue(sawAwake, "the worker parked within 0.2 ms of its part in 20 attempts");
        Thread.sleep(50);
        Thread.State state = worker.getState();
        assertTrue(state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING,
                "the worker is still " + state + " 50 ms after its last part");
    }

    @Test
    void theAwakeTimeComesFromItsPropertyInMicroseconds() {
        assertEquals(1_000_000, WorkerPool.awakeNanos(null));
        assertEquals(1_000_000, WorkerPool.awakeNanos(" "));
        assertEquals(0, WorkerPool.awakeNanos("0"));
        assertEquals(250_000, WorkerPool.awakeNanos(" 250 "));
        for (String bad : new String[] {"-1", "1ms", "1e3", "20000000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerPool.awakeNanos(bad));
            assertTrue(e.getMessage().startsWith("-Dpolyhead.workers.awakeMicros=" + bad + ": expected"),
                    e.getMessage());
        }
        assertEquals(10_000_000_000L, WorkerPool.awakeNanos("10000000"));
    }
}
