package polyhead.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import polyhead.io.FileFaults;

/**
 * The lock of a run folder while a run writes it ({@code train}, {@code train --resume}), so that two runs never
 * mix their files in one folder. It is an operating-system lock ({@link FileChannel#tryLock}) on the file {@value
 * #FILE} in the folder, which holds the holder's process id and start time for the message the second run gets. The
 * operating system drops the lock when its process ends, however it ends: the file a killed run leaves behind is
 * stale and the next run takes it over. A run that ends normally deletes it.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".run.lock";
    /** What the locks this process holds say of their holder, by lock file. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path dir, Path file, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} (created if missing), or a one-line error naming the run that holds it. */
    static RunLock acquire(Path dir) {
        Object l = attempt(dir);
        if (l instanceof RunLock lock) {
            return lock;
        }
        throw UserError.of(dir + ": another run is writing this run folder (" + l
                + "); wait for it to end or choose another folder");
    }

    /** Locks {@code dir} (created if missing), or null when another run holds it. */
    static RunLock tryAcquire(Path dir) {
        return attempt(dir) instanceof RunLock lock ? lock : null;
    }

    /** The lock of {@code dir}, or what its holder says of itself. */
    private static Object attempt(Path dir) {
        Path file = dir.resolve(FILE);
        String ours = HELD.get(file.toAbsolutePath().normalize());
        if (ours != null) {
            // held by another run in this process: opening the file here and closing it would drop that lock
            return ours;
        }
        try {
            Files.createDirectories(dir);
            // the holder deletes the file as it ends: a lock taken on the file it deleted is retried on the new one.
            // (The file is only compared by its attributes: opening it again would drop this process's lock.)
            for (int attempt = 0; attempt < 10; attempt++) {
                Object before = fileKey(file);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    ch.close(); // held by another run in this process, taking it just now
                    return HELD.getOrDefault(file.toAbsolutePath().normalize(), "this process");
                }
                if (lock == null) {
                    ch.close();
                    String holder = read(file); // another process holds it: reading does not disturb its lock
                    return holder == null || holder.isBlank() ? "it has not said which" : holder.strip();
                }
                Object after = fileKey(file);
                if (after != null && (before == null || before.equals(after))) {
                    String me = "pid " + ProcessHandle.current().pid() + ", started " + Instant.now();
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(true);
                    HELD.put(file.toAbsolutePath().normalize(), me);
                    return new RunLock(dir, file, ch, lock);
                }
                lock.release();
                ch.close();
            }
            throw UserError.of(dir + ": cannot lock the run folder: its lock file " + FILE + " keeps changing");
        } catch (IOException e) {
            throw UserError.of(dir + ": cannot write the run folder (" + FileFaults.reason(e) + ")");
        }
    }

    /** The folder this lock holds. */
    Path dir() {
        return dir;
    }

    /** Deletes the lock file and releases the lock. */
    @Override
    public void close() {
        HELD.remove(file.toAbsolutePath().normalize());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a lock file left behind is stale once released: the next run takes it over
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the operating system releases the lock when the process ends
        }
    }

    /** The identity of the file {@code file} names (inode), or null when there is none. */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

}
