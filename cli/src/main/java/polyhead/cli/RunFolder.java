package polyhead.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.dsl.spec.CheckpointSpec;
import polyhead.dsl.spec.ExperimentSpec;
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
            return new DataOptions(null, null, null, null, null, null, null, null, null);
        }
        return DataOptions.fromJson((Map<String, Object>) Json.parse(read(f), f.toString()));
    }

    /**
     * The checkpoint directory that {@code path} names: a checkpoint itself (it holds {@value Checkpoints#METADATA}),
     * or a run folder, whose latest intact checkpoint is taken.
     */
    static Path checkpoint(Path path) {
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
        try {
            return new CheckpointStore(path.resolve(CHECKPOINTS), Integer.MAX_VALUE).latest()
                    .orElseThrow(() -> UserError.of(path + ": the run folder holds no intact checkpoint")).dir();
        } catch (CheckpointException e) {
            throw UserError.of(e.getMessage());
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
