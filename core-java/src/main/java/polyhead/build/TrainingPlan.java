package polyhead.build;

import java.util.Objects;

import polyhead.train.EarlyStopping;
import polyhead.train.NonFinitePolicy;
import polyhead.train.Trainer;

/**
 * How an experiment trains, immutable; each method returns a changed copy. Defaults ({@link #defaults()}): 10 epochs,
 * batches of 32, seed 0, no validation split, shuffled batches, no early stopping, no checkpoints, diagnostics on,
 * stop on a non-finite step, {@link Trainer#DEFAULT_EVAL_BATCH_SIZE} samples per evaluation batch.
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
 */
public record TrainingPlan(int epochs, int batchSize, long seed, double validationSplit, Sampling sampling,
                           EarlyStopping earlyStopping, int checkpointEvery, int keepLast, boolean diagnostics,
                           NonFinitePolicy onNonFinite, int evalBatchSize) {
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
    }

    public static TrainingPlan defaults() {
        return new TrainingPlan(10, 32, 0, 0, Sampling.SHUFFLED, null, 0, 3, true, NonFinitePolicy.STOP,
                Trainer.DEFAULT_EVAL_BATCH_SIZE);
    }

    public TrainingPlan epochs(int v) {
        return new TrainingPlan(v, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    public TrainingPlan batchSize(int v) {
        return new TrainingPlan(epochs, v, seed, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    public TrainingPlan seed(long v) {
        return new TrainingPlan(epochs, batchSize, v, validationSplit, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    public TrainingPlan validationSplit(double v) {
        return new TrainingPlan(epochs, batchSize, seed, v, sampling, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    public TrainingPlan sampling(Sampling v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, v, earlyStopping, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    /** Early stopping, e.g. {@code EarlyStopping.on("val.item.accuracy")}; null for none. */
    public TrainingPlan earlyStopping(EarlyStopping v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, v, checkpointEvery, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    /** A checkpoint every {@code every} epochs and at the last, keeping the last {@code keepLast}. */
    public TrainingPlan checkpoints(int every, int keepLast) {
        atLeast("checkpoints every", every, 1);
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, every, keepLast,
                diagnostics, onNonFinite, evalBatchSize);
    }

    public TrainingPlan diagnostics(boolean v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, v, onNonFinite, evalBatchSize);
    }

    public TrainingPlan onNonFinite(NonFinitePolicy v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, diagnostics, v, evalBatchSize);
    }

    public TrainingPlan evalBatchSize(int v) {
        return new TrainingPlan(epochs, batchSize, seed, validationSplit, sampling, earlyStopping, checkpointEvery,
                keepLast, diagnostics, onNonFinite, v);
    }

    private static void atLeast(String field, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException("training: " + field + " must be at least " + min + ", got " + v);
        }
    }
}
