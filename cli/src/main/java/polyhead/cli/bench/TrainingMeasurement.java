package polyhead.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.DoubleAdder;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Module;
import polyhead.optim.Optimizer;
import polyhead.tensor.Arena;
import polyhead.tensor.DirectConvolution;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Im2col;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * A training step of a multi-task model on a fixed pool of batches, as {@code torch_baseline.py} times it: zero the
 * gradients, forward and the weighted sum of the task losses (phase {@code fwd}; W1 and W2: two cross-entropies on
 * random batches, W4: {@link W4Models}); backward (phase {@code bwd}); and the
 * optimizer update (phase {@code opt}) when an optimizer is given ({@link BenchOptimizers}). Without one the step is
 * forward+backward only and is named so.
 *
 * <p>The time spent inside the GEMM is also recorded, per phase ({@code fwd_gemm}, {@code bwd_gemm}): the GEMM is
 * wrapped in a decorator that reads the clock around each call (two {@code nanoTime} calls per product, well under a
 * microsecond per step). The rest of each phase is everything else: element-wise ops, losses, allocation, the graph.
 */
final class TrainingMeasurement implements Measurement {
    private static final int POOL = 8;
    /**
     * Whether training steps run in an {@link Arena} (reusing the previous step's arrays): on unless
     * {@code -Dpolyhead.bench.arena=false}, which times the steps allocating as they did before arenas.
     */
    static final boolean ARENA = !"false".equals(System.getProperty("polyhead.bench.arena"));
    /** Passed as {@code phases} by the flop count: the step must not move the parameters before the measurement. */
    private static final double[] FLOP_COUNT = new double[5];

    private final String workload;
    private final Module model;
    private final StepLoss loss;
    private final Gemm gemm;
    private final String optimizerName;
    private final Optimizer optimizer;
    private final Arena arena = ARENA ? new Arena() : null;
    private final int batch;
    private final double flops;
    private final TimedGemm timed;
    /** Steps of another shape run between the steady steps and the ones timed after a change, or null. */
    private final Runnable shapeChange;
    private int next;

    /** Steps timed one by one after a change of shape ({@link #measure}). */
    static final int AFTER_CHANGE = 5;

    /** The forward pass and losses of one step on the {@code i}-th batch of a fixed pool (i counts the steps). */
    @FunctionalInterface
    interface StepLoss {
        Var loss(int i);
    }

    /**
     * A two-task model on a pool of {@value #POOL} random batches (inputs N(0, 1), uniform class labels from
     * {@code new Random(0)}), loss = weight1·CE(head 1) + weight2·CE(head 2).
     *
     * @param inputShape one sample's shape, e.g. {784} or {1, 36, 36}
     * @param optimizer  a name of {@link BenchOptimizers}, or null for forward+backward only
     */
    TrainingMeasurement(String workload, Models.TwoHeads model, int batch, int[] inputShape, int classes1,
                        int classes2, float weight1, float weight2, Gemm gemm, String optimizer) {
        this(workload, model, twoHeadLoss(model, batch, inputShape, classes1, classes2, weight1, weight2), batch,
                gemm, optimizer, null);
    }

    /**
     * The same, timing also the steps that follow a change of shape as a training loop meets them at the end of every
     * epoch: after the steady steps, two steps on a partial batch of {@code 3·batch/4} samples (an epoch's last batch)
     * and a forward pass without a graph on 1,000 samples (an evaluation batch), then {@value #AFTER_CHANGE} steps at
     * {@code batch} again, timed one by one.
     */
    static TrainingMeasurement withShapeChange(String workload, Models.TwoHeads model, int batch, int[] inputShape,
                                               int classes1, int classes2, float weight1, float weight2, Gemm gemm,
                                               String optimizer) {
        StepLoss partial = twoHeadLoss(model, batch * 3 / 4, inputShape, classes1, classes2, weight1, weight2);
        int[] dims = new int[inputShape.length + 1];
        dims[0] = 1000;
        System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
        Tensor evalBatch = Tensor.randn(new Random(1), Shape.of(dims));
        TrainingMeasurement[] self = new TrainingMeasurement[1];
        Runnable change = () -> {
            for (int i = 0; i < 2; i++) {
                self[0].step(partial, null);
            }
            try (var noGraph = GradMode.noGrad()) {
                model.outputs(Var.constant(evalBatch));
            }
        };
        self[0] = new TrainingMeasurement(workload, model,
                twoHeadLoss(model, batch, inputShape, classes1, classes2, weight1, weight2), batch, gemm, optimizer,
                change);
        return self[0];
    }

