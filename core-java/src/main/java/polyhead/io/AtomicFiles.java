package polyhead.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: write a temporary sibling, force it to the device, rename it over the target in one
 * step, force the directory. A process killed at any moment leaves the old file or the new one (and perhaps a
 * temporary file whose name starts with {@code .}), never a torn target.
 *
 * <p>Only a regular file (or nothing) is replaced: a rename would put a regular file in place of a symbolic link or
 * a device node (as root, {@code /dev/full} itself), so {@link #write} refuses those, and directories, with a
 * {@link NotARegularFileException}.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the content of a file through a channel. */
    public interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /**
     * Replaces {@code target} by what {@code body} writes, atomically, when {@code target} is a regular file or
     * absent; anything else is refused before anything is written.
     */
    public static void write(Path target, Body body) throws IOException {
        requireReplaceable(target);
        Path tmp = temporarySibling(target, "tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Refuses a {@code target} that {@link #write} must not replace (see {@link #notARegularFile}), with a {@link
     * NotARegularFileException}; a regular file or a path that does not exist passes.
     */
    public static void requireReplaceable(Path target) throws NotARegularFileException {
        String kind = notARegularFile(target);
        if (kind != null) {
            throw new NotARegularFileException(target.toString(), kind);
        }
    }

    /**
     * What {@code path} is when it is there and not a regular file ({@code a symbolic link}, {@code a directory},
     * {@code a device}, {@code a named pipe}, {@code a socket} or {@code a special file}); null for a regular file or
     * a path that cannot be read (does not exist, or a parent that cannot be searched: writing then fails by itself).
     * A symbolic link is not followed.
     */
    public static String notARegularFile(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        return specialKind(path);
    }

    /** The kind of a special file from its Unix mode bits; {@code a special file} where they cannot be read. */
    private static String specialKind(Path path) {
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0020000, 0060000 -> "a device";
                case 0010000 -> "a named pipe";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    /** Writes a new file (which must not exist) and forces it to the device; for files inside a temporary folder. */
    public static void writeNew(Path file, Body body) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            body.write(ch);
            ch.force(true);
        }
    }

    /** A name next to {@code target} that no other writer uses: {@code .<name>.<kind>-<random>}. */
    public static Path temporarySibling(Path target, String kind) {
        Path parent = target.toAbsolutePath().getParent();
        String name = "." + target.getFileName() + "." + kind + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        return parent.resolve(name);
    }

    /** Renames {@code from} to {@code to} in one step (replacing a file {@code to}), then forces the directory. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + from + " to " + to
                    + " atomically; checkpoints need a local file system", e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /**
     * Forces a directory's entries (new names, renames) to the device. Not every platform can open a directory;
     * there the rename is as durable as the platform makes it.
     */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; nothing more can be done there
        }
    }

    /** Deletes a file or a directory tree; a missing one is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
