package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import polyhead.train.GradientExchange;

/**
 * The ring all-reduce between threads of one JVM over loopback sockets, without Spark: the addresses go round a
 * stand-in for the barrier's allGather.
 */
class RingExchangeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A stand-in for {@code BarrierTaskContext.allGather}; {@code meanwhile} runs once all have arrived. */
    static final class Gather {
        final String[] slots;
        final CyclicBarrier barrier;

        Gather(int n, java.util.function.Consumer<String[]> meanwhile) {
            slots = new String[n];
            barrier = new CyclicBarrier(n, () -> meanwhile.accept(slots.clone()));
        }

        Function<String, String[]> forRank(int r) {
            return msg -> {
                slots[r] = msg;
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return slots.clone();
            };
        }
    }

    private interface Replica<T> {
        T run(RingExchange ring) throws Exception;
    }

    private static <T> List<T> ring(int n, Gather gather, Duration timeout, Replica<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                fs.add(pool.submit(() -> {
                    try (RingExchange x = RingExchange.open(rank, n, "127.0.0.1", gather.forRank(rank), timeout,
                            () -> false)) {
                        return body.run(x);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] values(int rank, int step, int length) {
        Random rng = new Random(1000L * rank + step);
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(6));
        }
        return v;
    }

    @Test
    void everyReplicaGetsTheSameSumsBitForBit() throws Exception {
        for (int n : new int[] {1, 2, 3, 4}) {
            int length = 1001; // not a multiple of the replicas: chunks of unequal length
            List<List<double[]>> sums = ring(n, new Gather(n, s -> { }), TIMEOUT, x -> {
                List<double[]> mine = new ArrayList<>();
                for (int step = 0; step < 3; step++) {
                    double[] v = values(x.rank(), step, step == 1 ? 7 : length);
                    x.sum(v);
                    mine.add(v);
                }
                return mine;
            });
            for (int step = 0; step < 3; step++) {
                for (int r = 1; r < n; r++) {
                    assertArrayEquals(sums.get(0).get(step), sums.get(r).get(step), n + " replicas, step " + step);
                }
                double[] got = sums.get(0).get(step);
                for (int i = 0; i < got.length; i++) {
                    double expected = 0;
                    for (int r = 0; r < n; r++) {
                        expected += values(r, step, got.length)[i];
                    }
                    assertEquals(expected, got[i], 1e-9 * Math.max(1, Math.abs(expected)), "element " + i);
                }
            }
        }
    }

    @Test
    void aStrangerWithoutTheSecretIsRejectedAndTheRingStillForms() throws Exception {
        List<Boolean> strangerClosed = new ArrayList<>();
        List<Thread> strangers = new ArrayList<>();
        Gather gather = new Gather(2, slots -> {
            // connects to replica 1 before replica 0 does, claiming to be replica 0, with a wrong answer
            String[] at = slots[1].split(" ");
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(at[0], Integer.parseInt(at[1]))) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    in.readFully(new byte[32]);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(0);
                    out.write(new byte[32]);
                    out.flush();
                    synchronized (strangerClosed) {
                        strangerClosed.add(in.read() == -1);
                    }
                } catch (Exception e) {
                    synchronized (strangerClosed) {
                        strangerClosed.add(true); // reset by the replica: closed too
                    }
                }
            });
            t.start();
            strangers.add(t);
            try {
                Thread.sleep(200); // its connection is first in replica 1's queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<double[]> sums = ring(2, gather, TIMEOUT, x -> {
            double[] v = {x.rank() + 1.0, 10.0 * (x.rank() + 1)};
            x.sum(v);
            return v;
        });
        strangers.get(0).join(5000);
        assertArrayEquals(new double[] {3, 30}, sums.get(0));
        assertArrayEquals(new double[] {3, 30}, sums.get(1));
        assertEquals(List.of(true), strangerClosed);
    }

    @Test
    void aPeerThatStopsEndsTheStepWithAnErrorNotAHang() throws Exception {
        long start = System.nanoTime();
        List<String> outcome = ring(2, new Gather(2, s -> { }), Duration.ofSeconds(1), x -> {
            if (x.rank() == 1) {
                return "left"; // replica 1 leaves without exchanging
            }
            var e = assertThrows(GradientExchange.ExchangeException.class, () -> x.sum(new double[100]));
            return e.getMessage();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(outcome.get(0).startsWith("replica 0: "), outcome.get(0));
        assertTrue(seconds < 10, "ended after " + seconds + " s");
    }
}
