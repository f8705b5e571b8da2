package polyhead.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * A multi-task dataset held in memory: inputs [N, ...] and, per task, targets [N, ...] and a mask [N] with 1 where
 * sample i has a label for the task and 0 where it does not (datasets merged from per-task sources, or labels left
 * empty). Immutable; row selections copy.
 */
public final class Dataset {
    /**
     * Floats per parallel range of {@link #gatherRows} at least: handing a range to another thread costs about as
     * much as copying this many floats (BENCHMARKS.md, implementation notes).
     */
    static final int PARALLEL_GATHER_FLOATS = 1 << 15;

    private final Tensor inputs;
    private final Map<String, Tensor> targets;
    private final Map<String, Tensor> masks;
    /** Per-sample weights [N] of the tasks that have them (Keras' {@code sample_weight}); others weigh 1. */
    private final Map<String, Tensor> sampleWeights;

    private Dataset(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks) {
        this(inputs, targets, masks, Map.of());
    }

    private Dataset(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks,
                    Map<String, Tensor> sampleWeights) {
        this.inputs = inputs;
        this.targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        this.sampleWeights = Collections.unmodifiableMap(new LinkedHashMap<>(sampleWeights));
    }

    /** Every sample labelled for every task. */
    public static Dataset of(Tensor inputs, Map<String, Tensor> targets) {
        Map<String, Tensor> masks = new LinkedHashMap<>();
        int n = rows(inputs, "inputs");
        targets.keySet().forEach(t -> masks.put(t, Tensor.full(1f, Shape.of(n))));
        return of(inputs, targets, masks);
    }

