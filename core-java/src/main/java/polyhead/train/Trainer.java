package polyhead.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.BatchSource;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.metrics.Metric;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.LossWeighting;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.WeightingContext;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizer;
import polyhead.tensor.Tensor;

/**
 * Trains a multi-task {@link Architecture} with any {@link Weighting} and any optimizer: {@link #fit},
 * {@link #evaluate}, {@link #predict}. Each step runs the tasks labelled in the batch, combines them as the
 * weighting's kind says (one backward of a combined loss, or per-task backward passes and a gradient combination),
 * and applies one optimizer step; parameters of a task with no label in the batch are not touched, nor is their
 * optimizer state. Runs are deterministic: the same seed gives the same weights, bit for bit, on the same machine.
 */
public final class Trainer {
    private final Architecture arch;
    private final Weighting weighting;
    private final GradientStep gradientStep;
    private final Optimizer optimizer;
    private final int epochs;
    private final long seed;
    private final int evalBatchSize;
    private final EarlyStopping earlyStopping;
    private final boolean diagnostics;
    private final List<TrainingListener> listeners;
    private static final long WEIGHTING_STREAM = 0x5EED_3E16L;
    private long steps;
    private int epochsDone;
    private final String monitor;

    private Trainer(Builder b) {
        this.arch = b.arch;
        this.weighting = b.weighting != null ? b.weighting : Weightings.fixed(declaredWeights(b.arch));
        this.gradientStep = new GradientStep(arch, weighting, b.gradientSource);
        Map<String, Var> params = new LinkedHashMap<>(arch.namedParameters());
        if (weighting instanceof LossWeighting lw) {
            lw.parameters().forEach((k, v) -> params.put("weighting." + k, v));
        }
        this.optimizer = Optimizer.create(Objects.requireNonNull(b.optimizer, "an optimizer is required"), params);
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.evalBatchSize = b.evalBatchSize;
        this.earlyStopping = b.earlyStopping;
        this.diagnostics = b.diagnostics;
        this.listeners = List.copyOf(b.listeners);
        this.monitor = b.monitor != null ? b.monitor : b.earlyStopping != null ? b.earlyStopping.monitor() : null;
    }

    static Map<String, Double> declaredWeights(Architecture arch) {
        Map<String, Double> w = new LinkedHashMap<>();
        arch.tasks().forEach(t -> w.put(t.name(), t.weight()));
        return w;
    }

    public static Builder builder(Architecture arch) {
        return new Builder(arch);
    }

    public Architecture architecture() {
        return arch;
    }

