package polyhead.data;

import polyhead.io.FormatException;

/**
 * A data set that cannot be built from its files: a column or label that does not fit the reading spec, samples that
 * do not match their labels; the message names the file and the fault in one line.
 */
public class DataException extends FormatException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
