package polyhead.optim;

/**
 * What a transformation may know about the training run besides gradients: the global step (number of optimizer
 * steps taken before this one, from 0), the epoch, and the latest value of a monitored metric with a counter of how
 * many evaluations produced one. Learning-rate schedules read {@link #step()}; {@code reduceOnPlateau} reacts once
 * to each new {@link #evaluations()} value.
 *
 * <p>A context is mutable so that a trainer can own one and update it in place, without allocating per step:
 * {@link #setStep}, {@link #setEpoch}, and {@link #recordMetric} after each evaluation. Transformations only read
 * it. {@link Optimizer#step()} uses the optimizer's own context ({@link Optimizer#context()}), whose step it sets
 * to its count of steps.
 */
public final class StepContext {
    private long step;
    private long epoch;
    private double metric = Double.NaN;
    private long evaluations;
    private double learningRate = Double.NaN;

    /** Step 0, epoch 0, no metric yet. */
    public StepContext() {
    }

    /** A context at global step {@code step}, epoch 0, no metric. */
    public static StepContext at(long step) {
        return new StepContext().setStep(step);
    }

    /** Optimizer steps taken before the current one (0 for the first step). */
    public long step() {
        return step;
    }

    public long epoch() {
        return epoch;
    }

    /** The latest monitored metric value, NaN before the first {@link #recordMetric}. */
    public double metric() {
        return metric;
    }

    /** How many metric values were recorded; a transformation sees a new value when this changes. */
    public long evaluations() {
        return evaluations;
    }

    /**
     * The learning rate every {@code scaleByLearningRate} block uses instead of its own value or schedule, or NaN
     * (the default) for none: how a training listener changes the learning rate between steps (Keras'
     * {@code LearningRateScheduler}). Factors outside those blocks ({@code reduceOnPlateau}, {@code scaleBySchedule})
     * still apply. Not saved with the optimizer's state: whoever sets it sets it again after a restore.
     */
    public double learningRateOverride() {
        return learningRate;
    }

    /**
     * Sets {@link #learningRateOverride()}: a finite number >= 0, or NaN to go back to the blocks' own values.
     *
     * @throws IllegalArgumentException for a negative or infinite value
     */
    public StepContext overrideLearningRate(double lr) {
        if (!Double.isNaN(lr) && (!(lr >= 0) || Double.isInfinite(lr))) {
            throw new IllegalArgumentException("a learning rate must be a finite number >= 0, got " + lr);
        }
        this.learningRate = lr;
        return this;
    }

    public StepContext setStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        this.step = step;
        return this;
    }

    public StepContext setEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        return this;
    }

    /** Records a new value of the monitored metric (e.g. a validation loss) and counts the evaluation. */
    public StepContext recordMetric(double value) {
        this.metric = value;
        this.evaluations++;
        return this;
    }

    /** Sets every field from {@code other}. */
    public StepContext copyFrom(StepContext other) {
        this.step = other.step;
        this.epoch = other.epoch;
        this.metric = other.metric;
        this.evaluations = other.evaluations;
        this.learningRate = other.learningRate;
        return this;
    }

    /** Sets every field; for restoring a saved context. */
    StepContext restore(long step, long epoch, double metric, long evaluations) {
        this.step = step;
        this.epoch = epoch;
        this.metric = metric;
        this.evaluations = evaluations;
        return this;
    }

    @Override
    public String toString() {
        return "StepContext(step " + step + ", epoch " + epoch + ", metric " + metric + " after " + evaluations
                + " evaluations)";
    }
}
