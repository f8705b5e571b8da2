package polyhead.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import polyhead.io.AtomicFiles;
import polyhead.io.NotARegularFileException;
import polyhead.io.FileFaults;

/**
 * Writes a run's files and the {@code --out} files of the commands through {@link AtomicFiles#write}: a temporary
 * sibling (name starting with {@code .}) is written and forced to the device, then renamed over the target in one
 * step, so a killed run leaves the old file or the new one, never a half-written one. Only a regular file or nothing
 * is replaced: a symbolic link, a device or a directory is refused in one line.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Refuses, before any work, an output path given by {@code option} (e.g. {@code --out}) that is not a regular
     * file or absent: {@code --out /dev/full: is a device, not a regular file; give a file path}.
     */
    static void checkTarget(String option, Path target) {
        if (target != null) {
            String kind = AtomicFiles.notARegularFile(target);
            if (kind != null) {
                throw UserError.of(option + " " + target + ": is " + kind + ", not a regular file; give a file path");
            }
        }
    }

    static void write(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    static void write(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicFiles.write(target, ch -> {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            });
        } catch (NotARegularFileException e) {
            throw UserError.of(e.getMessage() + "; give a file path");
        } catch (IOException e) {
            throw UserError.of(FileFaults.writing(target, e));
        }
    }
}