    /**
     * Any model whose step loss {@code loss} computes (forward and losses, from the step's batch).
     *
     * @param optimizer a name of {@link BenchOptimizers}, or null for forward+backward only
     */
    TrainingMeasurement(String workload, Module model, StepLoss loss, int batch, Gemm gemm, String optimizer) {
        this(workload, model, loss, batch, gemm, optimizer, null);
    }

    private TrainingMeasurement(String workload, Module model, StepLoss loss, int batch, Gemm gemm, String optimizer,
                                Runnable shapeChange) {
        this.workload = workload;
        this.shapeChange = shapeChange;
        this.model = model;
        this.loss = loss;
        this.batch = batch;
        this.gemm = gemm;
        this.optimizerName = optimizer;
        this.optimizer = optimizer == null ? null : BenchOptimizers.create(optimizer, model);
        this.timed = new TimedGemm(gemm);
        this.flops = countFlops();
    }

    private static StepLoss twoHeadLoss(Models.TwoHeads model, int batch, int[] inputShape, int classes1,
                                        int classes2, float weight1, float weight2) {
        int[] dims = new int[inputShape.length + 1];
        dims[0] = batch;
        System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
        Tensor[] xs = new Tensor[POOL];
        Tensor[] y1 = new Tensor[POOL];
        Tensor[] y2 = new Tensor[POOL];
        Random rng = new Random(0);
        for (int i = 0; i < POOL; i++) {
            xs[i] = Tensor.randn(rng, Shape.of(dims));
            y1[i] = labels(rng, batch, classes1);
            y2[i] = labels(rng, batch, classes2);
        }
        Loss ce = Losses.crossEntropy();
        return i -> {
            int k = i % POOL;
            Var[] out = model.outputs(Var.constant(xs[k]));
            return ce.apply(out[0], y1[k]).mul(weight1).add(ce.apply(out[1], y2[k]).mul(weight2));
        };
    }

    /**
     * Adds the time the measuring thread spends in products to {@link #nanos}. Products that other threads run
     * inside a parallel loop (convolutions share their groups of samples over the cores) are not counted: the
     * figure stays the GEMM's share of the step's wall time on the measuring thread.
     */
    private static final class TimedGemm implements Gemm, DirectConvolution {
        private final Gemm inner;
        private final DirectConvolution innerConvolution;
        private final Thread owner = Thread.currentThread();
        long nanos;
        /** While not null, every product's time on the measuring thread, by its shape, in the order first seen. */
        Map<Call, List<Long>> calls;

        TimedGemm(Gemm inner) {
            this.inner = inner;
            this.innerConvolution = Gemms.directConvolutionFor(inner);
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b,
                         int bOffset, float[] c, int cOffset, boolean accumulate) {
            long t0 = System.nanoTime();
            inner.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
            if (Thread.currentThread() == owner) {
                long t = System.nanoTime() - t0;
                nanos += t;
                if (calls != null) {
                    calls.computeIfAbsent(new Call(transA, transB, m, n, k, accumulate), x -> new ArrayList<>())
                            .add(t);
                }
            }
        }

        @Override
        public boolean canConvolve(Im2col.Geometry g, int outChannels) {
            return innerConvolution.canConvolve(g, outChannels);
        }

        @Override
        public void convolve(Im2col.Geometry g, int outChannels, float[] w, float[] bias, float[] x, int xOffset,
                             float[] y, int yOffset) {
            long t0 = System.nanoTime();
            innerConvolution.convolve(g, outChannels, w, bias, x, xOffset, y, yOffset);
            if (Thread.currentThread() == owner) {
                nanos += System.nanoTime() - t0;
            }
        }

        @Override
        public boolean canWeightGradient(Im2col.Geometry g, int outChannels) {
            return innerConvolution.canWeightGradient(g, outChannels);
        }

        @Override
        public boolean prefersPaddedRows() {
            return inner.prefersPaddedRows();
        }

        @Override
        public void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad,
                                   int gOffset, float[] dwt, int dwtOffset, boolean accumulate) {
            long t0 = System.nanoTime();
            innerConvolution.weightGradient(g, outChannels, x, xOffset, grad, gOffset, dwt, dwtOffset, accumulate);
            if (Thread.currentThread() == owner) {
                nanos += System.nanoTime() - t0;
            }
        }

