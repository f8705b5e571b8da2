package polyhead.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.autodiff.Var;
import polyhead.mtl.weighting.Dwa;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Activation;
import polyhead.nn.BatchNorm;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizer;
import polyhead.optim.OptimizerStateDict;
import polyhead.optim.Optimizers;
import polyhead.tensor.Tensor;
import polyhead.io.Json;
import polyhead.io.Safetensors;
import polyhead.io.SafetensorsTest;

public class CheckpointTest {
    @TempDir
    Path dir;

    static Module model(long seed) {
        Random rng = new Random(seed);
        return new Sequential(new Linear(3, 5, rng), BatchNorm.oneD(5), Activation.tanh(), new Linear(5, 2, rng));
    }

    public static Optimizer optimizer(Module m) {
        return Optimizer.create(Optimizers.adamw(0.01, 0.1), m.namedParameters());
    }

    /** One deterministic training step: the mean square of the outputs on inputs drawn from {@code step}. */
    public static void step(Module m, Optimizer opt, long step) {
        opt.zeroGrad();
        Var x = Var.constant(Tensor.randn(1000 + step, 4, 3));
        Var y = m.call(x);
        y.mul(y).mean().backward();
        opt.step();
        opt.context().recordMetric(1.0 / (step + 1));
    }

    static Dwa dwaAfterTwoEpochs() {
        Dwa dwa = Weightings.dwa();
        dwa.epochEnd(0, Map.of("a", 0.9, "b", 0.7));
        dwa.epochEnd(1, Map.of("a", 0.8, "b", 0.65));
        return dwa;
    }

