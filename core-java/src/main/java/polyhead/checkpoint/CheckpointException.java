package polyhead.checkpoint;

import polyhead.io.FormatException;

/**
 * A checkpoint that cannot be written, read or restored: missing files, a checksum mismatch, a newer format, state
 * that does not fit the model or optimizer. The message names the checkpoint and the fault in one line. A subtype of
 * {@link FormatException}, so callers that handle bad input files handle it too.
 */
public class CheckpointException extends FormatException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
