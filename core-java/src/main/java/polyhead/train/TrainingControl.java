package polyhead.train;

/**
 * What a {@link TrainingListener} may change in the run it listens to, given to it once by
 * {@link TrainingListener#attach} before the run starts: stop the run (Keras' {@code EarlyStopping} and
 * {@code model.stop_training}) and set the learning rate (Keras' {@code LearningRateScheduler}).
 * {@link TrainingListeners} makes listeners that use it from lambdas.
 */
public interface TrainingControl {
    /**
     * Ends the run. Called from {@link TrainingListener#stepEnded}: after that step (the epoch ends early, its history
     * row covering the steps taken, and is evaluated as usual); from {@link TrainingListener#epochEnded} or
     * {@link TrainingListener#epochStarted}: before the next epoch's first step. Early stopping's restoreBest still
     * applies.
     */
    void stop();

    /** Whether {@link #stop()} was called in this run. */
    boolean stopRequested();

    /**
     * The learning rate of the next step: the one {@link #setLearningRate} set, else the optimizer's own as of the
     * latest step (its single learning rate; see {@link polyhead.optim.Optimizer#learningRate()}).
     */
    double learningRate();

    /**
     * From the next step on, every {@code scaleByLearningRate} block of the optimizer (every parameter group's) uses
     * {@code lr} instead of its own value or schedule; other factors ({@code reduceOnPlateau}) still apply. The
     * history's {@code lr} column shows it.
     *
     * @throws IllegalArgumentException if {@code lr} is negative, infinite or NaN
     */
    void setLearningRate(double lr);
}