    static Checkpoint full(Module m, Optimizer opt, Dwa dwa) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", 0.0);
        row.put("val.loss", Double.NaN);
        row.put("neg.zero", -0.0);
        row.put("inf", Double.NEGATIVE_INFINITY);
        return Checkpoint.builder(m.stateDict()).optimizer(opt.stateDict()).weighting(dwa.stateDict())
                .extra(Map.of("earlyStopping.best/0.weight", Tensor.randn(3, 2, 2)))
                .position(2, 17, 3).rng("seed", Long.MIN_VALUE).rng("weighting", Long.MAX_VALUE)
                .counter("earlyStopping.sinceBest", 1).value("earlyStopping.best", 0.1 + 0.2)
                .value("tiny", Double.MIN_VALUE).metrics(Map.of("val.loss", 0.25)).history(List.of(row, row))
                .spec("{\"version\": 1, \"name\": \"ünïcødé\\n\"}\n").build();
    }

    static void assertSameState(Module a, Module b) {
        SafetensorsTest.assertBitEqual(a.stateDict(), b.stateDict());
    }

    @Test
    void roundTripKeepsEveryFieldExactly() {
        Module m = model(1);
        Optimizer opt = optimizer(m);
        for (int s = 0; s < 3; s++) {
            step(m, opt, s);
        }
        Checkpoint c = full(m, opt, dwaAfterTwoEpochs());
        Path d = dir.resolve("ckpt");
        Checkpoints.write(d, c);
        Checkpoint r = Checkpoints.read(d);
        SafetensorsTest.assertBitEqual(c.model(), r.model());
        SafetensorsTest.assertBitEqual(c.weighting(), r.weighting());
        SafetensorsTest.assertBitEqual(c.extra(), r.extra());
        SafetensorsTest.assertBitEqual(c.optimizer().tensors(), r.optimizer().tensors());
        assertEquals(c.optimizer().counters(), r.optimizer().counters());
        assertEquals(c.optimizer().values(), r.optimizer().values());
        assertEquals(c.optimizer().version(), r.optimizer().version());
        assertEquals(List.of(c.epoch(), c.step(), c.dataPosition()), List.of(r.epoch(), r.step(), r.dataPosition()));
        assertEquals(c.rng(), r.rng());
        assertEquals(c.counters(), r.counters());
        assertEquals(c.values(), r.values()); // Double.equals compares bits: NaN, -0.0 and ulps all count
        assertEquals(c.metrics(), r.metrics());
        assertEquals(c.history(), r.history());
        assertEquals(c.spec(), r.spec());
        assertEquals(List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.WEIGHTING, Checkpoints.EXTRA,
                Checkpoints.METADATA), List.of(d.resolve(Checkpoints.MODEL), d.resolve(Checkpoints.OPTIMIZER),
                        d.resolve(Checkpoints.WEIGHTING), d.resolve(Checkpoints.EXTRA),
                        d.resolve(Checkpoints.METADATA)).stream()
                        .filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList());
        assertEquals(Map.of("format", "pt"), Safetensors.read(d.resolve(Checkpoints.MODEL)).metadata());
    }

    @Test
    void aWeightsOnlyCheckpointHasNoOptimizerFile() {
        Module m = model(1);
        Path d = dir.resolve("w");
        Checkpoints.write(d, Checkpoint.builder(m.stateDict()).build());
        Checkpoint r = Checkpoints.read(d);
        assertNull(r.optimizer());
        assertNull(r.spec());
        assertTrue(r.weighting().isEmpty());
        assertTrue(r.extra().isEmpty());
        assertTrue(Files.notExists(d.resolve(Checkpoints.EXTRA)));
        assertTrue(Files.notExists(d.resolve(Checkpoints.OPTIMIZER)));
        Module other = model(2);
        Checkpoints.restore(r, d.toString(), other, null, null);
        assertSameState(m, other);
        String msg = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(r, "w", other, optimizer(other), null)).getMessage();
        assertEquals("w: the checkpoint holds no optimizer state (weights only)", msg);
    }

    @Test
    void resumingFromACheckpointEqualsTrainingOnBitForBit() {
        Module straight = model(7);
        Optimizer straightOpt = optimizer(straight);
        for (int s = 0; s < 10; s++) {
            step(straight, straightOpt, s);
        }

        Module first = model(7);
        Optimizer firstOpt = optimizer(first);
        for (int s = 0; s < 5; s++) {
            step(first, firstOpt, s);
        }
        Path d = dir.resolve("half");
        Checkpoints.write(d, Checkpoint.builder(first.stateDict()).optimizer(firstOpt.stateDict())
                .position(0, 5, 5).build());

        Module resumed = model(99); // different initial weights: all must come from the checkpoint
        Optimizer resumedOpt = optimizer(resumed);
        Checkpoint c = Checkpoints.load(d, resumed, resumedOpt, null);
        for (long s = c.step(); s < 10; s++) {
            step(resumed, resumedOpt, s);
        }
        assertSameState(straight, resumed);
        assertEquals(straightOpt.stepCount(), resumedOpt.stepCount());
        SafetensorsTest.assertBitEqual(straightOpt.stateDict().tensors(), resumedOpt.stateDict().tensors());
    }

    @Test
    void weightingStateIsRestored() {
        Module m = model(1);
        Dwa dwa = dwaAfterTwoEpochs();
        Path d = dir.resolve("dwa");
        Checkpoints.write(d, Checkpoint.builder(m.stateDict()).weighting(dwa.stateDict()).build());
        Dwa fresh = Weightings.dwa();
        Checkpoints.load(d, model(2), null, fresh);
        SafetensorsTest.assertBitEqual(dwa.stateDict(), fresh.stateDict());
    }

    @Test
    void writingIsAtomicAndNeverOverwrites() throws IOException {
        Path d = dir.resolve("c");
        Checkpoints.write(d, Checkpoint.builder(model(1).stateDict()).build());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(d), s.toList(), "no temporary directory is left");
        }
        String msg = assertThrows(CheckpointException.class,
                () -> Checkpoints.write(d, Checkpoint.builder(model(1).stateDict()).build())).getMessage();
        assertEquals(d + ": already exists; a checkpoint is written once, into a new directory (CheckpointStore "
                + "numbers them)", msg);
    }

    // ------------------------------------------------------------------ faults

    private Path saved() {
        Module m = model(1);
        Optimizer opt = optimizer(m);
        step(m, opt, 0);
        Path d = dir.resolve("ckpt");
        Checkpoints.write(d, full(m, opt, dwaAfterTwoEpochs()));
        return d;
    }

    private static String readFault(Path d) {
        return assertThrows(CheckpointException.class, () -> Checkpoints.read(d)).getMessage();
    }

    private static void editMetadata(Path d, String regex, String replacement) throws IOException {
        Path f = d.resolve(Checkpoints.METADATA);
        String text = Files.readString(f);
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex);
        Files.writeString(f, m.replaceFirst(replacement));
    }

    @Test
    void missingThings() throws IOException {
        Path none = dir.resolve("none");
        assertEquals(none + ": no checkpoint here (no such directory)", readFault(none));
        Path d = saved();
        Files.delete(d.resolve(Checkpoints.OPTIMIZER));
        assertEquals(d + ": optimizer.safetensors is missing (listed in checkpoint.json)", readFault(d));
        Files.delete(d.resolve(Checkpoints.METADATA));
        assertEquals(d + ": checkpoint.json is missing", readFault(d));
    }

    @Test
    void damagedFiles() throws IOException {
        Path d = saved();
        Path model = d.resolve(Checkpoints.MODEL);
        byte[] bytes = Files.readAllBytes(model);
        String sha = Checkpoints.sha256(model);
        bytes[bytes.length - 1] ^= 1;
        Files.write(model, bytes);
        String msg = readFault(d);
        assertEquals(model + ": checksum mismatch (SHA-256 " + Checkpoints.sha256(model) + ", checkpoint.json says "
                + sha + "); the file was changed or damaged after the checkpoint was written", msg);
        Files.write(model, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(model + ": has " + (bytes.length + 3) + " bytes, checkpoint.json says " + bytes.length
                + "; the file was changed or damaged after the checkpoint was written", readFault(d));
    }

    @Test
    void malformedOrForeignMetadata() throws IOException {
        Path d = saved();
        Path meta = d.resolve(Checkpoints.METADATA);
        String text = Files.readString(meta);
        Files.writeString(meta, text.substring(0, 40));
        assertEquals(meta + ": malformed JSON at offset 40 (line 3, column 4): unexpected end of input inside a string",
                readFault(d));
        // the metadata's text as any text file the tool reads: a byte-order mark is fine, other encodings named
        Files.write(meta, ("\uFEFF" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(17, Checkpoints.verify(d).step());
        Files.write(meta, text.getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertEquals(meta + ": the file is UTF-16 text; save it as UTF-8", readFault(d));
        byte[] latin1 = text.replace("\"format\"", "\"f\u00f6rmat\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(meta, latin1);
        assertEquals(meta + ": byte 0xF6 at offset " + (text.indexOf("\"format\"") + 2) + " (line 2) is not UTF-8; save "
                + "the file as UTF-8 (it may be in Latin-1 or Windows-1252)", readFault(d));
        Files.writeString(meta, text.replace("\"polyhead-checkpoint\"", "\"something-else\""));
        assertEquals(meta + ": not a Polyhead checkpoint (format 'something-else', expected 'polyhead-checkpoint')",
                readFault(d));
        Files.writeString(meta, text.replace("\"step\": 17", "\"step\": \"17\""));
        assertEquals(meta + ": field 'step' must be an integer, got \"17\"", readFault(d));
        Files.writeString(meta, text.replace("\"weighting.safetensors\": {", "\"../weighting.safetensors\": {"));
        assertEquals(meta + ": lists a file outside the checkpoint: '../weighting.safetensors'", readFault(d));
        Files.writeString(meta, text.replace("\"formatVersion\": 1,\n  \"libraryVersion\"",
                "\"formatVersion\": 1,\n  \"libraryVersionX\""));
        assertEquals(meta + ": field 'libraryVersion' is missing", assertThrows(CheckpointException.class,
                () -> Checkpoints.verify(d)).getMessage());
    }

    @Test
    void aNewerFormatIsRefusedNamingBothVersions() throws IOException {
        Path d = saved();
        editMetadata(d, "\"formatVersion\": 1,\n  \"libraryVersion\": \"[^\"]*\"",
                "\"formatVersion\": 2,\n  \"libraryVersion\": \"9.0.0\"");
        assertEquals(d + ": checkpoint format version 2 (written by Polyhead 9.0.0) is newer than this Polyhead "
                + Checkpoints.LIBRARY_VERSION + " reads (1); load it with a newer Polyhead", readFault(d));
    }

    @Test
    void aModelThatDoesNotFitIsNamedWithBothShapes() {
        Path d = saved();
        Random rng = new Random(3);
        Module other = new Sequential(new Linear(3, 5, rng), BatchNorm.oneD(5), Activation.tanh(),
                new Linear(5, 3, rng), new Linear(3, 1, rng));
        Map<String, Tensor> before = SafetensorsTest.copyOf(other.stateDict());
        String msg = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(d, other, null, null)).getMessage();
        assertEquals(d + ": the checkpoint does not fit the model: missing from the checkpoint: '4.weight' [1, 3], "
                + "'4.bias' [1]; '3.weight' is [2, 5] in the checkpoint but [3, 5] in the model, '3.bias' is [2] in "
                + "the checkpoint but [3] in the model", msg);
        SafetensorsTest.assertBitEqual(before, other.stateDict());
    }

    @Test
    void anOptimizerThatRefusesItsStateLeavesEverythingAsItWas() {
        Path d = saved();
        Module m = model(5);
        Optimizer sgd = Optimizer.create(Optimizers.sgd(0.1, 0.9), m.namedParameters());
        Map<String, Tensor> before = SafetensorsTest.copyOf(m.stateDict());
        OptimizerStateDict sgdBefore = sgd.stateDict();
        String msg = assertThrows(CheckpointException.class, () -> Checkpoints.load(d, m, sgd, null)).getMessage();
        assertTrue(msg.startsWith(d + ": the checkpoint's state does not fit the optimizer: "), msg);
        SafetensorsTest.assertBitEqual(before, m.stateDict());
        SafetensorsTest.assertBitEqual(sgdBefore.tensors(), sgd.stateDict().tensors());
    }

    @Test
    void aWeightingThatRefusesItsStateLeavesEverythingAsItWas() {
        Path d = saved();
        Module m = model(5);
        Map<String, Tensor> before = SafetensorsTest.copyOf(m.stateDict());
        String msg = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(d, m, null, Weightings.equal())).getMessage();
        assertTrue(msg.startsWith(d + ": the checkpoint's state does not fit the weighting ("), msg);
        SafetensorsTest.assertBitEqual(before, m.stateDict());
    }

    @Test
    void theRecordedLibraryVersionIsTheBuildsVersion() throws IOException {
        String pom = Files.readString(Path.of("../pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<artifactId>polyhead-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(m.find());
        assertEquals(m.group(1), Checkpoints.LIBRARY_VERSION);
        Path d = saved();
        assertEquals(Checkpoints.LIBRARY_VERSION, Checkpoints.verify(d).libraryVersion());
    }

    @Test
    void theMetadataIsReadableJson() throws IOException {
        Path d = saved();
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) Json.parse(
                Files.readString(d.resolve(Checkpoints.METADATA)), Checkpoints.METADATA);
        assertEquals(List.of("format", "formatVersion", "libraryVersion", "epoch", "step", "dataPosition", "rng",
                "counters", "values", "metrics", "history", "spec", "optimizer", "files"),
                List.copyOf(meta.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> files = (Map<String, Map<String, Object>>) meta.get("files");
        assertEquals(List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.WEIGHTING, Checkpoints.EXTRA),
                List.copyOf(files.keySet()));
        assertEquals(Checkpoints.sha256(d.resolve(Checkpoints.MODEL)), files.get(Checkpoints.MODEL).get("sha256"));
        assertArrayEquals(new Object[] {"NaN", "-Infinity"}, new Object[] {
            ((Map<?, ?>) ((List<?>) meta.get("history")).get(0)).get("val.loss"),
            ((Map<?, ?>) ((List<?>) meta.get("history")).get(0)).get("inf")});
    }
}
