package polyhead.experiment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.Checkpoints;
import polyhead.data.Batch;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.optim.Optimizers;
import polyhead.serve.Predictions;
import polyhead.serve.Predictor;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.train.BatchGradients;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * A trained model: what {@link Experiment#fit} returns and {@link #load} reads back. It holds the architecture with
 * its trained weights, the trainer that trained it (optimizer and weighting state), the training {@link #history()},
 * the {@link #modelDescription()} that rebuilds it and the spec text it was built from (the DSL's JSON, if any).
 *
 * <pre>{@code
 * TrainedModel m = experiment.fit(train, null);
 * Map<String, Double> test = m.evaluate(testSet);          // item.accuracy, item.loss, ..., loss
 * TaskPrediction item = m.predict(images).get("item");     // probabilities, classes, classNames
 * m.save(Path.of("run/model"));
 * TrainedModel again = TrainedModel.load(Path.of("run/model"));   // in any JVM, without the code that built it
 * }</pre>
 */
public final class TrainedModel {
    private final Trainer trainer;
    private final History history;
    private final ModelDescription description;
    private final String spec;
    private final long seed;
    /** The checkpoint this model was loaded from, or null for a model trained in this JVM. */
    private final Checkpoint loaded;
    /** Made on first use; racing threads may each make one, all equal. */
    private volatile Predictor predictor;
    /** Fits data to the model: derived labels, targets in the heads' shapes ({@link Experiment#bind}). */
    private final Experiment experiment;

    TrainedModel(Trainer trainer, History history, Experiment experiment, String spec, long seed) {
        this(trainer, history, experiment, spec, seed, null);
    }

    private TrainedModel(Trainer trainer, History history, Experiment experiment, String spec, long seed,
                         Checkpoint loaded) {
        this.trainer = trainer;
        this.experiment = experiment;
        ModelDescription description = experiment.modelDescription();
        this.history = history;
        this.description = description;
        this.spec = spec;
        this.seed = seed;
        this.loaded = loaded;
    }

    /**
     * Reads the model a checkpoint folder holds (one written by {@link #save}, or by a run's checkpoint store) and
     * rebuilds it from the model description the checkpoint records; no DSL or builder code is needed, and its
     * predictions equal those of the saved model bit for bit. A checkpoint without a description (written before
     * Polyhead recorded one) is rebuilt from its spec by the DSL ({@code SpecCompiler.loadTrained}) or by
     * {@link #restore}.
     *
     * @throws CheckpointException if the folder is not a readable checkpoint, records no description, or its weights
     *                             do not fit the described model; the message names the folder and the fault
     */
    public static TrainedModel load(Path dir) {
        Checkpoint c = Checkpoints.read(dir);
        String source = dir.resolve(Checkpoints.METADATA).toString();
        if (c.description() == null) {
            throw new CheckpointException(source + ": the checkpoint records no model description"
                    + (c.spec() != null ? ", only the spec it was trained from: rebuild it with the DSL "
                    + "(SpecCompiler.loadTrained) or the command-line tool" : " nor spec; nothing can rebuild its model"));
        }
        ModelDescription d;
        try {
            d = ModelDescription.fromJson(c.description(), source);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        long seed = c.rng().getOrDefault("seed", 0L);
        Experiment e;
        try {
            e = d.experiment(seed);
        } catch (IllegalArgumentException fault) {
            throw new CheckpointException(source + ": the model description does not build: " + fault.getMessage(),
                    fault);
        }
        Architecture arch = e.architecture();
        Checkpoints.restore(c, dir.toString(), arch, null, null);
        // evaluates and predicts only: its optimizer never steps
        Trainer t = Trainer.builder(arch).optimizer(Optimizers.sgd(0)).seed(seed).build();
        return new TrainedModel(t, history(c), e, c.spec(), seed, c);
    }

    /**
     * The model of {@code experiment} (freshly built, untrained) with the state of checkpoint {@code c}: weights, and
     * the optimizer's and weighting's state where the checkpoint has them. The way to rebuild a model whose
     * checkpoint records only a spec: the DSL compiles the spec into {@code experiment}.
     *
     * @param source names the checkpoint in errors
     * @throws CheckpointException if the checkpoint does not fit the experiment
     */
    public static TrainedModel restore(Experiment experiment, Checkpoint c, String source) {
        Trainer.Builder b = Trainer.builder(experiment.architecture())
                .weighting(experiment.weighting())
                .gradientSource(experiment.gradientSource())
                .optimizer(experiment.optimizer(1))
                .seed(experiment.training().seed())
                .evalBatchSize(experiment.training().evalBatchSize());
        Trainer t = b.build();
        Checkpoints.restore(c, source, experiment.architecture(), c.optimizer() != null ? t.optimizer() : null,
                experiment.weighting());
        return new TrainedModel(t, history(c), experiment, experiment.description(), experiment.training().seed(), c);
    }

    private static History history(Checkpoint c) {
        return History.of(c.history());
    }

    /** The per-epoch history of the training run (for a loaded model: as its checkpoint recorded it). */
    public History history() {
        return history;
    }

    /** The architecture with the trained weights. */
    public Architecture architecture() {
        return trainer.architecture();
    }

    /** What rebuilds the model without the code that built it; null if a layer could not be described. */
    public ModelDescription modelDescription() {
        return description;
    }

    /** The spec text the model was built from (the Kotlin DSL's or JSON spec's JSON), or null (Java builder). */
    public String spec() {
        return spec;
    }

    /** The seed of the training run. */
    public long seed() {
        return seed;
    }

    /**
     * Evaluates on {@code data} in evaluation mode, fitted to the model first ({@link Experiment#bind}: derived
     * labels, targets in the heads' shapes): per task {@code <task>.loss} and {@code <task>.<metric>} for each of its
     * metrics, and {@code loss}, the declared-weight sum Σ w_t·loss_t (see {@link Trainer#evaluate}).
     */
    public Map<String, Double> evaluate(Dataset data) {
        return trainer.evaluate(experiment.bind(data));
    }

    /**
     * Evaluates a sequence model on sentence data ({@link Experiment#bind(SequenceDataset)} checks it first), in
     * evaluation mode, in the order of the data: per task {@code <task>.loss} (over the labelled tokens for a
     * per-token task) and its metrics, and {@code loss}.
     */
    public Map<String, Double> evaluate(SequenceDataset data) {
        return trainer.evaluate(Batching.sequential(experiment.bind(data), trainer.evalBatchSize()));
    }

    /** The vocabulary a sequence model reads its words with, or null for a model of fixed-size inputs. */
    public Vocabulary vocabulary() {
        return description == null ? null : description.vocabulary();
    }

    /**
     * Predicts for one sentence of words with a sequence model, in evaluation mode: each word is read with the
     * model's vocabulary (a word it does not know as {@link Vocabulary#UNK}); per task, in task order, a
     * {@link TaskPrediction} for one sample — a per-token task's {@code classes()} and {@code classNames()} hold one
     * tag per word, a per-sentence task's its one class.
     *
     * @throws IllegalArgumentException if the model reads no sentences, or the sentence is empty
     */
    public Map<String, TaskPrediction> predict(List<String> words) {
        Vocabulary v = vocabulary();
        if (v == null) {
            throw new IllegalArgumentException("predict: the model reads fixed-size inputs, not sentences");
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("predict: the sentence is empty; give at least one word");
        }
        int[] ids = v.encode(words);
        float[] x = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            x[i] = ids[i];
        }
        Predictions p = predictor().predict(Tensor.wrap(Shape.of(1, ids.length), x), new int[] {ids.length});
        Map<String, TaskPrediction> out = new LinkedHashMap<>();
        for (String t : p.tasks().keySet()) {
            out.put(t, TaskPrediction.of(p.task(t), classNames(t)));
        }
        return out;
    }

    /**
     * Predicts for {@code inputs} [N, …input shape] in evaluation mode: per task, in task order, its raw output,
     * probabilities, classes and class names ({@link TaskPrediction}).
     */
    public Map<String, TaskPrediction> predict(Tensor inputs) {
        Objects.requireNonNull(inputs, "inputs");
        // a model with a layer outside the description (no input shape recorded) reads the inputs' own sample shape
        Predictions p = (description != null ? predictor()
                : Predictor.of(trainer.architecture(), inputs.shape().without(0).dims())).predict(inputs);
        Map<String, TaskPrediction> out = new LinkedHashMap<>();
        for (String t : p.tasks().keySet()) {
            out.put(t, TaskPrediction.of(p.task(t), classNames(t)));
        }
        return out;
    }

    /**
     * The model for serving: a {@link Predictor} over its architecture, made once, with no autodiff graph and no
     * trainer, safe to call from many threads at once (while nothing trains the model). Load a saved model once with
     * {@link #load} and keep its predictor: {@code TrainedModel.load(dir).predictor()}.
     */
    public Predictor predictor() {
        Predictor p = predictor;
        if (p == null) {
            if (description == null) {
                throw new IllegalStateException("the model has a layer its description cannot record, so its input "
                        + "shape is unknown here: use Predictor.of(architecture(), inputShape)");
            }
            p = description.vocabulary() != null ? Predictor.ofSequences(trainer.architecture())
                    : Predictor.of(trainer.architecture(), description.input());
            predictor = p;
        }
        return p;
    }

    private List<String> classNames(String task) {
        TaskPlan p = description == null ? null : description.task(task);
        return p == null ? List.of() : p.classNames();
    }

    /**
     * One batch's per-task losses, their combined total and the gradients of every parameter, without changing the
     * weights ({@link Trainer#lossesAndGradients}): the step a further training step would take. A loaded model
     * combines the tasks with their declared weights.
     */
    public BatchGradients lossesAndGradients(Batch batch) {
        return trainer.lossesAndGradients(batch);
    }

    /**
     * Saves the model as a checkpoint folder {@code dir} (which must not exist): weights, optimizer and weighting
     * state, history, seed, the model description, the spec text if any, and versions — what {@link #load} and the
     * command-line tool's {@code evaluate} and {@code predict} read.
     *
     * @throws CheckpointException if {@code dir} exists or cannot be written
     */
    public void save(Path dir) {
        Checkpoints.write(dir, loaded != null ? loaded : trainer.checkpointState().build());
    }
}
