package polyhead.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Tensor;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    static Checkpoint at(long step, double loss) {
        return Checkpoint.builder(Map.of("w", Tensor.full(step, polyhead.tensor.Shape.of(3))))
                .position(step / 4, step, step % 4).metrics(Map.of("val.loss", loss)).build();
    }

    private static List<Long> steps(CheckpointStore s) {
        return s.scan().checkpoints().stream().map(CheckpointStore.Entry::step).toList();
    }

    @Test
    void keepsTheLastNAndTheBest() {
        CheckpointStore s = new CheckpointStore(dir, 2, "val.loss", CheckpointStore.Mode.MIN);
        double[] losses = {0.9, 0.5, 0.7, Double.NaN, 0.5, 0.8};
        for (int i = 0; i < losses.length; i++) {
            Path p = s.save(at(i + 1, losses[i]));
            assertEquals(String.format("ckpt-%06d-e%d-s%d", i + 1, (i + 1) / 4, i + 1), p.getFileName().toString());
        }
        // the best is step 2 (0.5; the later equal 0.5 does not displace it, NaN never counts), plus the last two
        assertEquals(List.of(2L, 5L, 6L), steps(s));
        assertEquals(2, s.best().orElseThrow().checkpoint().step());
        assertEquals(6, s.latest().orElseThrow().checkpoint().step());
        assertEquals(List.of(), s.scan().leftovers());
    }

    @Test
    void higherIsBetterWhenAsked() {
        CheckpointStore s = new CheckpointStore(dir, 1, "val.loss", CheckpointStore.Mode.MAX);
        for (int i = 0; i < 4; i++) {
            s.save(at(i + 1, new double[] {0.2, 0.9, 0.1, 0.3}[i]));
        }
        assertEquals(List.of(2L, 4L), steps(s));
    }

    @Test
    void withoutAMonitorOnlyTheLastAreKept() {
        CheckpointStore s = new CheckpointStore(dir, 3);
        for (int i = 0; i < 5; i++) {
            s.save(at(i + 1, 0.1));
        }
        assertEquals(List.of(3L, 4L, 5L), steps(s));
        assertTrue(s.best().isEmpty());
    }

    @Test
    void anEmptyOrMissingStoreHasNoCheckpoint() {
        assertTrue(new CheckpointStore(dir.resolve("none"), 1).latest().isEmpty());
        assertTrue(new CheckpointStore(dir, 1).latest().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0));
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedAndReported() throws IOException {
        CheckpointStore s = new CheckpointStore(dir, 3);
        s.save(at(1, 0));
        Path second = s.save(at(2, 0));
        Files.delete(second.resolve(Checkpoints.MODEL));
        CheckpointStore.Loaded l = s.latest().orElseThrow();
        assertEquals(1, l.checkpoint().step());
        assertEquals(List.of(new CheckpointStore.Skipped(second, "model.safetensors is missing")), l.skipped());
        assertEquals(l.skipped(), s.damaged());
    }

    /**
     * Each checkpoint skipped, newest first, with its fault in plain words and without its path, so that a caller can
     * print one line naming both; with every checkpoint damaged nothing loads and {@code damaged()} says why.
     */
    @Test
    void skippedCheckpointsSayWhatIsWrongInPlainWords() throws IOException {
        CheckpointStore s = new CheckpointStore(dir, 5);
        Path first = s.save(at(1, 0));
        Path second = s.save(at(2, 0));
        Path third = s.save(at(3, 0));
        Path fourth = s.save(at(4, 0));
        byte[] weights = Files.readAllBytes(fourth.resolve(Checkpoints.MODEL));
        weights[weights.length - 1] ^= 1; // same size, one bit flipped
        Files.write(fourth.resolve(Checkpoints.MODEL), weights);
        Files.write(third.resolve(Checkpoints.WEIGHTING), new byte[3]);
        Files.writeString(second.resolve(Checkpoints.METADATA), "{\"format\": ");
        CheckpointStore.Loaded l = s.latest().orElseThrow();
        assertEquals(first, l.dir());
        assertEquals(1, l.checkpoint().step());
        long bytes = Files.size(first.resolve(Checkpoints.WEIGHTING));
        List<CheckpointStore.Skipped> expected = List.of(
                new CheckpointStore.Skipped(fourth, "model.safetensors is damaged (checksum mismatch)"),
                new CheckpointStore.Skipped(third, "weighting.safetensors is damaged (3 bytes, checkpoint.json says "
                        + bytes + ")"),
                new CheckpointStore.Skipped(second, "checkpoint.json is damaged (not valid JSON)"));
        assertEquals(expected, l.skipped());

        Files.delete(first.resolve(Checkpoints.METADATA));
        assertTrue(s.latest().isEmpty());
        assertEquals(List.of(new CheckpointStore.Skipped(first, "checkpoint.json is missing"), expected.get(2),
                expected.get(1), expected.get(0)), s.damaged(), "oldest first");
    }

    @Test
    void leftoversOfInterruptedSavesAreListedAndCleanedUp() throws IOException {
        CheckpointStore s = new CheckpointStore(dir, 3);
        s.save(at(1, 0));
        Path torn = Files.createDirectory(dir.resolve(".ckpt-000002-e0-s2.tmp-1a2b"));
        Files.writeString(torn.resolve(Checkpoints.MODEL), "half");
        Path trash = Files.createDirectory(dir.resolve(".trash-ckpt-000000-e0-s0-99"));
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        assertEquals(List.of(1L), steps(s));
        List<CheckpointStore.Skipped> left = s.scan().leftovers();
        assertEquals(2, left.size());
        assertTrue(left.contains(new CheckpointStore.Skipped(torn, "temporary directory of an interrupted save")));
        assertTrue(left.contains(new CheckpointStore.Skipped(trash, "checkpoint whose deletion was interrupted")));
        assertEquals(2, s.cleanup().size());
        assertTrue(Files.notExists(torn) && Files.notExists(trash) && Files.exists(dir.resolve("notes.txt")));
        assertEquals(1, s.latest().orElseThrow().checkpoint().step());
        // numbering goes on after the highest number present
        assertEquals("ckpt-000002-e1-s5", s.save(at(5, 0)).getFileName().toString());
    }
}
