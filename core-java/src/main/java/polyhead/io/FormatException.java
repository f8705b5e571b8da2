package polyhead.io;

/**
 * A file that cannot be read as the format it claims to be (JSON, safetensors, IDX, CSV), or cannot be written; the
 * message names the file and the fault in one line. The data and checkpoint packages throw subtypes of their own, so
 * a caller that handles bad input files catches this one type.
 */
public class FormatException extends RuntimeException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