        @Override
        public String name() {
            return inner.name();
        }
    }

    /** One product's shape: {@code op(A)·op(B)}, m×k times k×n. */
    record Call(boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k
                    + (accumulate ? " +=" : "");
        }
    }

    /**
     * Where the step's time goes, product by product ({@code bench --products}): {@code steps} steps after
     * {@code warmup} with every product's time recorded by its shape, then each shape alone on fresh N(0, 1) operands
     * ({@value #ALONE_CALLS} calls after {@value #ALONE_WARMUP}), and the optimizer's update alone on the last
     * step's gradients, its data in cache and after 32 MB of other data. Medians per call. Only the products of the
     * GEMM on the measuring thread are listed (not the direct convolutions, nor products run inside a parallel loop).
     * Prints the table to {@code out} and returns its rows. The extra updates move the parameters further; the
     * measurements after them are not affected.
     */
    List<Map<String, Object>> productProfile(int warmup, int steps, PrintStream out) {
        Map<Call, List<Long>> inStep = new LinkedHashMap<>();
        double[] update = new double[steps];
        Gemm previous = Gemms.use(timed, timed);
        try {
            for (int i = 0; i < warmup; i++) {
                step(null);
            }
            timed.calls = inStep;
            double[] p = new double[5];
            for (int i = 0; i < steps; i++) {
                step(p);
                update[i] = p[2];
            }
        } finally {
            timed.calls = null;
            Gemms.use(previous);
        }
        out.printf(Locale.ROOT, "%n# %s (%s): the step's products (op(A)·op(B), T transposed, m x n x k), medians of "
                + "%d steps%n", name(), gemm.name(), steps);
        out.printf(Locale.ROOT, "#   %-22s %9s %13s %10s %8s %17s%n", "product", "per step", "in the step us",
                "alone us", "ratio", "GFLOPS step/alone");
        List<Map<String, Object>> rows = new ArrayList<>();
        double totalStep = 0;
        double totalAlone = 0;
        Random rng = new Random(2);
        for (Map.Entry<Call, List<Long>> e : inStep.entrySet()) {
            Call c = e.getKey();
            double perStep = (double) e.getValue().size() / steps;
            double stepUs = Stats.median(e.getValue().stream().mapToDouble(t -> t * 1e-3).toArray());
            double aloneUs = alone(c, rng);
            double gflop = 2e-9 * c.m() * c.n() * c.k();
            totalStep += stepUs * perStep;
            totalAlone += aloneUs * perStep;
            out.printf(Locale.ROOT, "#   %-22s %9.2f %13.1f %10.1f %8.2f %8.0f / %-8.0f%n", c, perStep, stepUs, aloneUs,
                    stepUs / aloneUs, gflop / stepUs * 1e6, gflop / aloneUs * 1e6);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("product", c.toString());
            row.put("per_step", perStep);
            row.put("step_us", stepUs);
            row.put("alone_us", aloneUs);
            rows.add(row);
        }
        out.printf(Locale.ROOT, "#   %-22s %9s %13.1f %10.1f %8.2f%n", "all products", "", totalStep, totalAlone,
                totalStep / totalAlone);
        if (optimizer != null) {
            double stepUs = Stats.median(update) * 1e6;
            double aloneUs = updateAlone(null);
            double evictedUs = updateAlone(new float[EVICT_FLOATS]);
            out.printf(Locale.ROOT, "#   %-22s %9s %13.1f %10.1f %8.2f  (alone after reading %d MB of other data: "
                    + "%.1f us)%n", "optimizer update", "1", stepUs, aloneUs, stepUs / aloneUs, EVICT_FLOATS >> 18,
                    evictedUs);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("product", "optimizer update");
            row.put("per_step", 1.0);
            row.put("step_us", stepUs);
            row.put("alone_us", aloneUs);
            row.put("alone_evicted_us", evictedUs);
            rows.add(row);
        }
        return rows;
    }

    private float evictSink;

    /** Floats read before each update in {@link #updateAlone} to push its data out of the caches: 32 MB. */
    static final int EVICT_FLOATS = 8 << 20;

    /**
     * The median time of one optimizer update on the last step's gradients, in microseconds; with {@code evict}, after
     * reading all of it (one value per cache line) before each update.
     */
    private double updateAlone(float[] evict) {
        double[] us = new double[ALONE_CALLS];
        float sink = 0;
        for (int i = 0; i < ALONE_WARMUP + ALONE_CALLS; i++) {
            for (int j = 0; evict != null && j < evict.length; j += 16) {
                sink += evict[j];
            }
            long t0 = System.nanoTime();
            optimizer.step();
            if (i >= ALONE_WARMUP) {
                us[i - ALONE_WARMUP] = (System.nanoTime() - t0) * 1e-3;
            }
        }
        evictSink += sink; // kept, so that the reading loop is not removed
        return Stats.median(us);
    }

    static final int ALONE_WARMUP = 20;
    static final int ALONE_CALLS = 101;

    /** The median time of one product of shape {@code c} alone, in microseconds, on this measurement's GEMM. */
    private double alone(Call c, Random rng) {
        float[] a = Tensor.randn(rng, Shape.of(c.m() * c.k())).data();
        float[] b = Tensor.randn(rng, Shape.of(c.k() * c.n())).data();
        float[] out = new float[c.m() * c.n()];
        double[] us = new double[ALONE_CALLS];
        for (int i = 0; i < ALONE_WARMUP + ALONE_CALLS; i++) {
            long t0 = System.nanoTime();
            gemm.gemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), a, 0, b, 0, out, 0, c.accumulate());
            if (i >= ALONE_WARMUP) {
                us[i - ALONE_WARMUP] = (System.nanoTime() - t0) * 1e-3;
            }
        }
        return Stats.median(us);
    }

    private static Tensor labels(Random rng, int n, int classes) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return Tensor.wrap(Shape.of(n), y);
    }

    /** 2·m·n·k summed over the matrix products of one step, counted by running one step through a counting GEMM. */
    private double countFlops() {
        // products may be called from several threads at once (parallel convolutions)
        DoubleAdder total = new DoubleAdder();
        Gemm counting = new Gemm() {
            @Override
            public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b,
                             int bOffset, float[] c, int cOffset, boolean accumulate) {
                total.add(2.0 * m * n * k);
                gemm.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
            }

            @Override
            public String name() {
                return "counting " + gemm.name();
            }
        };
        Gemm previous = Gemms.use(counting);
        try {
            step(FLOP_COUNT);
        } finally {
            Gemms.use(previous);
        }
        return total.sum();
    }

    @Override
    public String name() {
        return workload + " b" + batch + " " + (optimizer == null ? "fwd+bwd" : optimizerName);
    }

    @Override
    public String gemm() {
        return gemm.name();
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public double flops() {
        return flops;
    }

    @Override
    public Map<String, Double> measure(int warmup, int steps) {
        Gemm previous = Gemms.use(timed, timed);
        try {
            for (int i = 0; i < warmup; i++) {
                step(null);
            }
            String[] names = {"fwd", "bwd", "opt", "fwd_gemm", "bwd_gemm"};
            double[] total = new double[steps];
            double[][] phases = new double[names.length][steps];
            double[] p = new double[names.length];
            for (int i = 0; i < steps; i++) {
                total[i] = step(p);
                for (int j = 0; j < names.length; j++) {
                    phases[j][i] = p[j];
                }
            }
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("step", Stats.median(total));
            for (int j = 0; j < names.length; j++) {
                if (optimizer != null || !names[j].equals("opt")) {
                    r.put(names[j], Stats.median(phases[j]));
                }
            }
            if (shapeChange != null) {
                shapeChange.run();
                double sum = 0;
                for (int i = 0; i < AFTER_CHANGE; i++) {
                    double t = step(null);
                    if (i == 0) {
                        r.put("after_change_first", t);
                    }
                    sum += t;
                }
                r.put("after_change_mean", sum / AFTER_CHANGE);
            }
            return r;
        } finally {
            Gemms.use(previous);
        }
    }

    /**
     * One step; returns its time in seconds and, if {@code phases} is not null, stores there the fwd, bwd and opt
     * times and the GEMM's share of fwd and of bwd.
     */
    private double step(double[] phases) {
        return step(loss, phases);
    }

    private double step(StepLoss stepLoss, double[] phases) {
        // the step's values and gradients from the arena (reused from the previous step) unless it is off
        try (Arena.Scope scope = arena == null ? null : arena.open()) {
            int i = next++;
            long g0 = timed.nanos;
            long t0 = System.nanoTime();
            if (optimizer != null) {
                optimizer.zeroGrad();
            } else {
                model.zeroGrad();
            }
            Var total = stepLoss.loss(i);
            long t1 = System.nanoTime();
            long g1 = timed.nanos;
            total.backward();
            long t2 = System.nanoTime();
            long g2 = timed.nanos;
            if (optimizer != null && phases != FLOP_COUNT) {
                optimizer.step();
            }
            long t3 = System.nanoTime();
            if (phases != null) {
                phases[0] = (t1 - t0) * 1e-9;
                phases[1] = (t2 - t1) * 1e-9;
                phases[2] = (t3 - t2) * 1e-9;
                phases[3] = (g1 - g0) * 1e-9;
                phases[4] = (g2 - g1) * 1e-9;
            }
            return (t3 - t0) * 1e-9;
        }
    }
}
