package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileFaults}: what the platform reports (its exception types and its C library's texts, as Linux gives them)
 * in words naming the file, and never an exception class name; checked on the exceptions themselves and on real
 * faults of the file system.
 */
class FileFaultsTest {
    @TempDir
    Path dir;

    private static final Path X = Path.of("runs", "a", "metrics.json");

    @Test
    void thePlatformsFaultsInWords() {
        Map<IOException, String> writing = Map.of(
                new FileSystemException(X.toString(), null, "No space left on device"),
                "no space left on the device holding " + X,
                new IOException("No space left on device"), "no space left on the device holding " + X,
                new FileSystemException(X.toString(), null, "Read-only file system"), X + ": the file system is read-only",
                new IOException("File too large"), X + ": the file is too large for the file system",
                new AccessDeniedException(X.toString()), X + ": permission denied",
                new FileSystemException(X.toString(), null, "Disk quota exceeded"),
                "the disk quota is exceeded on the device holding " + X,
                new NoSuchFileException(X.toString()), X + ": cannot write: its folder does not exist",
                new FileAlreadyExistsException("runs"), X + ": cannot write: runs: is a file, not a folder",
                new IOException("Input/output error"), X + ": cannot write: input/output error",
                new IOException(), X + ": cannot write: an input/output error");
        writing.forEach((e, words) -> assertEquals(words, FileFaults.writing(X, e), e.toString()));
        assertEquals(X + ": no such file", FileFaults.reading(X, new NoSuchFileException(X.toString())));
        assertEquals(X + ": is a folder, not a file", FileFaults.reading(X, new IOException("Is a directory")));
        assertEquals(X + ": cannot read: stale file handle",
                FileFaults.reading(X, new IOException("java.io.IOException: Stale file handle")));
        assertEquals(X + ": permission denied", FileFaults.unexplained(new AccessDeniedException(X.toString())));
        assertEquals("cannot read or write a file: no space left on the device",
                FileFaults.unexplained(new IOException("No space left on device")));
        assertEquals("permission denied", FileFaults.reason(new AccessDeniedException("/x", null, null)));
    }

    /** A real fault: a directory that cannot be written (when the tests run as a user whom permissions bind). */
    @Test
    void realFaultsOfTheFileSystem() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try {
            IOException e = assertThrows(IOException.class, () -> Files.writeString(locked.resolve("a.txt"), "x"));
            String words = FileFaults.writing(locked.resolve("a.txt"), e);
            assertEquals(locked.resolve("a.txt") + ": permission denied", words);
        } catch (org.opentest4j.AssertionFailedError rootIgnoresPermissions) {
            // root writes anyway: then the fault is a file where a folder should be, which binds root too
            assertTrue(Files.exists(locked.resolve("a.txt")), rootIgnoresPermissions.getMessage());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> Files.createDirectories(file.resolve("sub")));
        String words = FileFaults.writing(file.resolve("sub").resolve("b.json"), e);
        assertEquals(file.resolve("sub").resolve("b.json") + ": cannot write: " + file.resolve("sub")
                + ": a part of the path is not a folder", words);
        assertFalse(words.contains("Exception"), words);
    }
}