    public Weighting weighting() {
        return weighting;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Trains on shuffled batches of {@code train}, evaluating on {@code validation} (may be null) each epoch. */
    public History fit(Dataset train, int batchSize, Dataset validation) {
        return fit(Batching.shuffled(train, batchSize, false), validation);
    }

    /** Trains for the configured epochs (or until early stopping) and returns the history. */
    public History fit(BatchSource train, Dataset validation) {
        for (String t : train.tasks()) {
            arch.task(t); // fails naming the unknown task
        }
        History history = new History();
        listeners.forEach(l -> l.fitStarted(epochs, train.stepsPerEpoch()));
        Map<String, Tensor> best = null;
        double bestValue = Double.NaN;
        int sinceBest = 0;
        for (int e = 0; e < epochs; e++) {
            int epoch = epochsDone;
            listeners.forEach(l -> l.epochStarted(epoch));
            long t0 = System.nanoTime();
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) epoch);
            Map<String, double[]> taskLoss = new LinkedHashMap<>();
            double objective = 0;
            int stepsThisEpoch = 0;
            arch.train(true);
            Iterator<List<Batch>> it = train.epoch(new Random(mix(seed, epoch)));
            boolean first = true;
            while (it.hasNext()) {
                List<Batch> batches = it.next();
                if (diagnostics && first && !arch.sharedParameters().isEmpty()) {
                    row.putAll(TaskRelations.of(gradientStep.probe(batches)));
                }
                first = false;
                // a generator per step, derived from the seed and the step: nothing to save for an exact resume
                Random stepRng = new Random(mix(seed ^ WEIGHTING_STREAM, steps));
                StepResult r = gradientStep.run(batches, new WeightingContext(steps, epoch, stepRng));
                checkFinite(r, epoch);
                optimizer.context().setEpoch(epoch);
                optimizer.step();
                steps++;
                stepsThisEpoch++;
                objective += r.objective();
                r.taskLosses().forEach((t, l) -> {
                    double[] s = taskLoss.computeIfAbsent(t, k -> new double[2]);
                    s[0] += l;
                    s[1]++;
                });
                int samples = batches.stream().mapToInt(Batch::size).sum();
                long s = steps;
                listeners.forEach(l -> l.stepEnded(epoch, s, r.taskLosses(), samples));
            }
            Map<String, Double> means = new LinkedHashMap<>();
            taskLoss.forEach((t, s) -> means.put(t, s[0] / s[1]));
            weighting.epochEnd(epoch, means);
            row.put("train.loss", stepsThisEpoch == 0 ? Double.NaN : objective / stepsThisEpoch);
            means.forEach((t, m) -> row.put("train." + t + ".loss", m));
            if (validation != null) {
                evaluate(validation).forEach((k, v) -> row.put("val." + k, v));
            }
            row.put("seconds", (System.nanoTime() - t0) / 1e9);
            Map<String, Double> lrs = optimizer.learningRates();
            lrs.forEach((group, lr) -> row.put(lrs.size() == 1 ? "lr" : "lr." + group, lr));
            String monitored = monitor != null ? monitor : validation != null ? "val.loss" : "train.loss";
            Double m = row.get(monitored);
            if (m == null) {
                throw new IllegalArgumentException("the monitored value '" + monitored
                        + "' is not recorded; recorded: " + row.keySet());
            }
            // what reduce-on-plateau and other metric-driven transformations see
            optimizer.context().recordMetric(m);
            epochsDone++;
            history.add(row);
            listeners.forEach(l -> l.epochEnded(epoch, row));
            if (earlyStopping != null) {
                Double v = row.get(earlyStopping.monitor());
                if (v == null) {
                    throw new IllegalArgumentException("early stopping monitors '" + earlyStopping.monitor()
                            + "', which the history does not record; recorded: " + row.keySet());
                }
                boolean higher = higherIsBetter(earlyStopping);
                boolean improved = Double.isNaN(bestValue)
                        || (higher ? v > bestValue + earlyStopping.minDelta() : v < bestValue - earlyStopping.minDelta());
                if (improved) {
                    bestValue = v;
                    sinceBest = 0;
                    if (earlyStopping.restoreBest()) {
                        best = snapshot();
                    }
                } else if (++sinceBest >= earlyStopping.patience()) {
                    break;
                }
            }
        }
        if (best != null) {
            arch.loadStateDict(best);
        }
        listeners.forEach(l -> l.fitEnded(history));
        return history;
    }

    private void checkFinite(StepResult r, int epoch) {
        for (Map.Entry<String, Double> e : r.taskLosses().entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                throw new TrainingException("task '" + e.getKey() + "' has a non-finite loss (" + e.getValue()
                        + ") at step " + steps + " (epoch " + epoch + ")");
            }
        }
    }

    private boolean higherIsBetter(EarlyStopping es) {
        if (es.higherIsBetter() != null) {
            return es.higherIsBetter();
        }
        String key = es.monitor();
        if (key.endsWith("loss")) {
            return false;
        }
        String[] parts = key.split("\\.");
        if (parts.length >= 3) {
            Task t = arch.task(parts[parts.length - 2]);
            for (Metric m : t.metrics()) {
                if (m.name().equals(parts[parts.length - 1])) {
                    return m.higherIsBetter();
                }
            }
        }
        throw new IllegalArgumentException("early stopping cannot tell whether higher or lower is better for '" + key
                + "'; give the direction explicitly");
    }

    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        arch.stateDict().forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    /** Per task {@code <task>.loss} and its metrics, and the weighted total {@code loss}. */
    public Map<String, Double> evaluate(Dataset data) {
        return Evaluation.evaluate(arch, data, evalBatchSize);
    }

    /** Every task's raw output (logits for classification) for {@code inputs} [N, ...]. */
    public Map<String, Tensor> predict(Tensor inputs) {
        return Evaluation.predict(arch, inputs, evalBatchSize);
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** A deterministic mix of the run seed and a stream index (SplitMix64's finalizer). */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Collects a trainer's settings; defaults: the tasks' declared weights, parameter gradients, 10 epochs, seed 0. */
    public static final class Builder {
        private final Architecture arch;
        private Weighting weighting;
        private GradientSource gradientSource = GradientSource.PARAMETERS;
        private GradientTransformation optimizer;
        private int epochs = 10;
        private long seed;
        private int evalBatchSize = 1024;
        private EarlyStopping earlyStopping;
        private boolean diagnostics = true;
        private String monitor;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(Architecture arch) {
            this.arch = Objects.requireNonNull(arch, "architecture");
        }

        public Builder weighting(Weighting w) {
            this.weighting = w;
            return this;
        }

        public Builder gradientSource(GradientSource s) {
            this.gradientSource = Objects.requireNonNull(s);
            return this;
        }

        public Builder optimizer(GradientTransformation t) {
            this.optimizer = t;
            return this;
        }

        public Builder epochs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + n);
            }
            this.epochs = n;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder evalBatchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("evaluation batch size must be >= 1, got " + n);
            }
            this.evalBatchSize = n;
            return this;
        }

        public Builder earlyStopping(EarlyStopping es) {
            this.earlyStopping = es;
            return this;
        }

        /** Records task-gradient cosines and norm ratios once per epoch (costs one probe per epoch); on by default. */
        public Builder diagnostics(boolean on) {
            this.diagnostics = on;
            return this;
        }

        /**
         * The history key given to the optimizer after each epoch as its monitored metric (reduce-on-plateau reads
         * it); default: the early-stopping monitor, else {@code val.loss} with validation data, else
         * {@code train.loss}.
         */
        public Builder monitor(String key) {
            this.monitor = key;
            return this;
        }

        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        /** A progress bar on {@code out}; leave it out for quiet runs. */
        public Builder progress(PrintStream out) {
            return listener(new ProgressBar(out));
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
