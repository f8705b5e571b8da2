package polyhead.train;

/**
 * What the trainer does when a step's loss or gradient is NaN or infinite: {@link #STOP} throws a
 * {@link TrainingException} naming the task and the step, before the optimizer touches the weights (so the last
 * checkpoint stays the last good state); {@link #SKIP} drops the step — no update, no optimizer state change — and
 * counts it in the history ({@code skipped_steps}).
 */
public enum NonFinitePolicy {
    STOP,
    SKIP
}
