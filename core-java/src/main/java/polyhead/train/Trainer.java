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
import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.WeightingContext;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizer;
import polyhead.tensor.Arena;
import polyhead.tensor.Seeds;
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
    private final EarlyStoppingTracker earlyStopping;
    private final boolean diagnostics;
    private final List<TrainingListener> listeners;
    private static final long WEIGHTING_STREAM = 0x5EED_3E16L;
    private static final String SKIPPED = "skippedSteps";
    private final String spec;
    private final Map<String, Object> description;
    private History history = new History();
    private long skipped;
    private final NonFinitePolicy nonFinitePolicy;
    /** The arena of the training steps, or null. */
    private final Arena arena;
    private final List<Var> optimizerParams;
    private long steps;
    private int epochsDone;
    /** The epoch in progress (null between epochs). */
    private EpochTally tally;
    private long epochStart;
    private final GradientMonitor gradientMonitor;
    private final String monitor;
    /** Whether a listener stopped the current fit. */
    private boolean stopRequested;
    private final TrainingControl control = new TrainingControl() {
        @Override
        public void stop() {
            stopRequested = true;
        }

        @Override
        public boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public double learningRate() {
            double lr = optimizer.context().learningRateOverride();
            return Double.isNaN(lr) ? optimizer.learningRate() : lr;
        }

        @Override
        public void setLearningRate(double lr) {
            if (Double.isNaN(lr)) {
                throw new IllegalArgumentException("a learning rate must be a finite number >= 0, got NaN");
            }
            optimizer.context().overrideLearningRate(lr);
        }
    };
    /** Each task's declared weight, for strategies with static weights ({@link WeightingContext#declaredWeights}). */
    private final Map<String, Double> declared;

    private Trainer(Builder b) {
        this.arch = b.arch;
        this.weighting = b.weighting != null ? b.weighting : Weightings.fixed();
        this.gradientStep = new GradientStep(arch, weighting, b.gradientSource, b.exchange, b.layerwiseGram);
        this.declared = declaredWeights(arch);
        // frozen parameters (Module.trainable(false)) are not the optimizer's: no update, no decay, no state
        Map<String, Var> params = new LinkedHashMap<>();
        arch.namedParameters().forEach((k, v) -> {
            if (v.requiresGrad()) {
                params.put(k, v);
            }
        });
        weighting.parameters().forEach((k, v) -> params.put("weighting." + k, v));
        if (params.isEmpty() && !arch.namedParameters().isEmpty()) {
            throw new IllegalArgumentException("every parameter of the model is frozen (trainable false): nothing to "
                    + "train");
        }
        this.optimizer = Optimizer.create(Objects.requireNonNull(b.optimizer, "an optimizer is required"), params);
        this.optimizerParams = List.copyOf(params.values());
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.arena = b.arenaGiven ? b.arena : new Arena();
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.evalBatchSize = b.evalBatchSize;
        this.earlyStopping = new EarlyStoppingTracker(b.earlyStopping, arch);
        this.diagnostics = b.diagnostics;
        this.spec = b.spec;
        this.description = b.description;
        List<TrainingListener> ls = new ArrayList<>(b.listeners);
        if (b.checkpointStore != null) {
            ls.add(new CheckpointListener(b.checkpointStore, this::checkpointState, b.checkpointEvery,
                    b.checkpointEverySteps));
        }
        this.listeners = List.copyOf(ls);
        this.gradientMonitor = b.explodingFactor > 0 ? new GradientMonitor(b.explodingFactor) : null;
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

    /**
     * Trains until the configured number of epochs is reached (counting epochs done before a {@link #resume}) or
     * early stopping ends the run, and returns the history of the whole run.
     */
    public History fit(BatchSource train, Dataset validation) {
        return fitBatches(train, validation == null ? null : Batching.sequential(validation, evalBatchSize));
    }

    /**
     * {@link #fit(BatchSource, Dataset)} validating each epoch on the batches of {@code validation} (may be null):
     * for data cut into batches of its own kind, such as padded sentence batches
     * ({@link Batching#sequential(polyhead.data.SequenceDataset, int)}), whose lengths reach the sequence layers.
     */
    public History fitBatches(BatchSource train, BatchSource validation) {
        for (String t : train.tasks()) {
            arch.task(t); // fails naming the unknown task
        }
        if (tally != null && tally.stepsPerEpoch != train.stepsPerEpoch()) {
            throw new IllegalArgumentException("the checkpoint was taken " + tally.position + " steps into epoch "
                    + epochsDone + " of data with " + tally.stepsPerEpoch + " steps per epoch; this data has "
                    + train.stepsPerEpoch() + ": resume with the same data and batch size");
        }
        stopRequested = false;
        listeners.forEach(l -> l.attach(control));
        listeners.forEach(l -> l.fitStarted(epochs, train.stepsPerEpoch()));
        while (epochsDone < epochs && !earlyStopping.stopped() && !stopRequested) {
            int epoch = epochsDone;
            if (tally == null) {
                tally = new EpochTally();
                tally.stepsPerEpoch = train.stepsPerEpoch();
            }
            EpochTally e = tally;
            listeners.forEach(l -> l.epochStarted(epoch));
            epochStart = System.nanoTime();
            arch.train(true);
            Iterator<List<Batch>> it = train.epoch(new Random(Seeds.derive(seed, epoch)));
            // a resumed epoch draws the same order and passes over the steps it had already taken
            for (int i = 0; i < e.position; i++) {
                it.next();
            }
            while (it.hasNext() && !stopRequested) {
                List<Batch> batches = it.next();
                // the step's values and gradients come from the arena, taken back when the step ends (a user's
                // own open arena is left to them: scopes do not nest)
                try (Arena.Scope step = arena == null || Arena.isOpen() ? null : arena.open()) {
                    if (diagnostics && e.position == 0 && !GradientStep.trainableShared(arch).isEmpty()) {
                        e.diagnostics.putAll(TaskRelations.of(gradientStep.probe(batches)));
                    }
                    e.position++;
                    // a generator per step, derived from the seed and the step: nothing to save for an exact resume
                    Random stepRng = new Random(Seeds.derive(seed ^ WEIGHTING_STREAM, steps));
                    StepResult r = gradientStep.run(batches, new WeightingContext(steps, epoch, stepRng, declared));
                    double gradNorm = globalGradientNorm();
                    String fault = nonFinite(r, gradNorm);
                    if (fault != null) {
                        String where = fault + " at step " + steps + " (epoch " + epoch + ")";
                        if (nonFinitePolicy == NonFinitePolicy.STOP) {
                            throw new TrainingException(where + "; stopped before updating the weights");
                        }
                        skipped++;
                        e.skipped++;
                        arch.zeroGrad();
                        steps++;
                        continue;
                    }
                    e.maxGradNorm = Math.max(e.maxGradNorm, gradNorm);
                    if (gradientMonitor != null) {
                        for (ExplodingGradient g : gradientMonitor.check(steps, epoch, gradNorm, r.taskGradNorms())) {
                            e.exploding++;
                            listeners.forEach(l -> l.gradientExploded(g));
                        }
                    }
                    optimizer.context().setEpoch(epoch);
                    optimizer.step();
                    if (weighting.observesStepEffect()) {
                        weighting.stepTaken(r.taskLosses(), gradientStep.lossesNow(batches));
                    }
                    steps++;
                    e.taken++;
                    e.objective += r.objective();
                    e.addLosses(r.taskLosses());
                    int samples = batches.stream().mapToInt(Batch::size).sum();
                    long s = steps;
                    listeners.forEach(l -> l.stepEnded(epoch, s, r.taskLosses(), samples));
                }
            }
            endEpoch(epoch, e, validation);
        }
        earlyStopping.restoreBest();
        listeners.forEach(l -> l.fitEnded(history));
        return history;
    }

    /** The epoch's history row, the weighting's and optimizer's epoch-end updates, early stopping, listeners. */
    private void endEpoch(int epoch, EpochTally e, BatchSource validation) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", (double) epoch);
        row.putAll(e.diagnostics);
        Map<String, Double> means = e.meanLosses();
        weighting.epochEnd(epoch, means);
        row.put("train.loss", e.taken == 0 ? Double.NaN : e.objective / e.taken);
        means.forEach((t, m) -> row.put("train." + t + ".loss", m));
        if (validation != null) {
            evaluate(validation).forEach((k, v) -> row.put("val." + k, v));
        }
        row.put("grad_norm.max", e.maxGradNorm);
        if (gradientMonitor != null) {
            row.put("exploding_gradients", (double) e.exploding);
        }
        if (nonFinitePolicy == NonFinitePolicy.SKIP) {
            row.put("skipped_steps", (double) e.skipped);
        }
        row.put("seconds", e.secondsBefore + (System.nanoTime() - epochStart) / 1e9);
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
        tally = null;
        history.add(row);
        earlyStopping.judge(row);
        // listeners (checkpoints among them) see the state after early stopping has judged the epoch
        listeners.forEach(l -> l.epochEnded(epoch, row));
    }

    /**
     * The run's state for a {@link Checkpoint}, at an epoch boundary or after any step: weights and buffers,
     * optimizer and weighting state, the seed, the position (epoch, step, steps into the epoch), early stopping's
     * state (and the weights it would restore), the exploding-gradient statistics, the history, the spec, and inside
     * an epoch that epoch's running totals. Every random choice of the run is derived from the seed and the position
     * (epoch, step, training call), so nothing else is needed to continue bit for bit.
     */
    public Checkpoint.Builder checkpointState() {
        Checkpoint.Builder b = Checkpoint.builder(arch.stateDict())
                .optimizer(optimizer.stateDict())
                .weighting(weighting.stateDict())
                .position(epochsDone, steps, tally == null ? 0 : tally.position)
                .rng("seed", seed);
        earlyStopping.write(b);
        b.counter(SKIPPED, skipped).history(history.rows());
        if (spec != null) {
            b.spec(spec);
        }
        b.description(description);
        if (tally != null) {
            tally.write(b, (System.nanoTime() - epochStart) / 1e9);
        }
        if (gradientMonitor != null) {
            gradientMonitor.write(b);
        }
        return b;
    }

    /**
     * Continues a run from a checkpoint written by {@link #checkpointState()} (e.g. through
     * {@link Builder#checkpoints}), at an epoch boundary or inside an epoch: restores the model, optimizer and
     * weighting state (all or nothing), the position, early stopping, the epoch's running totals and the history.
     * The next {@link #fit} goes on from there (inside an epoch: the epoch's data order is drawn again and the steps
     * already taken are passed over) and ends, with the same seed and data, with the weights and history of an
     * uninterrupted run, bit for bit.
     */
    public void resume(Checkpoint c) {
        String what = "checkpoint of epoch " + c.epoch() + ", step " + c.step();
        EpochTally resumedTally = c.dataPosition() == 0 ? null : EpochTally.read(c, what);
        Long saved = c.rng().get("seed");
        if (saved == null || saved != seed) {
            throw new IllegalArgumentException("the checkpoint's run used seed " + saved + ", this trainer has seed "
                    + seed + "; a resumed run must use the same seed");
        }
        Checkpoints.restore(c, what, arch, optimizer, weighting);
        tally = resumedTally;
        if (gradientMonitor != null) {
            gradientMonitor.read(c);
        }
        steps = c.step();
        epochsDone = (int) c.epoch();
        earlyStopping.read(c);
        skipped = c.counters().getOrDefault(SKIPPED, 0L);
        history = new History();
        c.history().forEach(history::add);
    }

    /** Epochs completed so far in this run (including those before a resume). */
    public int epochsDone() {
        return epochsDone;
    }

    /** What is not finite in a step (a task's loss, or the gradient), or null. */
    private static String nonFinite(StepResult r, double gradNorm) {
        for (Map.Entry<String, Double> e : r.taskLosses().entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                return "task '" + e.getKey() + "' has a non-finite loss (" + e.getValue() + ")";
            }
        }
        for (Map.Entry<String, Double> e : r.taskGradNorms().entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                return "task '" + e.getKey() + "' has a non-finite gradient (norm " + e.getValue() + ")";
            }
        }
        if (!Double.isFinite(gradNorm)) {
            return "the gradient is not finite (global norm " + gradNorm + ")";
        }
        return null;
    }

    /** ‖g‖ over every parameter that has a gradient this step; recorded per epoch as grad_norm.max. */
    private double globalGradientNorm() {
        double s = 0;
        for (Var p : optimizerParams) {
            Tensor g = p.grad();
            if (g != null) {
                float[] d = g.data();
                s += polyhead.tensor.ArrayMath.dotDouble(d, d);
            }
        }
        return Math.sqrt(s);
    }

    /**
     * One batch's per-task losses, their combined total and the gradients, as a training step on {@code batch} would
     * compute them now — without applying them: the forward pass in training mode, each labelled task's loss, the
     * weighting's combination (a loss-level weighting's combined loss, or a gradient-level weighting's combined
     * gradient; a stateful weighting's state moves as in a step) and the backward pass. The parameters' own
     * {@code grad()} are cleared afterwards.
     */
    public BatchGradients lossesAndGradients(Batch batch) {
        boolean wasTraining = arch.isTraining();
        arch.train(true);
        try {
            Random rng = new Random(Seeds.derive(seed ^ WEIGHTING_STREAM, steps));
            StepResult r = gradientStep.run(List.of(batch), new WeightingContext(steps, epochsDone, rng, declared));
            Map<String, Tensor> grads = new LinkedHashMap<>();
            Map<String, Var> named = new LinkedHashMap<>(arch.namedParameters());
            weighting.parameters().forEach((k, v) -> named.put("weighting." + k, v));
            named.forEach((k, v) -> {
                if (v.grad() != null) {
                    grads.put(k, v.grad().copy());
                }
            });
            return new BatchGradients(r.taskLosses(), r.objective(), grads);
        } finally {
            arch.zeroGrad();
            weighting.parameters().values().forEach(Var::zeroGrad);
            arch.train(wasTraining);
        }
    }

    /** Per task {@code <task>.loss} and its metrics, and the weighted total {@code loss}. */
    public Map<String, Double> evaluate(Dataset data) {
        return Evaluation.evaluate(arch, data, evalBatchSize);
    }

    /**
     * {@link #evaluate(Dataset)} over one pass of {@code batches} (e.g. padded sentence batches,
     * {@link Batching#sequential(polyhead.data.SequenceDataset, int)}): losses averaged over the labelled samples —
     * for a per-token task the labelled tokens — of all batches.
     */
    public Map<String, Double> evaluate(BatchSource batches) {
        return Evaluation.evaluate(arch, batches);
    }

    /** Every task's raw output (logits for classification) for {@code inputs} [N, ...]. */
    public Map<String, Tensor> predict(Tensor inputs) {
        return Evaluation.predict(arch, inputs, evalBatchSize);
    }

    /** Samples per evaluation batch. */
    public int evalBatchSize() {
        return evalBatchSize;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }


    /** Samples per evaluation batch unless {@link Builder#evalBatchSize} says otherwise. */
    /**
     * A step whose gradient norm exceeds this many times its running mean is reported as exploding
     * ({@link Builder#explodingGradients}).
     */
    public static final double DEFAULT_EXPLODING_FACTOR = 10;

    public static final int DEFAULT_EVAL_BATCH_SIZE = 1024;

    /** Collects a trainer's settings; defaults: the tasks' declared weights, parameter gradients, 10 epochs, seed 0. */
    public static final class Builder {
        private final Architecture arch;
        private Weighting weighting;
        private GradientSource gradientSource = GradientSource.PARAMETERS;
        private boolean layerwiseGram = true;
        private GradientExchange exchange;
        private GradientTransformation optimizer;
        private int epochs = 10;
        private long seed;
        private int evalBatchSize = DEFAULT_EVAL_BATCH_SIZE;
        private EarlyStopping earlyStopping;
        private boolean diagnostics = true;
        private String monitor;
        private String spec;
        private Map<String, Object> description;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.STOP;
        private CheckpointStore checkpointStore;
        private int checkpointEvery = 1;
        private int checkpointEverySteps;
        private double explodingFactor = DEFAULT_EXPLODING_FACTOR;
        private Arena arena;
        private boolean arenaGiven;
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

        /**
         * For a weighting whose update depends on the task gradients only through their Gram matrix
         * ({@link polyhead.mtl.weighting.GramDeterminedWeighting}: MGDA, CAGrad, PCGrad, Nash-MTL, …) over the shared
         * parameters: true (the default) runs each task's backward pass without forming its gradients of fully
         * connected shared weights (the bulk of a dense trunk's backward), builds the Gram matrix layer by layer
         * from their factors and applies the combination with one product per weight ({@code LayerwiseGram});
         * false forms every task's gradient row, as other gradient-level weightings always do. Both give the same
         * update up to float rounding. Ignored for gradients of the shared representation and in a data-parallel
         * run ({@link #gradientExchange}).
         */
        public Builder layerwiseGram(boolean on) {
            this.layerwiseGram = on;
            return this;
        }

        /**
         * Makes this trainer one replica of a data-parallel run: each step's losses and gradients are summed with the
         * other replicas' through {@code exchange}, so that every replica (each fed its own shard of every global
         * batch, with the same steps per epoch) applies the step one process would take on the union of the shards.
         * Validation, early stopping and checkpoints then see the same values on every replica, and every call that
         * steps ({@code fit}, {@code lossesAndGradients}) must be made on all replicas alike. Null (the default): the
         * trainer runs alone.
         */
        public Builder gradientExchange(GradientExchange exchange) {
            this.exchange = exchange;
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

        /**
         * Saves a checkpoint ({@link #checkpointState()}) into {@code store} every {@code everyEpochs} epochs and at
         * the last epoch; the store keeps the last N and the best.
         */
        public Builder checkpoints(CheckpointStore store, int everyEpochs) {
            return checkpoints(store, everyEpochs, 0);
        }

        /**
         * As {@link #checkpoints(CheckpointStore, int)}, and also after every {@code everySteps}-th optimizer step
         * of the run (0: only at epoch ends), so that a run stopped inside an epoch loses at most that many steps.
         */
        public Builder checkpoints(CheckpointStore store, int everyEpochs, int everySteps) {
            this.checkpointStore = Objects.requireNonNull(store, "checkpoint store");
            if (everyEpochs < 1) {
                throw new IllegalArgumentException("checkpoint every epochs must be >= 1, got " + everyEpochs);
            }
            if (everySteps < 0) {
                throw new IllegalArgumentException("checkpoint every steps must be >= 0 (0 = off), got " + everySteps);
            }
            this.checkpointEvery = everyEpochs;
            this.checkpointEverySteps = everySteps;
            return this;
        }

        /**
         * Reports a step whose global gradient norm, or a task's own gradient norm (gradient-level weightings), is
         * above {@code factor} times its running mean (see {@link ExplodingGradient}); 0 turns the check off.
         * Default 10.
         */
        public Builder explodingGradients(double factor) {
            if (!(factor == 0 || factor > 1) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("the exploding-gradient factor must be > 1 (or 0 = off), got "
                        + factor);
            }
            this.explodingFactor = factor;
            return this;
        }

        /**
         * The {@link Arena} each training step runs in, so that a step reuses the previous step's arrays for its
         * values and gradients instead of allocating them; by default each trainer makes its own, and null makes the
         * steps allocate as usual. An arena serves one thread at a time: do not give one to two trainers that run
         * at once. If the thread that calls {@code fit} already has an arena open, the steps use that one and
         * release nothing until its owner closes it.
         * Listeners called during a step ({@code stepEnded}) see arena memory only through what they compute
         * themselves, which is valid until the step ends.
         */
        public Builder arena(Arena a) {
            this.arena = a;
            this.arenaGiven = true;
            return this;
        }

        /** What a NaN or infinite loss or gradient does: stop (default) or skip the step and count it. */
        public Builder onNonFinite(NonFinitePolicy policy) {
            this.nonFinitePolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** The experiment's spec (e.g. its JSON), recorded in every checkpoint. */
        public Builder spec(String text) {
            this.spec = text;
            return this;
        }

        /**
         * The model's description as JSON-ready values (an {@code polyhead.experiment.ModelDescription}'s), recorded
         * in every checkpoint so that the model can be rebuilt from the checkpoint alone.
         */
        public Builder description(Map<String, Object> json) {
            this.description = json;
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
