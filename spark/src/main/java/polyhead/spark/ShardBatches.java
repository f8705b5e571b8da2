package polyhead.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

import polyhead.data.Batch;
import polyhead.data.BatchSource;
import polyhead.data.Dataset;
import polyhead.tensor.Seeds;

/**
 * Replica r's batches of a data-parallel run over R replicas, N rows and a global batch of B. Row i of the data
 * belongs to replica i mod R, whose shard holds its rows in row order (n_r = ⌈(N − r)/R⌉ of them). Each global
 * batch is made of one local batch per replica, of b_r = ⌊B/R⌋ rows, one more for r &lt; B mod R. Each epoch, every
 * replica shuffles its shard with a generator derived from the epoch's seed and its rank, and step s takes the rows
 * [s·b_r, (s+1)·b_r) of that order. All replicas run the same number of steps, the most any shard needs,
 * ⌈n_r/b_r⌉; a replica whose shard runs out first takes its remaining steps with no rows (and still takes part in
 * the exchange). Sharding, order and epoch boundaries thus depend only on the seed, the epoch, N, B and R.
 */
final class ShardBatches implements BatchSource {
    private final Dataset shard;
    private final int rank;
    private final int local;
    private final int steps;

    /**
     * @param shard the replica's rows, bound to the experiment
     * @param rows  N, the rows of all shards together
     */
    ShardBatches(Dataset shard, int rows, int batchSize, int replicas, int rank) {
        if (batchSize < replicas) {
            throw new IllegalArgumentException("training.batchSize: a global batch of " + batchSize + " cannot be "
                    + "shared by " + replicas + " replicas; give at least one row per replica");
        }
        if (shard.size() != shardSize(rows, replicas, rank)) {
            throw new IllegalStateException("replica " + rank + " holds " + shard.size() + " rows, expected "
                    + shardSize(rows, replicas, rank));
        }
        this.shard = shard;
        this.rank = rank;
        this.local = localBatch(batchSize, replicas, rank);
        int most = 0;
        for (int r = 0; r < replicas; r++) {
            int b = localBatch(batchSize, replicas, r);
            most = Math.max(most, (shardSize(rows, replicas, r) + b - 1) / b);
        }
        this.steps = Math.max(most, 1);
    }

    static int shardSize(int rows, int replicas, int rank) {
        return rows / replicas + (rank < rows % replicas ? 1 : 0);
    }

    static int localBatch(int batchSize, int replicas, int rank) {
        return batchSize / replicas + (rank < batchSize % replicas ? 1 : 0);
    }

    @Override
    public int stepsPerEpoch() {
        return steps;
    }

    @Override
    public List<String> tasks() {
        return shard.tasks();
    }

    @Override
    public Iterator<List<Batch>> epoch(Random rng) {
        return epoch(rng.nextLong());
    }

    /** The epoch whose order is drawn from {@code epochSeed} (what {@link #epoch(Random)} draws first). */
    Iterator<List<Batch>> epoch(long epochSeed) {
        int[] order = Dataset.permutation(shard.size(), new Random(Seeds.derive(epochSeed, rank)));
        return new Iterator<>() {
            private int step;

            @Override
            public boolean hasNext() {
                return step < steps;
            }

            @Override
            public List<Batch> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = Math.min(step * local, order.length);
                int to = Math.min(from + local, order.length);
                step++;
                return from == to ? List.of() : List.of(shard.batch(Arrays.copyOfRange(order, from, to)));
            }
        };
    }
}
