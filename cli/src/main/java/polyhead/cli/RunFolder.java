package polyhead.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.dsl.spec.CheckpointSpec;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.io.FileFaults;
import polyhead.io.Json;
import polyhead.io.TextFiles;

/**
 * A run folder as {@code train} writes it ({@code spec.json}, {@code data.json}, {@code checkpoints/}, ...), read
 * back by {@code evaluate}, {@code predict} and {@code train --resume}.
 */
final class RunFolder {
    static final String SPEC = "spec.json";
    static final String DATA = "data.json";
    static final String CHECKPOINTS = "checkpoints";

    private RunFolder() {
    }

    /** The store of a run's checkpoints, as the spec configures it (default: {@link CheckpointSpec}'s). */
    static CheckpointStore store(Path runDir, ExperimentSpec spec) {
        CheckpointSpec cs = spec.getTraining().getCheckpoints() != null ? spec.getTraining().getCheckpoints()
                : new CheckpointSpec();
        return new CheckpointStore(runDir.resolve(CHECKPOINTS), cs.getKeepLast());
    }

    /** The data options a run recorded, or none. */
    @SuppressWarnings("unchecked")
    static DataOptions data(Path runDir) {
        Path f = runDir.resolve(DATA);
        if (!Files.isRegularFile(f)) {
            return new DataOptions(null, null, null, null, null, null, null, null, null, null);
        }
        return DataOptions.fromJson((Map<String, Object>) Json.parse(read(f), f.toString()));
    }

    /**
     * The checkpoint directory that {@code path} names: a checkpoint itself (it holds {@value Checkpoints#METADATA}),
     * or a run folder, whose latest intact checkpoint is taken ({@link #latest}: a damaged newer one is named on
     * {@code err} with its fault).
     */
    static Path checkpoint(Path path, PrintStream err) {
        if (Files.isRegularFile(path.resolve(Checkpoints.METADATA))) {
            return path;
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().equals(Checkpoints.METADATA)) {
            return path.toAbsolutePath().getParent();
        }
        if (!Files.isDirectory(path.resolve(CHECKPOINTS))) {
            throw UserError.of(path + ": neither a checkpoint (no " + Checkpoints.METADATA + ") nor a run folder (no "
                    + CHECKPOINTS + "/)");
        }
        return latest(new CheckpointStore(path.resolve(CHECKPOINTS), Integer.MAX_VALUE), err)
                .orElseThrow(() -> UserError.of(path + ": the run folder holds no checkpoint yet")).dir();
    }

    /**
     * The latest intact checkpoint of {@code store}, or empty when it holds none at all. A newer checkpoint that does
     * not verify is skipped, and said so on {@code err} in one line naming it, its fault and the checkpoint used
     * instead ({@code warning: run/checkpoints/ckpt-000003-e3-s24: skipped, model.safetensors is damaged (checksum
     * mismatch); using ckpt-000002-e2-s16}): a silent fall-back would evaluate or resume other weights than the user
     * believes. When every checkpoint is damaged: a user error, one line naming the newest and its fault.
     */
    static Optional<CheckpointStore.Loaded> latest(CheckpointStore store, PrintStream err) {
        try {
            Optional<CheckpointStore.Loaded> latest = store.latest();
            if (latest.isPresent()) {
                String using = latest.get().dir().getFileName().toString();
                for (CheckpointStore.Skipped s : latest.get().skipped()) {
                    err.println("warning: " + s.path() + ": skipped, " + s.reason() + "; using " + using);
                }
                return latest;
            }
            List<CheckpointStore.Skipped> damaged = store.damaged();
            if (damaged.isEmpty()) {
                return latest;
            }
            CheckpointStore.Skipped newest = damaged.get(damaged.size() - 1);
            throw UserError.of(store.root() + ": no intact checkpoint: " + (damaged.size() == 1 ? ""
                    : "all " + damaged.size() + " are damaged; the newest, ") + newest.path().getFileName() + ": "
                    + newest.reason());
        } catch (CheckpointException e) {
            throw UserError.of(e.getMessage());
        }
    }

    /**
     * Refuses, before any training work, a run folder this process cannot write: the folder (or, while it does not
     * exist, the nearest folder above it, where it will be created) and its {@code checkpoints/}. Each is probed by
     * creating and deleting a file in it, since permissions alone do not tell: a root user ignores them, and a
     * read-only mount denies everyone. One line: {@code runs/x: the run folder cannot be written (permission
     * denied)}.
     */
    static void checkWritable(Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (!Files.exists(existing)) {
            existing = existing.getParent(); // the file system's root exists
        }
        if (!Files.isDirectory(existing)) {
            throw UserError.of(dir + ": the run folder cannot be created: " + existing + " is a file, not a folder");
        }
        probe(dir, existing);
        Path checkpoints = dir.resolve(CHECKPOINTS);
        if (Files.exists(checkpoints) && !Files.isDirectory(checkpoints)) {
            throw UserError.of(dir + ": the run's checkpoints cannot be written: " + checkpoints
                    + " is a file, not a folder");
        }
        if (Files.isDirectory(checkpoints)) {
            probe(dir, checkpoints);
        }
    }

    /** Creates and deletes a file in {@code folder}, or a user error naming the run folder {@code dir} and why. */
    private static void probe(Path dir, Path folder) {
        String where = folder.equals(dir.toAbsolutePath().normalize()) ? "" : " in " + folder;
        if (!Files.isWritable(folder)) {
            throw UserError.of(dir + ": the run folder cannot be written: permission denied" + where);
        }
        try {
            Files.delete(Files.createTempFile(folder, ".write-test-", ".tmp"));
        } catch (IOException e) {
            throw UserError.of(dir + ": the run folder cannot be written: " + FileFaults.reason(e) + where);
        }
    }

    static String read(Path f) {
        return TextFiles.read(f);
    }

    /**
     * The first difference between two JSON texts as {@code path: value here, value there}, or null if they are
     * equal as JSON values.
     */
    static String difference(String here, String there) {
        return difference("$", Json.parse(here, "spec"), Json.parse(there, "spec"));
    }

    private static String difference(String path, Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            TreeSet<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add((String) k));
            mb.keySet().forEach(k -> keys.add((String) k));
            for (String k : keys) {
                String d = difference(path + "." + k, ma.get(k), mb.get(k));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
            for (int i = 0; i < la.size(); i++) {
                String d = difference(path + "[" + i + "]", la.get(i), lb.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof Number na && b instanceof Number nb) {
            return na.doubleValue() == nb.doubleValue() ? null : path + ": " + a + " here, " + b + " in the run";
        }
        return Objects.equals(a, b) ? null : path + ": " + Json.write(a) + " here, " + Json.write(b) + " in the run";
    }
}
