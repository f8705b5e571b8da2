package polyhead.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Function;

import polyhead.data.Batch;
import polyhead.data.BatchSource;
import polyhead.data.Dataset;
import polyhead.data.MultiSourceDraw;
import polyhead.data.TaskBalancedDraw;

/**
 * Replica r's batches when each global batch is drawn from all rows — task-balanced sampling
 * ({@link TaskBalancedDraw}) and multi-source sampling ({@link MultiSourceDraw}): every replica draws the global
 * batch's rows from the epoch's generator exactly as one process at the global batch B draws them (the draw depends
 * only on which rows are labelled, or on the sources' sizes, which every replica knows), and keeps the rows of its
 * own shard — row i of a DataFrame belongs to replica i mod R, at position ⌊i/R⌋ of its shard of that DataFrame. The
 * replicas' batches of a step thus hold the rows of one process's batch, each once as often as it was drawn; a
 * replica's part varies from step to step around B/R (the draw decides), and may be empty, in which case the replica
 * still takes part in the exchange.
 */
final class DrawnBatches implements BatchSource {
    private final List<Dataset> shards;
    private final List<String> only;
    private final List<String> tasks;
    private final int replicas;
    private final int rank;
    private final int steps;
    private final Function<Random, Iterator<List<int[]>>> draw;

    private DrawnBatches(List<Dataset> shards, List<String> only, int replicas, int rank, int steps,
                         Function<Random, Iterator<List<int[]>>> draw) {
        this.shards = List.copyOf(shards);
        this.only = only;
        this.tasks = only != null ? List.copyOf(only) : shards.get(0).tasks();
        this.replicas = replicas;
        this.rank = rank;
        this.steps = steps;
        this.draw = draw;
    }

    /**
     * Task-balanced sampling over the N rows of all shards.
     *
     * @param shard this replica's rows, bound to the experiment
     * @param draw  the draw over every row's labels ({@link #labelPatterns} gathers them)
     */
    static DrawnBatches taskBalanced(Dataset shard, TaskBalancedDraw draw, int batchSize, int replicas, int rank) {
        int n = draw.rows();
        int steps = (n + batchSize - 1) / batchSize;
        return new DrawnBatches(List.of(shard), null, replicas, rank, steps, rng -> {
            int[] rows = draw.draw(rng);
            List<List<int[]>> all = new ArrayList<>(steps);
            for (int s = 0; s < steps; s++) {
                all.add(List.of(java.util.Arrays.copyOfRange(rows, s * batchSize, Math.min(n, (s + 1) * batchSize))));
            }
            return all.iterator();
        });
    }

    /**
     * Multi-source sampling: one DataFrame per task, in task order.
     *
     * @param tasks  the tasks, one per source, in order
     * @param shards this replica's rows of each source, bound to the experiment (the other tasks' labels missing)
     * @param sizes  each source's rows over all replicas
     */
    static DrawnBatches multiSource(List<String> tasks, List<Dataset> shards, List<Integer> sizes, int batchSize,
                                    int replicas, int rank) {
        MultiSourceDraw draw = new MultiSourceDraw(sizes, batchSize);
        return new DrawnBatches(shards, tasks, replicas, rank, draw.stepsPerEpoch(), draw::epoch);
    }

    /**
     * Every row's labelled tasks, gathered over the replicas: element i is Σ_{t labelled in row i} 2^t (t the task's
     * index), filled by the replica holding row i and summed through {@code exchange}; what a replica needs to draw
     * task-balanced batches over all rows while holding only its own.
     *
     * @throws IllegalArgumentException for more than 52 tasks (the pattern must be exact in a double)
     */
    static TaskBalancedDraw labelPatterns(Dataset shard, int rows, int replicas, int rank,
                                          polyhead.train.GradientExchange exchange) {
        List<String> tasks = shard.tasks();
        if (tasks.size() > 52) {
            throw new IllegalArgumentException("training.sampling: task-balanced sampling data-parallel handles at "
                    + "most 52 tasks, the experiment has " + tasks.size());
        }
        double[] pattern = new double[rows];
        for (int p = 0; p < shard.size(); p++) {
            double v = 0;
            for (int t = 0; t < tasks.size(); t++) {
                if (shard.mask(tasks.get(t)).data()[p] != 0) {
                    v += (double) (1L << t);
                }
            }
            pattern[p * replicas + rank] = v;
        }
        exchange.sum(pattern);
        List<float[]> masks = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            float[] m = new float[rows];
            for (int i = 0; i < rows; i++) {
                m[i] = (((long) pattern[i]) >>> t & 1L) != 0 ? 1 : 0;
            }
            masks.add(m);
        }
        return new TaskBalancedDraw(masks, rows, "the DataFrame");
    }

    @Override
    public int stepsPerEpoch() {
        return steps;
    }

    @Override
    public List<String> tasks() {
        return tasks;
    }

    @Override
    public Iterator<List<Batch>> epoch(Random rng) {
        Iterator<List<int[]>> global = draw.apply(rng);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return global.hasNext();
            }

            @Override
            public List<Batch> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<int[]> rows = global.next();
                List<Batch> out = new ArrayList<>();
                for (int k = 0; k < rows.size(); k++) {
                    int[] mine = mine(rows.get(k));
                    if (mine.length > 0) {
                        Batch b = shards.get(k).batch(mine);
                        out.add(only == null ? b : b.onlyTask(only.get(k)));
                    }
                }
                return out;
            }
        };
    }

    /** The positions in this replica's shard of the drawn rows it holds, in draw order. */
    private int[] mine(int[] drawn) {
        int n = 0;
        for (int i : drawn) {
            n += i % replicas == rank ? 1 : 0;
        }
        int[] out = new int[n];
        int at = 0;
        for (int i : drawn) {
            if (i % replicas == rank) {
                out[at++] = i / replicas;
            }
        }
        return out;
    }
}
