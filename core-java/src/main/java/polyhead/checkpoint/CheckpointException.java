package polyhead.checkpoint;

import polyhead.io.FormatException;

/**
 * A checkpoint that cannot be written, read or restored: missing files, a checksum mismatch, a newer format, state
 * that does not fit the model or optimizer. The message names the checkpoint and the fault in one line. A subtype of
 * {@link FormatException}, so callers that handle bad input files handle it too.
 *
 * <p>A fault found while verifying a checkpoint also has a {@link #reason()}: the fault in a few plain words without
 * the checkpoint's path ({@code model.safetensors is damaged (checksum mismatch)}), for a line that names the
 * checkpoint itself, such as the one {@link CheckpointStore#latest()} gives for each checkpoint it skips.
 */
public class CheckpointException extends FormatException {
    private final String reason;

    public CheckpointException(String message) {
        super(message);
        this.reason = null;
    }

    public CheckpointException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /** A fault with its {@link #reason()} ({@code null}: the message is the reason). */
    public CheckpointException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /** A fault with its {@link #reason()} ({@code null}: the message is the reason). */
    public CheckpointException(String message, String reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The fault in a few plain words without the checkpoint's path, or the message when no shorter one was given. */
    public String reason() {
        return reason != null ? reason : getMessage();
    }
}
