package polyhead.spark;

import java.nio.ByteBuffer;
import java.util.Base64;

import org.apache.spark.BarrierTaskContext;

import polyhead.train.GradientExchange;

/**
 * A {@link GradientExchange} through Spark's own machinery: each replica hands its array to
 * {@link BarrierTaskContext#allGather}, which returns every replica's array in partition order, and each replica adds
 * them up in that order — so all replicas hold the same sums, bit for bit. The arrays travel through the driver's
 * barrier coordinator (Spark's RPC, under Spark's authentication and encryption when they are on), base-64 text of
 * the doubles: R·P values into the driver and R²·P out per exchange, which is fine for the small and medium models
 * this targets. Its cost is latency: Spark's barrier context looks for the coordinator's answer once a second, so an
 * exchange takes about a second whatever its size — why {@link RingExchange} is the default (figures in
 * BENCHMARKS.md). A replica that fails makes
 * Spark end the barrier stage, which ends the others' wait; {@code spark.barrier.sync.timeout} bounds a wait.
 * A message must fit Spark's {@code spark.rpc.message.maxSize} (128 MiB by default: about 12 million values).
 */
final class BarrierExchange implements GradientExchange {
    private final BarrierTaskContext context;
    private final int replicas;

    BarrierExchange(BarrierTaskContext context) {
        this.context = context;
        this.replicas = context.getTaskInfos().length;
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public int rank() {
        return context.partitionId();
    }

    @Override
    public void sum(double[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Double.BYTES);
        out.asDoubleBuffer().put(values);
        String[] all;
        try {
            all = context.allGather(Base64.getEncoder().encodeToString(out.array()));
        } catch (RuntimeException e) {
            throw new ExchangeException("replica " + rank() + ": the exchange through the barrier failed: "
                    + e.getMessage(), e);
        }
        java.util.Arrays.fill(values, 0);
        for (int r = 0; r < all.length; r++) {
            ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(all[r]));
            if (in.remaining() != values.length * Double.BYTES) {
                throw new ExchangeException("replica " + r + " sent " + in.remaining() / Double.BYTES
                        + " values, replica " + rank() + " " + values.length + ": the replicas are out of step");
            }
            var d = in.asDoubleBuffer();
            for (int i = 0; i < values.length; i++) {
                values[i] += d.get(i);
            }
        }
    }
}
