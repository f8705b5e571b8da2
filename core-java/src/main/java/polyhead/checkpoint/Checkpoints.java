package polyhead.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.io.FileFaults;
import polyhead.io.FormatException;
import polyhead.mtl.weighting.Weighting;
import polyhead.nn.Module;
import polyhead.optim.Optimizer;
import polyhead.optim.OptimizerStateDict;
import polyhead.tensor.Tensor;
import polyhead.io.Json;
import polyhead.io.Safetensors;
import polyhead.io.TextFiles;
import polyhead.io.AtomicFiles;

/**
 * Writes, verifies, reads and restores {@link Checkpoint}s. A checkpoint is one directory:
 * <pre>
 * model.safetensors      the model's state dict, F32, with __metadata__ {"format": "pt"} (loadable by PyTorch)
 * optimizer.safetensors  the optimizer's tensors (moments...), when the checkpoint has optimizer state
 * weighting.safetensors  the weighting strategy's tensors (may hold none)
 * extra.safetensors      the caller's other tensors, when there are any
 * checkpoint.json        format, formatVersion, libraryVersion, epoch, step, dataPosition, rng, counters, values,
 *                        metrics, history, spec, optimizer {formatVersion, counters, values} or null, and
 *                        files {name: {bytes, sha256}} for each file above
 * </pre>
 *
 * <p>Writing is atomic: the files go into a temporary sibling directory ({@code .<name>.tmp-<random>}), each is forced
 * to the device, {@code checkpoint.json} last, then the directory is forced and renamed to its name in one step and
 * the parent forced. A process killed at any moment leaves no directory under the name or a complete one; what it
 * may leave is a temporary directory, which readers never take for a checkpoint ({@link CheckpointStore#cleanup}
 * removes them).
 *
 * <p>Reading verifies before it parses: the format and its version (a newer one is refused with the version that
 * wrote it), every listed file's presence, size and SHA-256. Every fault is a {@link CheckpointException} naming the
 * checkpoint and the fault.
 */
public final class Checkpoints {
    /** The checkpoint format this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The Polyhead version recorded in checkpoints (checked against the build's version by a test). */
    public static final String LIBRARY_VERSION = "0.1.0-SNAPSHOT";

    static final String FORMAT = "polyhead-checkpoint";
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String WEIGHTING = "weighting.safetensors";
    public static final String EXTRA = "extra.safetensors";
    public static final String METADATA = "checkpoint.json";

    private Checkpoints() {
    }

