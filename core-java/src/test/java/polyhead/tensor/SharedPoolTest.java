package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/**
 * {@link VectorGemm} runs its parallel products on {@link Parallel}'s pool, one loop or product at a time: products
 * called from several threads at once, and from inside Parallel's tasks while other threads use the pool, give the
 * one-thread results bit for bit and never deadlock.
 */
class SharedPoolTest {
    @Test
    void concurrentProductsAndLoopsShareThePoolSafely() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            VectorGemm shared = new VectorGemm(Math.max(2, Parallel.threads()));
            VectorGemm alone = new VectorGemm(1);
            // {m, n, k}: strips by columns and by rows, the dot path, each above the parallel threshold
            int[][] sizes = {{90, 150, 160}, {250, 61, 140}, {64, 200, 600}};
            Random rng = new Random(3);
            List<float[][]> cases = new ArrayList<>();
            for (int[] s : sizes) {
                float[] a = Tensor.randn(rng, Shape.of(s[0] * s[2])).data();
                float[] b = Tensor.randn(rng, Shape.of(s[1] * s[2])).data();
                float[] expected = new float[s[0] * s[1]];
                alone.gemm(false, true, s[0], s[1], s[2], a, 0, b, 0, expected, 0, false);
                cases.add(new float[][] {a, b, expected});
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean insideLoops = t == 3;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int round = 0; round < 15; round++) {
                            if (insideLoops) {
                                // products inside Parallel's tasks run on their task's thread
                                Parallel.forEach(sizes.length, i -> check(shared, sizes[i], cases.get(i), failures));
                            } else {
                                for (int i = 0; i < sizes.length; i++) {
                                    check(shared, sizes[i], cases.get(i), failures);
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        failures.add("interrupted");
                    }
                });
                threads.add(th);
                th.start();
            }
            start.countDown();
            for (Thread th : threads) {
                th.join();
            }
            assertTrue(failures.isEmpty(), String.join("; ", failures));
        });
    }

    private static void check(VectorGemm gemm, int[] s, float[][] c, ConcurrentLinkedQueue<String> failures) {
        float[] out = new float[s[0] * s[1]];
        gemm.gemm(false, true, s[0], s[1], s[2], c[0], 0, c[1], 0, out, 0, false);
        try {
            assertArrayEquals(c[2], out, 0f);
        } catch (AssertionError e) {
            failures.add(s[0] + "x" + s[1] + "x" + s[2] + ": " + e.getMessage());
        }
    }
}
