package polyhead.checkpoint;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import polyhead.io.FileFaults;
import polyhead.io.FormatException;
import polyhead.io.AtomicFiles;

/**
 * A folder of numbered checkpoints of one run: {@code ckpt-000007-e3-s1200} is the 7th saved, at epoch 3, step 1200.
 * {@link #save} writes a new one atomically (see {@link Checkpoints}) and then deletes all but the last
 * {@code keepLast} and the best by a monitored metric. {@link #latest()} loads the newest checkpoint that verifies,
 * skipping damaged ones, and {@link #scan()} reports everything it skipped: damaged checkpoints and the temporary
 * directories a killed save leaves behind.
 *
 * <p>One writer per folder: {@link #cleanup()} removes temporary directories, which would break a save running in
 * another process at the same time.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{6,})-e(\\d+)-s(\\d+)");
    private static final String TRASH = ".trash-";

    /** Which way the monitored metric improves. */
    public enum Mode { MIN, MAX }

    private final Path root;
    private final int keepLast;
    private final String monitor;
    private final Mode mode;

    /** A store keeping the last {@code keepLast} checkpoints. */
    public CheckpointStore(Path root, int keepLast) {
        this(root, keepLast, null, Mode.MIN);
    }

    /**
     * A store keeping the last {@code keepLast} checkpoints and the best by {@code monitor} (a key of
     * {@link Checkpoint#metrics()}), the lowest for {@link Mode#MIN}, the highest for {@link Mode#MAX}; NaN never
     * counts as best, and among equal values the earliest stays best.
     */
    public CheckpointStore(Path root, int keepLast, String monitor, Mode mode) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("a checkpoint store keeps at least the last checkpoint, got keepLast "
                    + keepLast);
        }
        this.root = Objects.requireNonNull(root, "root");
        this.keepLast = keepLast;
        this.monitor = monitor;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public Path root() {
        return root;
    }

    /** A checkpoint directory of this store, as listed (not yet verified). */
    public record Entry(Path dir, long sequence, long epoch, long step) {
    }

    /**
     * A directory that is not a usable checkpoint, and why: for a damaged checkpoint the fault in plain words without
     * the checkpoint's path ({@code model.safetensors is damaged (checksum mismatch)}, see
     * {@link CheckpointException#reason()}), so that a caller can print one line naming both.
     */
    public record Skipped(Path path, String reason) {
    }

    /**
     * A checkpoint read from the store, with where it came from, and the newer checkpoints that were skipped because
     * they did not verify, newest first (empty unless something damaged them after they were written). A caller that
     * loads "the latest" for a user says what was skipped: a silent fall-back to an older checkpoint would evaluate
     * or resume other weights than the user believes.
     */
    public record Loaded(Path dir, Checkpoint checkpoint, List<Skipped> skipped) {
        public Loaded {
            skipped = List.copyOf(skipped);
        }
    }

    /** The checkpoint directories by sequence number, oldest first, and the leftovers of interrupted saves. */
    public record Scan(List<Entry> checkpoints, List<Skipped> leftovers) {
    }

    /** Lists the store without reading any checkpoint. */
    public Scan scan() {
        List<Entry> entries = new ArrayList<>();
        List<Skipped> leftovers = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Scan(entries, leftovers);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (m.matches() && Files.isDirectory(p)) {
                    entries.add(new Entry(p, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                            Long.parseLong(m.group(3))));
                } else if (name.startsWith(".ckpt-") && name.contains(".tmp-")) {
                    leftovers.add(new Skipped(p, "temporary directory of an interrupted save"));
                } else if (name.startsWith(TRASH)) {
                    leftovers.add(new Skipped(p, "checkpoint whose deletion was interrupted"));
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(root + ": cannot list the checkpoint store: " + FileFaults.reason(e), e);
        }
        entries.sort(Comparator.comparingLong(Entry::sequence));
        return new Scan(entries, leftovers);
    }

    /**
     * Saves {@code c} as the next checkpoint, then deletes those no longer kept. Returns its directory. A checkpoint
     * whose metadata cannot be read is never counted as best, and is deleted once it is not among the last
     * {@code keepLast}.
     */
    public Path save(Checkpoint c) {
        Scan s = scan();
        long next = s.checkpoints().isEmpty() ? 1 : s.checkpoints().get(s.checkpoints().size() - 1).sequence() + 1;
        Path dir = root.resolve(String.format("ckpt-%06d-e%d-s%d", next, c.epoch(), c.step()));
        Checkpoints.write(dir, c);
        prune();
        return dir;
    }

    private void prune() {
        List<Entry> all = scan().checkpoints();
        Entry best = best(all);
        for (int i = 0; i < all.size() - keepLast; i++) {
            Entry e = all.get(i);
            if (e != best) {
                delete(e.dir());
            }
        }
    }

    /** Deletes a checkpoint by first renaming it out of the numbered names, so that no half-deleted one is listed. */
    private void delete(Path dir) {
        Path trash = root.resolve(TRASH + dir.getFileName() + "-" + Long.toHexString(System.nanoTime()));
        try {
            AtomicFiles.move(dir, trash);
            AtomicFiles.deleteTree(trash);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot delete an old checkpoint: " + FileFaults.reason(e), e);
        }
    }

    /**
     * The best entry by the monitor among those whose metadata reads (checksums are not checked here: that is for
     * loading), or null without a monitor or a value.
     */
    private Entry best(List<Entry> entries) {
        if (monitor == null) {
            return null;
        }
        Entry best = null;
        double bestValue = Double.NaN;
        for (Entry e : entries) {
            Double v;
            try {
                v = Checkpoints.metrics(e.dir()).get(monitor);
            } catch (FormatException damaged) {
                continue;
            }
            if (v == null || v.isNaN()) {
                continue;
            }
            if (best == null || (mode == Mode.MIN ? v < bestValue : v > bestValue)) {
                best = e;
                bestValue = v;
            }
        }
        return best;
    }

    /**
     * The newest checkpoint that verifies and reads, with the newer ones it skipped ({@link Loaded#skipped()}); empty
     * when the store holds no checkpoint or none reads ({@link #damaged()} then says why each does not).
     */
    public Optional<Loaded> latest() {
        List<Entry> all = scan().checkpoints();
        List<Skipped> skipped = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(new Loaded(all.get(i).dir(), Checkpoints.read(all.get(i).dir()), skipped));
            } catch (FormatException damaged) {
                // an older one may still be good
                skipped.add(new Skipped(all.get(i).dir(), reason(all.get(i).dir(), damaged)));
            }
        }
        return Optional.empty();
    }

    /** The best checkpoint by the monitor (empty without a monitor or when none has a value). */
    public Optional<Loaded> best() {
        Entry b = best(scan().checkpoints());
        return b == null ? Optional.empty() : Optional.of(new Loaded(b.dir(), Checkpoints.read(b.dir()), List.of()));
    }

    /** Every checkpoint directory that fails verification, with the reason, oldest first. */
    public List<Skipped> damaged() {
        List<Skipped> out = new ArrayList<>();
        for (Entry e : scan().checkpoints()) {
            try {
                Checkpoints.verify(e.dir());
            } catch (FormatException d) {
                out.add(new Skipped(e.dir(), reason(e.dir(), d)));
            }
        }
        return out;
    }

    /** The fault of checkpoint {@code dir} in plain words, without the checkpoint's path. */
    private static String reason(Path dir, FormatException fault) {
        String r = fault instanceof CheckpointException c ? c.reason() : fault.getMessage();
        for (String prefix : List.of(dir + "/", dir + ": ")) {
            if (r.startsWith(prefix)) {
                return r.substring(prefix.length());
            }
        }
        return r;
    }

    /** Removes the leftovers of interrupted saves and deletions; returns what it removed. */
    public List<Skipped> cleanup() {
        List<Skipped> left = scan().leftovers();
        for (Skipped s : left) {
            try {
                AtomicFiles.deleteTree(s.path());
            } catch (IOException e) {
                throw new CheckpointException(s.path() + ": cannot remove: " + FileFaults.reason(e), e);
            }
        }
        return left;
    }
}
