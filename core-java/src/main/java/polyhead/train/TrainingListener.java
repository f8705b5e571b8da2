package polyhead.train;

import java.util.Map;

/**
 * Hooks into a {@link Trainer#fit} run: progress, logging, checkpoints, and through the {@link TrainingControl} given
 * to {@link #attach}, stopping the run and setting the learning rate ({@link TrainingListeners} makes such listeners
 * from lambdas). Every method does nothing by default.
 */
public interface TrainingListener {
    /** Called once per {@link Trainer#fit}, before {@link #fitStarted}: the run's control, to keep for later calls. */
    default void attach(TrainingControl control) {
    }

    default void fitStarted(int epochs, int stepsPerEpoch) {
    }

    default void epochStarted(int epoch) {
    }

    /**
     * After each optimizer step.
     *
     * @param step       steps taken so far in the run
     * @param taskLosses unweighted loss of each task present in the step
     * @param samples    samples in the step
     */
    default void stepEnded(int epoch, long step, Map<String, Double> taskLosses, int samples) {
    }

    /** A step whose gradient norm rose far above its running mean, before the optimizer applies it. */
    default void gradientExploded(ExplodingGradient report) {
    }

    /** After each epoch, with that epoch's history row. */
    default void epochEnded(int epoch, Map<String, Double> row) {
    }

    default void fitEnded(History history) {
    }
}
