package polyhead.optim.schedule;

/**
 * A value (usually a learning rate, or a multiplier of one) as a pure function of a step count. Whether the count
 * is of batches or of epochs is the caller's choice; schedules themselves only see a number. Built by
 * {@link Schedules}.
 */
@FunctionalInterface
public interface Schedule {
    /** The value at {@code step} ≥ 0. */
    double valueAt(long step);
}
