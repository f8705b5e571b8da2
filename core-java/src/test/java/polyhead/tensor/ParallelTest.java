package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void forEachRunsEveryTaskExactlyOnce() {
        for (int tasks : new int[] {0, 1, 2, 3, 17, 100}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, tasks));
            Parallel.forEach(tasks, t -> runs.incrementAndGet(t));
            for (int t = 0; t < tasks; t++) {
                assertEquals(1, runs.get(t), tasks + " tasks, task " + t);
            }
        }
    }

    @Test
    void forRangeCoversTheRangeOnceInRangesOfAtLeastTheGrain() {
        for (int[] c : new int[][] {{1, 1}, {7, 4}, {8, 4}, {100, 3}, {1000, 1}, {5, 100}}) {
            int n = c[0];
            int grain = c[1];
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            Set<Integer> sizes = ConcurrentHashMap.newKeySet();
            Parallel.forRange(n, grain, (from, to) -> {
                sizes.add(to - from);
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), n + "/" + grain + ", item " + i);
            }
            int smallest = sizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertTrue(smallest >= Math.min(n, grain), n + "/" + grain + ": a range of " + smallest);
        }
    }

    @Test
    void tasksAreInsideAndTheirNestedLoopsStayOnTheirThread() {
        assertFalse(Parallel.inside());
        Set<String> failures = ConcurrentHashMap.newKeySet();
        Parallel.forEach(8, t -> {
            if (!Parallel.inside()) {
                failures.add("task " + t + " is not inside");
            }
            Thread outer = Thread.currentThread();
            Parallel.forEach(4, u -> {
                if (Thread.currentThread() != outer) {
                    failures.add("nested task " + t + "." + u + " left its thread");
                }
            });
        });
        assertEquals(Set.of(), failures);
        assertFalse(Parallel.inside());
    }

    @Test
    void sequentiallyRunsEverythingOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        String result = Parallel.sequentially(() -> {
            assertTrue(Parallel.inside());
            Parallel.forEach(16, t -> threads.add(Thread.currentThread()));
            return "done";
        });
        assertEquals("done", result);
        assertEquals(Set.of(caller), threads);
        assertFalse(Parallel.inside());
    }

    @Test
    void aTaskExceptionReachesTheCallerAndThePoolStaysUsable() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(10, t -> {
            if (t == 7) {
                throw new IllegalStateException("task 7");
            }
        }));
        assertEquals("task 7", e.getMessage());
        assertFalse(Parallel.inside());
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        Parallel.forEach(10, t -> runs.incrementAndGet(t));
        for (int t = 0; t < 10; t++) {
            assertEquals(1, runs.get(t));
        }
    }

    @Test
    void aSingleTaskRunsOnTheCallerOutsideAnyLoop() {
        Thread[] ran = new Thread[1];
        boolean[] inside = new boolean[1];
        Parallel.forEach(1, t -> {
            ran[0] = Thread.currentThread();
            inside[0] = Parallel.inside();
        });
        assertSame(Thread.currentThread(), ran[0]);
        // so that the task itself may still use every core (e.g. one large matrix product)
        assertFalse(inside[0]);
    }

    @Test
    void forPartsCoversTheRangeOnceInAlignedPartsOnePerThread() {
        for (int[] c : new int[][] {{1, 16}, {31, 16}, {32, 16}, {33, 16}, {1000, 16}, {100_003, 16}, {10, 1}}) {
            int n = c[0];
            int align = c[1];
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            Set<Integer> starts = ConcurrentHashMap.newKeySet();
            Parallel.forParts(n, align, (from, to) -> {
                starts.add(from);
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), n + "/" + align + ", item " + i);
            }
            for (int s : starts) {
                assertEquals(0, s % align, n + "/" + align + ": a part starts at " + s);
            }
            assertEquals(Parallel.parts(n, align), starts.size(), n + "/" + align + ": parts");
            assertTrue(starts.size() <= Parallel.threads(), n + "/" + align + ": " + starts.size() + " parts");
            assertEquals(n > align && Parallel.threads() > 1, starts.size() > 1, n + "/" + align + ": split");
        }
    }

    @Test
    void forPartsIsOnePieceInsideALoop() {
        Set<String> failures = ConcurrentHashMap.newKeySet();
        Parallel.forEach(2, t -> Parallel.forParts(1000, 16, (from, to) -> {
            if (from != 0 || to != 1000) {
                failures.add("task " + t + " ran part [" + from + ", " + to + ")");
            }
        }));
        assertEquals(Set.of(), failures);
    }
}
