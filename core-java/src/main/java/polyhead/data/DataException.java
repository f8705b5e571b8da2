package polyhead.data;

/** A data file that cannot be read as what it claims to be; the message names the file and the fault. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
