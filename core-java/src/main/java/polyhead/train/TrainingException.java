package polyhead.train;

/** Training cannot go on (a non-finite loss, for instance); the message names the task and the step. */
public class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }
}
