package polyhead.io;

import polyhead.data.DataException;

/**
 * A checkpoint that cannot be written, read or restored: missing files, a checksum mismatch, a newer format, state
 * that does not fit the model or optimizer. The message names the checkpoint and the fault in one line. A subtype of
 * {@link DataException}, so callers that handle bad input files handle it too.
 */
public class CheckpointException extends DataException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
