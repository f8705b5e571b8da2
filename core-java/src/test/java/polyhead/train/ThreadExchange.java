package polyhead.train;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link GradientExchange} between threads of one JVM, for tests: each replica leaves its array in its slot, and
 * after all have arrived each adds the slots in rank order. A replica that does not arrive within the timeout breaks
 * the barrier, and every waiting replica fails.
 */
final class ThreadExchange {
    private final int replicas;
    private final double[][] slots;
    private final CyclicBarrier arrived;
    private final CyclicBarrier read;
    private final long timeoutMillis;

    ThreadExchange(int replicas, long timeoutMillis) {
        this.replicas = replicas;
        this.slots = new double[replicas][];
        this.arrived = new CyclicBarrier(replicas);
        this.read = new CyclicBarrier(replicas);
        this.timeoutMillis = timeoutMillis;
    }

    GradientExchange replica(int rank) {
        return new GradientExchange() {
            @Override
            public int replicas() {
                return replicas;
            }

            @Override
            public int rank() {
                return rank;
            }

            @Override
            public void sum(double[] values) {
                slots[rank] = values.clone();
                await(arrived);
                for (int r = 0; r < replicas; r++) {
                    if (slots[r].length != values.length) {
                        throw new ExchangeException("replica " + r + " sent " + slots[r].length + " values, replica "
                                + rank + " " + values.length);
                    }
                }
                for (int i = 0; i < values.length; i++) {
                    double s = 0;
                    for (int r = 0; r < replicas; r++) {
                        s += slots[r][i];
                    }
                    values[i] = s;
                }
                await(read);
            }

            private void await(CyclicBarrier b) {
                try {
                    b.await(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new ExchangeException("replica " + rank + ": another replica did not arrive", e);
                }
            }
        };
    }
}