    /**
     * A dataset with explicit masks (one per task, [N], values 0 or 1). Targets of masked samples are never read
     * by losses or metrics, so any placeholder (0, NaN) may stand there.
     */
    public static Dataset of(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks) {
        int n = rows(inputs, "inputs");
        requireFinite(inputs);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one task");
        }
        if (!masks.keySet().equals(targets.keySet())) {
            throw new IllegalArgumentException("dataset tasks " + targets.keySet() + " and masks " + masks.keySet() + " differ");
        }
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            String task = e.getKey();
            if (rows(e.getValue(), "targets of " + task) != n) {
                throw new ShapeException("dataset: targets of task '" + task + "' " + e.getValue().shape()
                        + " do not have the " + n + " rows of inputs " + inputs.shape());
            }
            Tensor m = masks.get(task);
            if (!m.shape().equals(Shape.of(n))) {
                throw new ShapeException("dataset: mask of task '" + task + "' " + m.shape() + " should be [" + n + "]");
            }
            for (int i = 0; i < n; i++) {
                float v = m.data()[i];
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("dataset: mask of task '" + task + "' has " + v + " at row " + i
                            + " (masks hold 0 or 1)");
                }
            }
        }
        return new Dataset(inputs, targets, masks);
    }

    /** Features must be finite: a NaN or infinity would turn every loss it reaches into NaN, silently. */
    private static void requireFinite(Tensor inputs) {
        float[] d = inputs.data();
        int n = inputs.shape().dim(0);
        int width = n == 0 ? 0 : d.length / n;
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new DataException("dataset: input row " + i / width + " has " + d[i] + " at feature "
                        + i % width + " (features must be finite)");
            }
        }
    }

    private static int rows(Tensor t, String what) {
        if (t.rank() == 0) {
            throw new ShapeException("dataset: " + what + " must have a sample dimension, got shape " + t.shape());
        }
        return t.shape().dim(0);
    }

    /**
     * Merges datasets that each label some tasks (typically one each) into one multi-task dataset: rows are
     * concatenated in order, and a row coming from a part without task t has mask 0 (and target 0) for t. Inputs
     * must have the same per-sample shape; a task present in several parts must have the same target shape. Sample
     * weights are kept; the rows of a part without weights for a task that another part weighs weigh 1.
     */
    public static Dataset merge(List<Dataset> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least one dataset");
        }
        Shape sample = sampleShape(parts.get(0).inputs);
        Set<String> tasks = new LinkedHashSet<>();
        Map<String, Shape> targetShapes = new LinkedHashMap<>();
        int n = 0;
        for (int p = 0; p < parts.size(); p++) {
            Dataset d = parts.get(p);
            if (!sampleShape(d.inputs).equals(sample)) {
                throw new ShapeException("merge: inputs of dataset " + p + " " + d.inputs.shape()
                        + " do not match inputs of dataset 0 " + parts.get(0).inputs.shape());
            }
            for (Map.Entry<String, Tensor> e : d.targets.entrySet()) {
                Shape s = sampleShape(e.getValue());
                Shape before = targetShapes.putIfAbsent(e.getKey(), s);
                if (before != null && !before.equals(s)) {
                    throw new ShapeException("merge: task '" + e.getKey() + "' has per-sample targets " + s
                            + " in dataset " + p + " but " + before + " before");
                }
                tasks.add(e.getKey());
            }
            n += d.size();
        }
        int width = sample.size();
        float[] in = new float[n * width];
        Map<String, float[]> tg = new LinkedHashMap<>();
        Map<String, float[]> mk = new LinkedHashMap<>();
        for (String t : tasks) {
            tg.put(t, new float[n * targetShapes.get(t).size()]);
            mk.put(t, new float[n]);
        }
        int row = 0;
        for (Dataset d : parts) {
            System.arraycopy(d.inputs.data(), 0, in, row * width, d.size() * width);
            for (String t : tasks) {
                Tensor target = d.targets.get(t);
                if (target != null) {
                    int tw = targetShapes.get(t).size();
                    System.arraycopy(target.data(), 0, tg.get(t), row * tw, d.size() * tw);
                    System.arraycopy(d.masks.get(t).data(), 0, mk.get(t), row, d.size());
                }
            }
            row += d.size();
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String t : tasks) {
            targets.put(t, Tensor.wrap(prepend(n, targetShapes.get(t)), tg.get(t)));
            masks.put(t, Tensor.wrap(Shape.of(n), mk.get(t)));
            if (parts.stream().anyMatch(d -> d.sampleWeights.containsKey(t))) {
                // a part without weights for t weighs its rows 1
                float[] w = new float[n];
                int at = 0;
                for (Dataset d : parts) {
                    Tensor dw = d.sampleWeights.get(t);
                    if (dw != null) {
                        System.arraycopy(dw.data(), 0, w, at, d.size());
                    } else {
                        Arrays.fill(w, at, at + d.size(), 1f);
                    }
                    at += d.size();
                }
                weights.put(t, Tensor.wrap(Shape.of(n), w));
            }
        }
        return new Dataset(Tensor.wrap(prepend(n, sample), in), targets, masks, weights);
    }

    public int size() {
        return inputs.shape().dim(0);
    }

    /** Task names in order. */
    public List<String> tasks() {
        return List.copyOf(targets.keySet());
    }

    public Tensor inputs() {
        return inputs;
    }

    public Tensor targets(String task) {
        return require(targets, task);
    }

    public Tensor mask(String task) {
        return require(masks, task);
    }

    /**
     * This dataset with every task's samples weighted by {@code weights} [N] (Keras' {@code sample_weight}): each
     * labelled sample's loss is multiplied by its weight (see {@code Loss.apply} with sample weights); metrics are not
     * weighted.
     *
     * @throws IllegalArgumentException if a weight is negative or not finite, naming its row
     */
    public Dataset withSampleWeights(Tensor weights) {
        Map<String, Tensor> w = new LinkedHashMap<>(sampleWeights);
        targets.keySet().forEach(t -> w.put(t, checkWeights(t, weights)));
        return new Dataset(inputs, targets, masks, w);
    }

    /** This dataset with the samples of {@code task} alone weighted by {@code weights} [N]. */
    public Dataset withSampleWeights(String task, Tensor weights) {
        require(targets, task);
        Map<String, Tensor> w = new LinkedHashMap<>(sampleWeights);
        w.put(task, checkWeights(task, weights));
        return new Dataset(inputs, targets, masks, w);
    }

    private Tensor checkWeights(String task, Tensor weights) {
        if (!weights.shape().equals(Shape.of(size()))) {
            throw new ShapeException("dataset: sample weights of task '" + task + "' " + weights.shape() + " should be ["
                    + size() + "]");
        }
        float[] d = weights.data();
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0) || Float.isInfinite(d[i])) {
                throw new IllegalArgumentException("dataset: sample weight of task '" + task + "' at row " + i + " is "
                        + d[i] + " (sample weights are finite and >= 0)");
            }
        }
        return weights;
    }

    /** The sample weights [N] of {@code task}, or null if its samples all weigh 1. */
    public Tensor sampleWeights(String task) {
        require(targets, task);
        return sampleWeights.get(task);
    }

    /**
     * This dataset with the targets of {@code task} replaced or, for a new task, added (with its mask [N]); its sample
     * weights are kept. What binding data to an experiment uses to reshape targets and add derived tasks.
     */
    public Dataset withTask(String task, Tensor targets, Tensor mask) {
        Map<String, Tensor> tg = new LinkedHashMap<>(this.targets);
        Map<String, Tensor> mk = new LinkedHashMap<>(masks);
        tg.put(task, targets);
        mk.put(task, mask);
        Dataset checked = of(inputs, tg, mk);
        return new Dataset(checked.inputs, checked.targets, checked.masks, sampleWeights);
    }

    /** This dataset with only {@code tasks}, in that order (each must be a task of it); inputs are shared, not copied. */
    public Dataset selectTasks(List<String> tasks) {
        Map<String, Tensor> tg = new LinkedHashMap<>();
        Map<String, Tensor> mk = new LinkedHashMap<>();
        Map<String, Tensor> sw = new LinkedHashMap<>();
        for (String t : tasks) {
            tg.put(t, require(targets, t));
            mk.put(t, masks.get(t));
            if (sampleWeights.containsKey(t)) {
                sw.put(t, sampleWeights.get(t));
            }
        }
        return new Dataset(inputs, tg, mk, sw);
    }

    /** Number of samples labelled for {@code task}. */
    public int labelCount(String task) {
        int c = 0;
        for (float v : mask(task).data()) {
            c += v != 0 ? 1 : 0;
        }
        return c;
    }

    private Tensor require(Map<String, Tensor> m, String task) {
        Tensor t = m.get(task);
        if (t == null) {
            throw new IllegalArgumentException("dataset has no task '" + task + "'; tasks: " + targets.keySet());
        }
        return t;
    }

    /** The batch of rows {@code idx}, in that order (rows may repeat). */
    public Batch batch(int[] idx) {
        Map<String, Tensor> tg = new LinkedHashMap<>();
        Map<String, Tensor> mk = new LinkedHashMap<>();
        Map<String, Tensor> sw = new LinkedHashMap<>();
        for (String t : targets.keySet()) {
            tg.put(t, gather(targets.get(t), idx));
            mk.put(t, gather(masks.get(t), idx));
        }
        sampleWeights.forEach((t, w) -> sw.put(t, gather(w, idx)));
        return new Batch(gather(inputs, idx), tg, mk, sw);
    }

    /** The dataset of rows {@code idx}. */
    public Dataset rows(int[] idx) {
        Batch b = batch(idx);
        Map<String, Tensor> tg = new LinkedHashMap<>();
        Map<String, Tensor> mk = new LinkedHashMap<>();
        for (String t : targets.keySet()) {
            tg.put(t, b.targets().get(t));
            mk.put(t, b.masks().get(t));
        }
        return new Dataset(b.inputs(), tg, mk, b.sampleWeights());
    }

    /** A training and a validation part. */
    public record Split(Dataset train, Dataset validation) {
    }

    /**
     * Splits at random (seeded): {@code validationFraction} of the rows, rounded down, go to validation; both parts
     * keep the original row order. Both parts must hold a row: on fewer than {@link #minRowsToSplit} rows the split
     * is refused rather than made with an empty part.
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 1)
     * @throws DataException            one line, if a part would be empty
     */
    public Split split(double validationFraction, long seed) {
        int n = size();
        int[] val = heldOut(n, validationFraction, seed);
        int[] train = new int[n - val.length];
        for (int i = 0, v = 0, t = 0; i < n; i++) {
            if (v < val.length && val[v] == i) {
                v++;
            } else {
                train[t++] = i;
            }
        }
        return new Split(rows(train), rows(val));
    }

    /**
     * The rows {@link #split} holds out for validation from a dataset of {@code n} rows, in increasing order: the
     * first ⌊fraction·n⌋ of a permutation drawn from {@code seed}. Needs only n, so data that is not in one place (a
     * Spark DataFrame) can hold out the rows a local run would.
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 1)
     * @throws DataException            one line, if a part would be empty
     */
    public static int[] heldOut(int n, double validationFraction, long seed) {
        int nVal = validationRows(validationFraction, n);
        if (nVal == 0) {
            throw new DataException("validation fraction " + validationFraction + " " + tooFewRows(validationFraction,
                    n, "validation") + " or drop the split");
        }
        int[] val = Arrays.copyOf(permutation(n, new Random(seed)), nVal);
        Arrays.sort(val);
        return val;
    }

    /** The rows {@link #split} holds out of {@code n} (rounded down); 0 when the split would leave a part empty. */
    private static int validationRows(double fraction, int n) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        int nVal = (int) Math.floor(n * fraction);
        // n * fraction < n, so the training part keeps a row whenever the validation part has one
        return nVal >= 1 && nVal < n ? nVal : 0;
    }

    /**
     * The fewest rows on which {@link #split} at {@code fraction} leaves a row in each part: the smallest n with
     * floor(n · fraction) at least 1 (and, for a fraction near 1, below n).
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 1)
     */
    public static int minRowsToSplit(double fraction) {
        validationRows(fraction, 0);
        long n = Math.min(Integer.MAX_VALUE, Math.max(2, (long) Math.ceil(1 / fraction) - 1));
        while (n < Integer.MAX_VALUE && validationRows(fraction, (int) n) == 0) {
            n++;
        }
        return (int) n;
    }

    /**
     * Why a split at {@code fraction} of {@code n} rows is refused, as the middle of a one-line message: "of 3 rows
     * leaves no validation row; give at least 10 rows" ({@code part} names the held-out part); the caller adds its
     * other remedy ("or drop the split").
     */
    public static String tooFewRows(double fraction, int n, String part) {
        return "of " + n + (n == 1 ? " row" : " rows") + " leaves no " + part + " row; give at least "
                + minRowsToSplit(fraction) + " rows";
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    public static int[] permutation(int n, Random rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static Tensor gather(Tensor t, int[] idx) {
        int n = t.shape().dim(0);
        int width = n == 0 ? 0 : t.size() / n;
        for (int i : idx) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("row " + i + " of a dataset with " + n + " rows");
            }
        }
        float[] out = new float[idx.length * width];
        gatherRows(t.data(), width, idx, 0, idx.length, out);
        int[] dims = t.shape().dims();
        dims[0] = idx.length;
        return Tensor.wrap(Shape.of(dims), out);
    }

    /**
     * Copies rows {@code idx[from:to]} of the row-major matrix {@code src} (rows of {@code width} floats) to rows
     * {@code 0..to−from} of {@code dst}, in parallel ranges of rows when there are enough floats to pay for a
     * hand-off ({@link #PARALLEL_GATHER_FLOATS}): rows picked at random from a large dataset are cache misses, and two
     * cores keep twice as many in flight. The indices must be in range.
     */
    public static void gatherRows(float[] src, int width, int[] idx, int from, int to, float[] dst) {
        int rows = to - from;
        int grain = Math.max(1, PARALLEL_GATHER_FLOATS / Math.max(1, width));
        Parallel.forRange(rows, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(src, idx[from + r] * width, dst, r * width, width);
            }
        });
    }


    private static Shape sampleShape(Tensor t) {
        return t.shape().without(0);
    }

    private static Shape prepend(int n, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = n;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (String t : targets.keySet()) {
            parts.add(t + " (" + labelCount(t) + " labelled)");
        }
        return "Dataset(" + size() + " rows, inputs " + inputs.shape() + ", tasks " + parts + ")";
    }
}
