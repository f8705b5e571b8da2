package polyhead.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The rows of one multi-source epoch ({@link Batching#multiSource}), computed from the sources' sizes alone: each
 * step takes {@code batchSize} rows of every source, dealt from a shuffled order of that source that is reshuffled
 * when it runs out; an epoch runs as many steps as the largest source needs. Kept apart from the data so that a
 * data-parallel replica, which holds only its shard of each source, draws the same rows one process draws from the
 * same generator.
 */
public final class MultiSourceDraw {
    private final int[] sizes;
    private final int batchSize;
    private final int steps;

    /** @param sizes each source's rows, in the order the sources are drawn from; each at least 1 */
    public MultiSourceDraw(List<Integer> sizes, int batchSize) {
        this.sizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        this.batchSize = batchSize;
        int most = 0;
        for (int n : this.sizes) {
            most = Math.max(most, (n + batchSize - 1) / batchSize);
        }
        this.steps = most;
    }

    public int stepsPerEpoch() {
        return steps;
    }

    /**
     * The epoch's steps, each a list of one array of {@code batchSize} row indices per source, in source order; the
     * sources' first orders are drawn from {@code rng} in source order when the epoch starts, later ones as needed.
     */
    public Iterator<List<int[]>> epoch(Random rng) {
        List<Cycle> cycles = new ArrayList<>();
        for (int n : sizes) {
            cycles.add(new Cycle(n, rng));
        }
        return Batching.steps(steps, s -> {
            List<int[]> out = new ArrayList<>(cycles.size());
            cycles.forEach(c -> out.add(c.take(batchSize)));
            return out;
        });
    }

    /** Indices 0..n-1 dealt in shuffled rounds, reshuffling when a round is used up. */
    private static final class Cycle {
        private final int n;
        private final Random rng;
        private int[] order;
        private int pos;

        Cycle(int n, Random rng) {
            this.n = n;
            this.rng = rng;
            this.order = Dataset.permutation(n, rng);
        }

        int[] take(int count) {
            int[] out = new int[count];
            for (int i = 0; i < out.length; i++) {
                if (pos == n) {
                    order = Dataset.permutation(n, rng);
                    pos = 0;
                }
                out[i] = order[pos++];
            }
            return out;
        }
    }
}
