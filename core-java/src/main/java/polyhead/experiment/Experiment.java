package polyhead.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import polyhead.data.BatchSource;
import polyhead.data.Batching;
import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.SequenceDataset;
import polyhead.checkpoint.CheckpointStore;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.Weighting;
import polyhead.optim.GradientTransformation;
import polyhead.train.EarlyStopping;
import polyhead.train.EmaListener;
import polyhead.train.GradientSource;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * One run of an experiment built by {@link ExperimentBuilder}: its built {@link #architecture()} and
 * {@link #weighting()} (both hold state that training changes), and what is needed to make its optimizer and trainer.
 * Build a new one for another run.
 */
public final class Experiment {
    /**
     * Batches per pool when sentences are bucketed by length for training ({@link Batching#bucketed}): each epoch
     * sorts pools of this many batches' sentences by length, so a batch holds sentences of similar lengths and
     * little padding, while the batches of an epoch still come in a shuffled order.
     */
    public static final int BUCKET_POOL_BATCHES = 50;

    private final Architecture architecture;
    private final Weighting weighting;
    private final GradientSource gradientSource;
    private final OptimizerPlan optimizer;
    private final TrainingPlan training;
    private final String description;
    private final ModelDescription model;
    private final DataBinding binding;

    Experiment(Architecture architecture, Weighting weighting, GradientSource gradientSource, OptimizerPlan optimizer,
               TrainingPlan training, String description, ModelDescription model, DataBinding binding) {
        this.binding = binding;
        this.architecture = architecture;
        this.weighting = weighting;
        this.gradientSource = gradientSource;
        this.optimizer = optimizer;
        this.training = training;
        this.description = description;
        this.model = model;
    }

    public Architecture architecture() {
        return architecture;
    }

    public Weighting weighting() {
        return weighting;
    }

    public GradientSource gradientSource() {
        return gradientSource;
    }

    public TrainingPlan training() {
        return training;
    }

    /**
     * The model's description, recorded in every checkpoint so that it can be rebuilt without the code that built
     * it; null if a layer or metric of the experiment cannot be described (one written outside {@link Layers}).
     */
    public ModelDescription modelDescription() {
        return model;
    }

    /** The text recorded with the model (the DSL's JSON spec), or null. */
    public String description() {
        return description;
    }

    /**
     * The optimizer over the architecture's parameters and the weighting's own ({@code weighting.<name>});
     * {@code stepsPerEpoch} matters only for a schedule counted in epochs.
     */
    public GradientTransformation optimizer(int stepsPerEpoch) {
        List<String> extra = weighting.parameters().keySet().stream().map(k -> "weighting." + k).toList();
        return optimizer.create(architecture, extra, stepsPerEpoch);
    }

    /**
     * A trainer builder with the weighting, gradient source, optimizer, epochs, seed, evaluation batch size, early
     * stopping, diagnostics and non-finite policy, the description and model description recorded in its
     * checkpoints, and — if the plan asks for checkpoints — a checkpoint store in {@code checkpointDir}: the
     * lower-level path under {@link #fit}. What it leaves to its caller: the batches ({@link #batches}) and the plan's
     * {@code validationSplit} — {@code fit} does both, and returns a {@link TrainedModel}.
     *
     * @throws IllegalArgumentException if the plan asks for checkpoints and {@code checkpointDir} is null
     */
    public Trainer.Builder trainerBuilder(int stepsPerEpoch, Path checkpointDir) {
        TrainingPlan t = training;
        Trainer.Builder b = Trainer.builder(architecture)
                .weighting(weighting)
                .gradientSource(gradientSource)
                .optimizer(optimizer(stepsPerEpoch))
                .epochs(t.epochs())
                .seed(t.seed())
                .diagnostics(t.diagnostics())
                .onNonFinite(t.onNonFinite())
                .evalBatchSize(t.evalBatchSize());
        if (description != null) {
            b.spec(description);
        }
        if (model != null) {
            b.description(model.toJson());
        }
        if (optimizer.plateauMonitor() != null) {
            b.monitor(optimizer.plateauMonitor());
        }
        if (t.earlyStopping() != null) {
            b.earlyStopping(t.earlyStopping());
        }
        if (!Double.isNaN(optimizer.emaDecay())) {
            b.listener(new EmaListener(architecture, optimizer.emaDecay()));
        }
        if (t.checkpointEvery() > 0) {
            if (checkpointDir == null) {
                throw new IllegalArgumentException("training.checkpoints: the experiment asks for checkpoints; give the "
                        + "run a folder for them");
            }
            b.checkpoints(checkpointStore(checkpointDir), t.checkpointEvery(), t.checkpointEverySteps());
        }
        b.explodingGradients(t.explodingGradients());
        return b;
    }

    /** Keeps the last checkpoints, and the best by the early-stopping monitor if there is one. */
    private CheckpointStore checkpointStore(Path dir) {
        EarlyStopping es = training.earlyStopping();
        if (es == null) {
            return new CheckpointStore(dir, training.keepLast());
        }
        return new CheckpointStore(dir, training.keepLast(), es.monitor(),
                es.higherIsBetter(architecture) ? CheckpointStore.Mode.MAX : CheckpointStore.Mode.MIN);
    }

    /**
     * {@code data} fitted to this experiment, before any step: its tasks only, the labels of derived tasks
     * ({@link TaskPlan#derivedFrom}) computed from their sources (a missing source label leaves the derived one
     * missing), and each task's targets in the shape its head outputs (a one-column real or binary target [N] becomes
     * [N, 1] for a head of one output; class indices [N, 1] become [N]). {@link #batches(Dataset)} and {@link #fit}
     * bind their data; bind data given to a trainer's {@code evaluate} yourself.
     *
     * @throws polyhead.data.DataException one line naming the task and both shapes (targets and head output), a task
     *                                     the data has no labels for, or the row of a class index outside the head's
     *                                     classes or outside a mapping
     */
    public Dataset bind(Dataset data) {
        return binding.bind(data);
    }

    /**
     * The batches of an epoch over {@code data} ({@link #bind bound} to the experiment), drawn as the plan's sampling
     * says.
     *
     * @throws DataException if {@code data} has no rows
     * @throws IllegalArgumentException under multi-source sampling, which takes one dataset per task
     */
    public BatchSource batches(Dataset data) {
        requireRows(data, "training data", "train on");
        return switch (training.sampling()) {
            case SHUFFLED -> Batching.shuffled(bind(data), training.batchSize(), false);
            case TASK_BALANCED -> Batching.taskBalanced(bind(data), training.batchSize());
            case MULTI_SOURCE -> throw new IllegalArgumentException("training.sampling: multiSource draws from one "
                    + "dataset per task; give the run a dataset for each of " + architecture.taskNames());
        };
    }

    /**
     * The batches of an epoch over one dataset per task, under multi-source sampling.
     *
     * @throws IllegalArgumentException under any other sampling, or if a task has no dataset
     */
    public BatchSource batches(Map<String, Dataset> perTask) {
        if (training.sampling() != TrainingPlan.Sampling.MULTI_SOURCE) {
            throw new IllegalArgumentException("training.sampling: " + training.sampling()
                    + " draws from one dataset; one dataset per task needs multiSource sampling");
        }
        for (String t : architecture.taskNames()) {
            if (!perTask.containsKey(t)) {
                throw new IllegalArgumentException("multi-source data: no dataset for task '" + t + "'; got "
                        + perTask.keySet());
            }
        }
        return Batching.multiSource(perTask, training.batchSize());
    }

    /**
     * Checks the sizes of the data against the plan before any step, as {@link #fit} does: the training data has a
     * row; validation data, if given, has a row; without it, the plan's {@code validationSplit} leaves a row in each
     * part ({@link Dataset#minRowsToSplit}). A batch larger than the training data is not a fault: an epoch is then
     * one batch of every row.
     *
     * @param validation the validation data, or null to split the plan's {@code validationSplit} off {@code data}
     * @throws DataException one line starting with what is at fault, e.g. {@code
     *         training.validationSplit: 0.1 of 3 rows leaves no validation row; give at least 10 rows or drop the split}
     */
    public void checkSizes(Dataset data, Dataset validation) {
        requireRows(data, "training data", "train on");
        if (validation != null) {
            requireRows(validation, "validation data", "validate on");
        } else if (training.validationSplit() > 0
                && data.size() < Dataset.minRowsToSplit(training.validationSplit())) {
            throw new DataException("training.validationSplit: " + training.validationSplit() + " "
                    + Dataset.tooFewRows(training.validationSplit(), data.size(), "validation") + " or drop the split");
        }
    }

    private static void requireRows(Dataset data, String what, String purpose) {
        if (data.size() == 0) {
            throw new DataException(what + ": no rows; nothing to " + purpose);
        }
    }

    /**
     * Sentence data fitted to this experiment (whose input is a {@link ExperimentBuilder#sequenceInput sequence}),
     * before any step: its tasks only; the vocabulary size, each task's kind of labels (per token or per sentence)
     * and classes, and the model's maximum length (a learned position table's rows) checked.
     *
     * @throws DataException one line naming the task, the sentence and the value at fault
     */
    public SequenceDataset bind(SequenceDataset data) {
        return binding.bind(data);
    }

    /**
     * The batches of an epoch over sentence data ({@link #bind bound}): shuffled from the epoch's seed and bucketed
     * by length ({@link #BUCKET_POOL_BATCHES}), each padded to its longest sentence and carrying the lengths.
     *
     * @throws DataException if {@code data} has no sentences
     */
    public BatchSource batches(SequenceDataset data) {
        if (data.size() == 0) {
            throw new DataException("training data: no sentences; nothing to train on");
        }
        return Batching.bucketed(bind(data), training.batchSize(), BUCKET_POOL_BATCHES, false);
    }

    /**
     * Trains a sequence model on sentence data as {@link #fit(Dataset, Dataset, Path, Consumer)} does on fixed-size
     * data: bucketed batches ({@link #batches(SequenceDataset)}), validation each epoch on {@code validation} if
     * given, else on the plan's validation split of the sentences (drawn with the run's seed), else none.
     *
     * @param configure further trainer settings (listeners, a progress bar); may be null
     * @throws DataException one line if the data does not fit the model ({@link #bind(SequenceDataset)})
     */
    public TrainedModel fit(SequenceDataset data, SequenceDataset validation, Path checkpointDir,
                            Consumer<Trainer.Builder> configure) {
        SequenceDataset train = data;
        SequenceDataset valid = validation;
        if (validation == null && training.validationSplit() > 0) {
            if (data.size() < Dataset.minRowsToSplit(training.validationSplit())) {
                throw new DataException("training.validationSplit: " + training.validationSplit() + " "
                        + Dataset.tooFewRows(training.validationSplit(), data.size(), "validation")
                        + " or drop the split");
            }
            SequenceDataset.Split s = data.split(training.validationSplit(), training.seed());
            train = s.train();
            valid = s.validation();
        }
        SequenceDataset checked = valid == null ? null : bind(valid);
        return run(batches(train), checked == null ? null : n -> Batching.sequential(checked, n), checkpointDir,
                configure);
    }

    /** Trains a sequence model as {@link #fit(SequenceDataset, SequenceDataset, Path, Consumer)}, no further settings. */
    public TrainedModel fit(SequenceDataset data, SequenceDataset validation) {
        return fit(data, validation, null, null);
    }

    /** Trains on {@code data} as {@link #fit(Dataset, Dataset, Path, Consumer)} does, with no further settings. */
    public TrainedModel fit(Dataset data, Dataset validation) {
        return fit(data, validation, null, null);
    }

    /**
     * Trains on {@code data} as every field of the training plan says: validation on {@code validation} if given,
     * else on the plan's validation split of {@code data} (split with the run's seed), else none; checkpoints, if
     * asked for, go to {@code checkpointDir}. An experiment trains once: its architecture holds the trained weights.
     *
     * @param configure further trainer settings (listeners, a progress bar); may be null
     * @return the trained model: evaluate, predict, save
     */
    public TrainedModel fit(Dataset data, Dataset validation, Path checkpointDir, Consumer<Trainer.Builder> configure) {
        checkSizes(data, validation);
        Dataset train = data;
        Dataset valid = validation == null ? null : bind(validation);
        if (validation == null && training.validationSplit() > 0) {
            Dataset.Split s = data.split(training.validationSplit(), training.seed());
            train = s.train();
            valid = bind(s.validation());
        }
        Dataset checked = valid;
        return run(batches(train), checked == null ? null : n -> Batching.sequential(checked, n), checkpointDir,
                configure);
    }

    /** Trains under multi-source sampling on one dataset per task; validation on {@code validation} (bound) if given. */
    public TrainedModel fit(Map<String, Dataset> perTask, Dataset validation, Path checkpointDir,
                            Consumer<Trainer.Builder> configure) {
        Dataset checked = validation == null ? null : bind(validation);
        return run(batches(perTask), checked == null ? null : n -> Batching.sequential(checked, n), checkpointDir,
                configure);
    }

    /**
     * Trains on {@code batches}, validating each epoch on the batches {@code validation} cuts for the trainer's
     * evaluation batch size (null: no validation).
     */
    private TrainedModel run(BatchSource batches, IntFunction<BatchSource> validation, Path checkpointDir,
                             Consumer<Trainer.Builder> configure) {
        Trainer.Builder b = trainerBuilder(batches.stepsPerEpoch(), checkpointDir);
        if (configure != null) {
            configure.accept(b);
        }
        Trainer trainer = b.build();
        History history = trainer.fitBatches(batches, validation == null ? null
                : validation.apply(trainer.evalBatchSize()));
        return new TrainedModel(trainer, history, this, description, training.seed());
    }
}
