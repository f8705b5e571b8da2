package polyhead.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A file that cannot be read or written, in plain words naming the file: {@code x.json: no such file}, {@code
 * x.json: permission denied}, {@code no space left on the device holding runs/a/metrics.json}, {@code x.csv: cannot
 * read: input/output error}: the file first, as in every fault of a file, but for a full device, where the device is
 * at fault. The one place where an {@link IOException} becomes words, so that neither an exception's
 * class name ({@code java.nio.file.AccessDeniedException: /x}) nor the platform's raw text reaches a user.
 *
 * <p>The platform reports the cause as the C library's text ({@code No space left on device}); the known ones are
 * recognised from it, the others are passed on in lower case.
 */
public final class FileFaults {
    private FileFaults() {
    }

    /** {@code file} cannot be read: the fault in words, as one line naming the file. */
    public static String reading(Path file, IOException e) {
        return describe(String.valueOf(file), e, false);
    }

    /** {@code file} cannot be written: the fault in words, as one line naming the file. */
    public static String writing(Path file, IOException e) {
        return describe(String.valueOf(file), e, true);
    }

    /**
     * A fault of an unknown file (one that reached the top of a program unexplained) in words, naming the file the
     * exception names, if any.
     */
    public static String unexplained(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        if (file == null) {
            return "cannot read or write a file: " + reason(e);
        }
        return describe(file, e, false);
    }

    /** As {@link #reading}, as a {@link FormatException} whose cause is {@code e}. */
    public static FormatException readFault(Path file, IOException e) {
        return new FormatException(reading(file, e), e);
    }

    /** As {@link #readFault(Path, IOException)}, for a file named by a string. */
    public static FormatException readFault(String file, IOException e) {
        return new FormatException(describe(file, e, false), e);
    }

    /** As {@link #writing}, as a {@link FormatException} whose cause is {@code e}. */
    public static FormatException writeFault(Path file, IOException e) {
        return new FormatException(writing(file, e), e);
    }

    private static String describe(String file, IOException e, boolean writing) {
        String known = known(e);
        String folder = folderAtFault(file, e);
        if (folder != null) {
            // a folder on the way to the file is at fault (e.g. a file where a folder should be)
            return file + ": cannot " + (writing ? "write: " : "read: ") + folder + ": "
                    + (e instanceof FileAlreadyExistsException ? "is a file, not a folder" : reason(e));
        }
        if (known == null) {
            return file + ": cannot " + (writing ? "write: " : "read: ") + reason(e);
        }
        if (known.equals(NO_SPACE) || known.equals(QUOTA)) {
            return known + (known.equals(QUOTA) ? " on the device" : "") + " holding " + file;
        }
        if (writing && e instanceof NoSuchFileException) {
            return file + ": cannot write: its folder does not exist";
        }
        return file + ": " + known;
    }

    /** The folder above {@code file} that {@code e} names, or null when it names the file itself or nothing. */
    private static String folderAtFault(String file, IOException e) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null || f.getFile().equals(file)) {
            return null;
        }
        try {
            Path named = Path.of(f.getFile()).toAbsolutePath().normalize();
            Path target = Path.of(file).toAbsolutePath().normalize();
            return target.startsWith(named) && !target.equals(named) ? f.getFile() : null;
        } catch (InvalidPathException bad) {
            return null;
        }
    }

    private static final String NO_SPACE = "no space left on the device";
    private static final String QUOTA = "the disk quota is exceeded";

    /**
     * The cause of {@code e} in words, without a file: {@code permission denied}, {@code no space left on the
     * device}, or for a cause not recognised the platform's text in lower case; never an exception class name.
     */
    public static String reason(IOException e) {
        String known = known(e);
        if (known != null) {
            return known;
        }
        String os = osText(e);
        return os.isEmpty() ? "an input/output error" : Character.toLowerCase(os.charAt(0)) + os.substring(1);
    }

    /** The words for a cause this class recognises, or null. */
    private static String known(IOException e) {
        if (e instanceof NotARegularFileException n) {
            return "is " + n.kind() + ", not a regular file";
        }
        for (Map.Entry<Class<? extends IOException>, String> t : TYPES) {
            if (t.getKey().isInstance(e)) {
                return t.getValue();
            }
        }
        String os = osText(e).toLowerCase(Locale.ROOT);
        for (String[] w : WORDS) {
            if (os.contains(w[0])) {
                return w[1];
            }
        }
        return null;
    }

    /** The exceptions the platform throws for causes of their own, and their words. */
    private static final List<Map.Entry<Class<? extends IOException>, String>> TYPES = List.of(
            Map.entry(NoSuchFileException.class, "no such file"),
            Map.entry(AccessDeniedException.class, "permission denied"),
            Map.entry(FileAlreadyExistsException.class, "already exists"),
            Map.entry(DirectoryNotEmptyException.class, "is a folder that is not empty"),
            Map.entry(NotDirectoryException.class, "a part of the path is not a folder"));

    /** The platform's texts (strerror, in lower case) this class recognises, and their words. */
    private static final String[][] WORDS = {
        {"no space left", NO_SPACE},
        {"quota exceeded", QUOTA},
        {"read-only file system", "the file system is read-only"},
        {"file too large", "the file is too large for the file system"},
        {"is a directory", "is a folder, not a file"},
        {"not a directory", "a part of the path is not a folder"},
        {"permission denied", "permission denied"},
        {"operation not permitted", "permission denied"},
        {"no such file", "no such file"},
        {"file name too long", "the name is too long"},
        {"too many levels of symbolic links", "too many levels of symbolic links"},
    };

    /** The platform's text for the fault: the reason of a {@link FileSystemException}, else the message. */
    private static String osText(IOException e) {
        // a FileSystemException's message is its file and reason; the reason alone is the fault
        String text = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (text == null) {
            return "";
        }
        // a wrapped exception's message starts with its class name ("java.io.IOException: ...")
        return text.replaceAll("^(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error): ", "").strip();
    }
}
