package polyhead.io;

import java.nio.file.FileSystemException;

/**
 * A path that {@link AtomicFiles#write} refuses to replace because it is not a regular file: a symbolic link, a
 * device, a named pipe, a socket or a directory. Its message is one line, {@code PATH: is a device, not a regular
 * file}.
 */
public final class NotARegularFileException extends FileSystemException {
    private final String kind;

    NotARegularFileException(String path, String kind) {
        super(path, null, "is " + kind + ", not a regular file");
        this.kind = kind;
    }

    /** What the path is instead, e.g. {@code a device}, {@code a symbolic link}, {@code a directory}. */
    public String kind() {
        return kind;
    }
}
