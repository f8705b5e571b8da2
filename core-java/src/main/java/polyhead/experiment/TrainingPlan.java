package polyhead.experiment;

import java.util.Objects;

import polyhead.train.EarlyStopping;
import polyhead.train.NonFinitePolicy;
import polyhead.train.Trainer;

/**
 * How an experiment trains, immutable; each method returns a changed copy. Defaults ({@link #defaults()}): 10 epochs,
 * batches of 32, seed 0, no validation split, shuffled batches, no early stopping, no checkpoints, diagnostics on,
 * stop on a non-finite step, {@link Trainer#DEFAULT_EVAL_BATCH_SIZE} samples per evaluation batch, exploding
 * gradients reported above {@link Trainer#DEFAULT_EXPLODING_FACTOR} times their running mean.
 *
 * @param epochs          passes over the training data
 * @param batchSize       samples per training batch
 * @param seed            seeds the parameters, the validation split, the shuffling and the run's generator
 * @param validationSplit the fraction of the training data held out for validation; 0 for none
 * @param sampling        how an epoch's batches are drawn
 * @param earlyStopping   null for none
 * @param checkpointEvery a checkpoint every this many epochs (and at the last); 0 for none
 * @param keepLast        checkpoints kept (and the best by the early-stopping monitor if there is one)
 * @param diagnostics     record task-gradient cosines and norm ratios once per epoch
 * @param onNonFinite     what a step with a NaN or infinite loss or gradient does
 * @param evalBatchSize   samples per evaluation batch
 * @param checkpointEverySteps also a checkpoint every this many steps, inside epochs (a run resumes from it bit for
 *                        bit); 0 for none
 * @param explodingGradients a step whose gradient norm exceeds this many times its running mean is reported; 0 for no
 *                        reports
 */
public record TrainingPlan(int epochs, int batchSize, long seed, double validationSplit, Sampling sampling,
                           EarlyStopping earlyStopping, int checkpointEvery, int keepLast, boolean diagnostics,
                           NonFinitePolicy onNonFinite, int evalBatchSize, int checkpointEverySteps,
                           double explodingGradients) {
    /** How an epoch's batches are drawn. */
    public enum Sampling {
        /** Every row once, in a new random order each epoch; the last batch may be short. */
        SHUFFLED,
        /** Rows drawn with replacement so that every task contributes about the same number of labels. */
        TASK_BALANCED,
        /** One dataset per task, one batch of each per step ({@link polyhead.data.Batching#multiSource}). */
        MULTI_SOURCE,
    }

    public TrainingPlan {
        atLeast("epochs", epochs, 1);
        atLeast("batchSize", batchSize, 1);
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("training: validationSplit must be in [0, 1), got " + validationSplit);
        }
        Objects.requireNonNull(sampling, "training: sampling");
        atLeast("checkpointEvery", checkpointEvery, 0);
        atLeast("keepLast", keepLast, 1);
        Objects.requireNonNull(onNonFinite, "training: onNonFinite");
        atLeast("evalBatchSize", evalBatchSize, 1);
        atLeast("checkpointEverySteps", checkpointEverySteps, 0);
        if (!(explodingGradients == 0 || explodingGradients > 1) || Double.isInfinite(explodingGradients)) {
            throw new IllegalArgumentException("training: explodingGradients must be > 1 (or 0: no reports), got "
                    + explodingGradients);
        }
    }

    public static TrainingPlan defaults() {
        return new TrainingPlan(10, 32, 0, 0, Sampling.SHUFFLED, null, 0, 3, true, NonFinitePolicy.STOP,
                Trainer.DEFAULT_EVAL_BATCH_SIZE, 0, Trainer.DEFAULT_EXPLODING_FACTOR);
    }

    public TrainingPlan epochs(int v) {
        return new TrainingPlan(v, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan batchSize(int v) {
        return new TrainingPlan(epochs, v, seed, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan seed(long v) {
        return new TrainingPlan(epochs, batchSize, v, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan validationSplit(double v) {
        return new TrainingPlan(epochs, batchSize, seed, v, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan sampling(Sampling v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, v, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    /** Early stopping, e.g. {@code EarlyStopping.on("val.item.accuracy")}; null for none. */
    public TrainingPlan earlyStopping(EarlyStopping v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, v, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    /** A checkpoint every {@code every} epochs and at the last, keeping the last {@code keepLast}. */
    public TrainingPlan checkpoints(int every, int keepLast) {
        return checkpoints(every, checkpointEverySteps, keepLast);
    }

    /**
     * A checkpoint every {@code everyEpochs} epochs and at the last, and also every {@code everySteps} steps inside
     * epochs (0: none), keeping the last {@code keepLast}.
     */
    public TrainingPlan checkpoints(int everyEpochs, int everySteps, int keepLast) {
        atLeast("checkpoints every", everyEpochs, 1);
        atLeast("checkpoints everySteps", everySteps, 0);
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, everyEpochs,
                keepLast, diagnostics, onNonFinite, evalBatchSize, everySteps, explodingGradients);
    }

    public TrainingPlan diagnostics(boolean v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, v, onNonFinite, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan onNonFinite(NonFinitePolicy v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, diagnostics, v, evalBatchSize, checkpointEverySteps, explodingGradients);
    }

    public TrainingPlan evalBatchSize(int v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, diagnostics, onNonFinite, v, checkpointEverySteps, explodingGradients);
    }

    /** Report a step whose gradient norm exceeds {@code factor} times its running mean; 0 for no reports. */
    public TrainingPlan explodingGradients(double v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, diagnostics, onNonFinite, evalBatchSize, checkpointEverySteps, v);
    }

    private static void atLeast(String field, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException("training: " + field + " must be at least " + min + ", got " + v);
        }
    }
}