    /** Writes {@code c} as the new directory {@code dir}, atomically; {@code dir} must not exist. */
    public static void write(Path dir, Checkpoint c) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(dir + ": already exists; a checkpoint is written once, into a new "
                    + "directory (CheckpointStore numbers them)");
        }
        Path tmp = AtomicFiles.temporarySibling(target, "tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectory(tmp);
            Map<String, Object> files = new LinkedHashMap<>();
            files.put(MODEL, writeTensors(tmp.resolve(MODEL), c.model(), Map.of("format", "pt")));
            if (c.optimizer() != null) {
                files.put(OPTIMIZER, writeTensors(tmp.resolve(OPTIMIZER), c.optimizer().tensors(), Map.of()));
            }
            files.put(WEIGHTING, writeTensors(tmp.resolve(WEIGHTING), c.weighting(), Map.of()));
            if (!c.extra().isEmpty()) {
                files.put(EXTRA, writeTensors(tmp.resolve(EXTRA), c.extra(), Map.of()));
            }
            byte[] json = Json.pretty(metadata(c, files)).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.writeNew(tmp.resolve(METADATA), ch -> {
                var out = Channels.newOutputStream(ch);
                out.write(json);
                out.flush();
            });
            AtomicFiles.forceDirectory(tmp);
            AtomicFiles.move(tmp, target);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot write the checkpoint: " + FileFaults.reason(e), e);
        } finally {
            try {
                AtomicFiles.deleteTree(tmp);
            } catch (IOException e) {
                // a leftover temporary directory is harmless: readers skip it and cleanup() removes it
            }
        }
    }

    private static Map<String, Object> writeTensors(Path file, Map<String, Tensor> tensors, Map<String, String> meta)
            throws IOException {
        MessageDigest sha = sha256();
        long[] size = new long[1];
        AtomicFiles.writeNew(file, ch -> {
            // not closed here: closing the stream would close the channel before it is forced
            DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch),
                    1 << 16), sha);
            Safetensors.writeTo(out, tensors, meta);
            out.flush();
            size[0] = ch.size();
        });
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("bytes", size[0]);
        info.put("sha256", HexFormat.of().formatHex(sha.digest()));
        return info;
    }

    private static Map<String, Object> metadata(Checkpoint c, Map<String, Object> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", FORMAT_VERSION);
        m.put("libraryVersion", LIBRARY_VERSION);
        m.put("epoch", c.epoch());
        m.put("step", c.step());
        m.put("dataPosition", c.dataPosition());
        m.put("rng", c.rng());
        m.put("counters", c.counters());
        m.put("values", doubles(c.values()));
        m.put("metrics", doubles(c.metrics()));
        List<Object> rows = new ArrayList<>();
        c.history().forEach(r -> rows.add(doubles(r)));
        m.put("history", rows);
        m.put("spec", c.spec());
        if (c.description() != null) {
            m.put("description", c.description());
        }
        if (c.optimizer() != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("formatVersion", c.optimizer().version());
            o.put("counters", c.optimizer().counters());
            o.put("values", doubles(c.optimizer().values()));
            m.put("optimizer", o);
        } else {
            m.put("optimizer", null);
        }
        m.put("files", files);
        return m;
    }

    private static Map<String, Object> doubles(Map<String, Double> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, JsonFields.encode(v)));
        return out;
    }

    // ------------------------------------------------------------------ reading

    /** What {@link #verify} found: the parsed metadata of a checkpoint whose files are all intact. */
    public record Verified(Path dir, int formatVersion, String libraryVersion, long epoch, long step,
            Map<String, Double> metrics) {
    }

    /**
     * Checks that {@code dir} holds a complete, intact checkpoint this code can read: the metadata parses, its format
     * version is not newer than {@link #FORMAT_VERSION}, and every listed file exists with the recorded size and
     * SHA-256. Reads every file once; parses no tensors.
     */
    public static Verified verify(Path dir) {
        JsonFields meta = metadata(dir);
        return verify(dir, meta);
    }

    private static Verified verify(Path dir, JsonFields meta) {
        String where = dir + "/" + METADATA;
        JsonFields files = meta.object("files");
        if (!files.has(MODEL)) {
            throw new CheckpointException(where + ": lists no " + MODEL, METADATA + " lists no " + MODEL);
        }
        for (String name : files.keys()) {
            JsonFields info = files.object(name);
            long bytes = info.nonNegative("bytes");
            String sha = info.string("sha256");
            Path f = dir.resolve(name);
            Path parent = f.toAbsolutePath().normalize().getParent();
            if (!name.equals(String.valueOf(f.getFileName()))
                    || !dir.toAbsolutePath().normalize().equals(parent)) {
                throw new CheckpointException(where + ": lists a file outside the checkpoint: '" + name + "'",
                        METADATA + " lists a file outside the checkpoint");
            }
            if (!Files.isRegularFile(f)) {
                throw new CheckpointException(dir + ": " + name + " is missing (listed in " + METADATA + ")",
                        name + " is missing");
            }
            try {
                long actual = Files.size(f);
                if (actual != bytes) {
                    throw new CheckpointException(f + ": has " + actual + " bytes, " + METADATA + " says " + bytes
                            + "; the file was changed or damaged after the checkpoint was written",
                            name + " is damaged (" + actual + " bytes, " + METADATA + " says " + bytes + ")");
                }
                String actualSha = sha256(f);
                if (!actualSha.equalsIgnoreCase(sha)) {
                    throw new CheckpointException(f + ": checksum mismatch (SHA-256 " + actualSha + ", "
                            + METADATA + " says " + sha + "); the file was changed or damaged after the "
                            + "checkpoint was written", name + " is damaged (checksum mismatch)");
                }
            } catch (IOException e) {
                throw new CheckpointException(FileFaults.reading(f, e), name + " cannot be read ("
                        + FileFaults.reason(e) + ")", e);
            }
        }
        return new Verified(dir, (int) meta.integer("formatVersion"), meta.string("libraryVersion"),
                meta.nonNegative("epoch"), meta.nonNegative("step"), meta.doubles("metrics"));
    }

    /** The metrics recorded in {@code dir}'s metadata, without verifying its files. */
    static Map<String, Double> metrics(Path dir) {
        return metadata(dir).doubles("metrics");
    }

    /** The parsed metadata of {@code dir}, with format and version checked. */
    private static JsonFields metadata(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": no checkpoint here (" + (Files.exists(dir) ? "not a directory"
                    : "no such directory") + ")");
        }
        Path file = dir.resolve(METADATA);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(dir + ": " + METADATA + " is missing", METADATA + " is missing");
        }
        String text;
        try {
            text = TextFiles.read(file);
        } catch (FormatException e) {
            // an I/O fault or text that is not UTF-8, in the words of TextFiles
            throw new CheckpointException(e.getMessage(), METADATA + " cannot be read as UTF-8 text", e);
        }
        JsonFields meta;
        try {
            meta = JsonFields.of(Json.parse(text, file.toString()), file.toString());
        } catch (CheckpointException e) {
            throw e;
        } catch (FormatException e) {
            throw new CheckpointException(e.getMessage(), METADATA + " is damaged (not valid JSON)", e);
        }
        String format = meta.string("format");
        if (!format.equals(FORMAT)) {
            throw new CheckpointException(file + ": not a Polyhead checkpoint (format '" + format + "', expected '"
                    + FORMAT + "')");
        }
        long version = meta.integer("formatVersion");
        if (version > FORMAT_VERSION) {
            throw new CheckpointException(dir + ": checkpoint format version " + version + " (written by Polyhead "
                    + meta.optionalString("libraryVersion") + ") is newer than this Polyhead " + LIBRARY_VERSION
                    + " reads (" + FORMAT_VERSION + "); load it with a newer Polyhead",
                    "written in a newer checkpoint format (" + version + ") than this Polyhead reads");
        }
        if (version < 1) {
            throw meta.fault("formatVersion", "must be >= 1, got " + version);
        }
        return meta;
    }

    /** Verifies {@code dir} (see {@link #verify}) and reads the whole checkpoint. */
    public static Checkpoint read(Path dir) {
        JsonFields meta = metadata(dir);
        verify(dir, meta);
        Map<String, Tensor> model = tensors(dir.resolve(MODEL));
        JsonFields files = meta.object("files");
        OptimizerStateDict optimizer = null;
        if (meta.has("optimizer")) {
            JsonFields o = meta.object("optimizer");
            if (!files.has(OPTIMIZER)) {
                throw new CheckpointException(dir + "/" + METADATA + ": has optimizer state but lists no "
                        + OPTIMIZER);
            }
            long v = o.integer("formatVersion");
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw o.fault("formatVersion", "must be a positive integer, got " + v);
            }
            optimizer = new OptimizerStateDict((int) v, tensors(dir.resolve(OPTIMIZER)), o.integers("counters"),
                    o.doubles("values"));
        }
        Map<String, Tensor> weighting = files.has(WEIGHTING) ? tensors(dir.resolve(WEIGHTING)) : Map.of();
        Map<String, Tensor> extra = files.has(EXTRA) ? tensors(dir.resolve(EXTRA)) : Map.of();
        List<?> rows = meta.list("history");
        List<Map<String, Double>> history = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            history.add(meta.element("history", rows, i).allDoubles());
        }
        return new Checkpoint(model, optimizer, weighting, extra, meta.nonNegative("epoch"), meta.nonNegative("step"),
                meta.nonNegative("dataPosition"), meta.integers("rng"), meta.integers("counters"),
                meta.doubles("values"), meta.doubles("metrics"), history, meta.optionalString("spec"),
                meta.optionalObject("description"));
    }

    private static Map<String, Tensor> tensors(Path file) {
        try {
            return Safetensors.load(file);
        } catch (CheckpointException e) {
            throw e;
        } catch (FormatException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ restoring

    /**
     * Reads the checkpoint in {@code dir} and restores it into {@code model} and, where not null, {@code optimizer}
     * and {@code weighting}; see {@link #restore}. Returns the checkpoint for its position and scalar state.
     */
    public static Checkpoint load(Path dir, Module model, Optimizer optimizer, Weighting weighting) {
        Checkpoint c = read(dir);
        restore(c, dir.toString(), model, optimizer, weighting);
        return c;
    }

    /**
     * Copies a checkpoint's state into {@code model} and, where not null, {@code optimizer} and {@code weighting}.
     * All or nothing: the model's names and shapes are checked first (the error lists every missing, unexpected and
     * misshapen entry with both shapes), and if the optimizer or weighting then refuses its state, everything is put
     * back as it was. {@code source} names the checkpoint in errors.
     */
    public static void restore(Checkpoint c, String source, Module model, Optimizer optimizer, Weighting weighting) {
        String misfit = StateFit.describe(c.model(), model.stateDict(), "the checkpoint", "the model");
        Checkpoint migrated = misfit == null ? null : LegacyNames.migrate(c, model.stateDict().keySet());
        if (migrated != null && StateFit.describe(migrated.model(), model.stateDict(), "", "") == null) {
            c = migrated;
            misfit = null;
        }
        if (misfit != null) {
            throw new CheckpointException(source + ": the checkpoint does not fit the model: " + misfit);
        }
        if (optimizer != null && c.optimizer() == null) {
            throw new CheckpointException(source + ": the checkpoint holds no optimizer state (weights only)");
        }
        Map<String, Tensor> modelBefore = copies(model.stateDict());
        OptimizerStateDict optimizerBefore = optimizer == null ? null : optimizer.stateDict();
        Map<String, Tensor> weightingBefore = weighting == null ? null : copies(weighting.stateDict());
        String stage = "the model";
        try {
            model.loadStateDict(c.model());
            if (optimizer != null) {
                stage = "the optimizer";
                optimizer.loadStateDict(c.optimizer());
            }
            if (weighting != null) {
                stage = "the weighting (" + weighting.name() + ")";
                weighting.loadStateDict(c.weighting());
            }
        } catch (RuntimeException e) {
            model.loadStateDict(modelBefore);
            if (optimizer != null) {
                optimizer.loadStateDict(optimizerBefore);
            }
            if (weighting != null) {
                weighting.loadStateDict(weightingBefore);
            }
            throw new CheckpointException(source + ": the checkpoint's state does not fit " + stage + ": "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    // ------------------------------------------------------------------ checksums

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
