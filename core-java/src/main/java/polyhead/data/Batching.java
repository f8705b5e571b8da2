package polyhead.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.IntFunction;

import polyhead.tensor.Tensor;

/**
 * Ways to cut datasets into batches: in order, shuffled, task-balanced, and one source per task; and sequence
 * datasets into padded batches: in order, shuffled, or bucketed by length.
 */
public final class Batching {
    private Batching() {
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /** Rows in order, the last batch possibly smaller; for evaluation and prediction. */
    public static BatchSource sequential(Dataset data, int batchSize) {
        checkBatchSize(batchSize);
        return new IndexSource(data, batchSize, rng -> identity(data.size()), false);
    }

    /**
     * A new random order each epoch (Fisher–Yates from the epoch's generator), then consecutive batches; with
     * {@code dropLast} an incomplete final batch is skipped.
     */
    public static BatchSource shuffled(Dataset data, int batchSize, boolean dropLast) {
        checkBatchSize(batchSize);
        return new IndexSource(data, batchSize, rng -> Dataset.permutation(data.size(), rng), dropLast);
    }

    /**
     * Sentences in order, each batch padded to its longest sentence ({@link SequenceDataset#batch}), the last batch
     * possibly smaller; for evaluation and prediction.
     */
    public static BatchSource sequential(SequenceDataset data, int batchSize) {
        checkBatchSize(batchSize);
        return new IndexSource(data, batchSize, rng -> identity(data.size()), false);
    }

    /** Sentences in a new random order each epoch, as {@link #shuffled(Dataset, int, boolean)}, each batch padded. */
    public static BatchSource shuffled(SequenceDataset data, int batchSize, boolean dropLast) {
        checkBatchSize(batchSize);
        return new IndexSource(data, batchSize, rng -> Dataset.permutation(data.size(), rng), dropLast);
    }

    /**
     * Bucketing by length, so that a batch's sentences have similar lengths and little of it is padding (the
     * "bucket iterator" of torchtext and AllenNLP): each epoch shuffles the sentences (from the epoch's generator),
     * sorts each pool of {@code poolBatches} · batchSize consecutive sentences by length (stably, so equal lengths
     * keep the shuffled order), cuts the pools into batches, and shuffles the order of the full batches; an
     * incomplete batch (at most one, the end of the last pool) comes last, or is skipped with {@code dropLast}.
     * Deterministic for a given generator. poolBatches = 1 keeps the shuffled batches and only sorts within them.
     */
    public static BatchSource bucketed(SequenceDataset data, int batchSize, int poolBatches, boolean dropLast) {
        checkBatchSize(batchSize);
        if (poolBatches < 1) {
            throw new IllegalArgumentException("bucketing: batches per pool must be >= 1, got " + poolBatches);
        }
        int n = data.size();
        int pool = (int) Math.min(Integer.MAX_VALUE, (long) poolBatches * batchSize);
        return new IndexSource(data, batchSize, rng -> {
            int[] perm = Dataset.permutation(n, rng);
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = perm[i];
            }
            for (int from = 0; from < n; from += pool) {
                Arrays.sort(boxed, from, Math.min(n, from + pool), java.util.Comparator.comparingInt(data::length));
            }
            int full = n / batchSize;
            int[] batchOrder = Dataset.permutation(full, rng);
            int[] rows = new int[n];
            int at = 0;
            for (int b : batchOrder) {
                for (int j = 0; j < batchSize; j++) {
                    rows[at++] = boxed[b * batchSize + j];
                }
            }
            while (at < n) {
                rows[at] = boxed[at];
                at++;
            }
            return rows;
        }, dropLast);
    }

    /**
     * Task-balanced sampling for datasets whose tasks have very different numbers of labels: each epoch draws N rows
     * with replacement so that every task contributes about the same number of labels ({@link TaskBalancedDraw}
     * states the probabilities), then consecutive batches.
     */
    public static BatchSource taskBalanced(Dataset data, int batchSize) {
        checkBatchSize(batchSize);
        TaskBalancedDraw draw = TaskBalancedDraw.of(data);
        return new IndexSource(data, batchSize, draw::draw, false);
    }

    /**
     * One data source per task (LibMTL's multi-input mode): each step has one shuffled batch per task, with that
     * task's inputs; an epoch runs as many steps as the largest source needs, and smaller sources start over
     * (reshuffled) when they run out ({@link MultiSourceDraw}).
     */
    public static BatchSource multiSource(Map<String, Dataset> perTask, int batchSize) {
        checkBatchSize(batchSize);
        if (perTask.isEmpty()) {
            throw new IllegalArgumentException("multi-source batching needs at least one task");
        }
        Map<String, Dataset> sources = new LinkedHashMap<>();
        perTask.forEach((task, d) -> {
            if (!d.tasks().contains(task)) {
                throw new IllegalArgumentException("multi-source batching: the dataset given for task '" + task
                        + "' has tasks " + d.tasks());
            }
            if (d.size() == 0) {
                throw new IllegalArgumentException("multi-source batching: the dataset of task '" + task + "' is empty");
            }
            sources.put(task, d);
        });
        List<String> tasks = List.copyOf(sources.keySet());
        MultiSourceDraw draw = new MultiSourceDraw(sources.values().stream().map(Dataset::size).toList(), batchSize);
        return new BatchSource() {
            @Override
            public int stepsPerEpoch() {
                return draw.stepsPerEpoch();
            }

            @Override
            public List<String> tasks() {
                return tasks;
            }

            @Override
            public Iterator<List<Batch>> epoch(Random rng) {
                Iterator<List<int[]>> steps = draw.epoch(rng);
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return steps.hasNext();
                    }

                    @Override
                    public List<Batch> next() {
                        List<int[]> rows = steps.next();
                        List<Batch> out = new ArrayList<>();
                        for (int i = 0; i < tasks.size(); i++) {
                            String t = tasks.get(i);
                            out.add(sources.get(t).batch(rows.get(i)).onlyTask(t));
                        }
                        return out;
                    }
                };
            }
        };
    }

    /** The steps 0, 1, …, count − 1 of an epoch, each made by {@code step} when it is reached, in order. */
    static <T> Iterator<T> steps(int count, IntFunction<T> step) {
        return new Iterator<>() {
            private int at;

            @Override
            public boolean hasNext() {
                return at < count;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return step.apply(at++);
            }
        };
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Batches of consecutive entries of a per-epoch row order. */
    private static final class IndexSource implements BatchSource {
        private final int size;
        private final List<String> tasks;
        private final java.util.function.Function<int[], Batch> batcher;
        private final int batchSize;
        private final java.util.function.Function<Random, int[]> order;
        private final boolean dropLast;

        IndexSource(Dataset data, int batchSize, java.util.function.Function<Random, int[]> order, boolean dropLast) {
            this(data.size(), data.tasks(), data::batch, batchSize, order, dropLast);
        }

        IndexSource(SequenceDataset data, int batchSize, java.util.function.Function<Random, int[]> order,
                    boolean dropLast) {
            this(data.size(), data.tasks(), data::batch, batchSize, order, dropLast);
        }

        private IndexSource(int size, List<String> tasks, java.util.function.Function<int[], Batch> batcher,
                            int batchSize, java.util.function.Function<Random, int[]> order, boolean dropLast) {
            this.size = size;
            this.tasks = List.copyOf(tasks);
            this.batcher = batcher;
            this.batchSize = batchSize;
            this.order = order;
            this.dropLast = dropLast;
        }

        @Override
        public int stepsPerEpoch() {
            int n = size;
            return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        }

        @Override
        public List<String> tasks() {
            return tasks;
        }

        @Override
        public Iterator<List<Batch>> epoch(Random rng) {
            int[] rows = order.apply(rng);
            int steps = stepsPerEpoch();
            IntFunction<List<Batch>> batchAt = s -> List.of(batcher.apply(
                    Arrays.copyOfRange(rows, s * batchSize, Math.min(rows.length, (s + 1) * batchSize))));
            return steps(steps, batchAt);
        }
    }
}
