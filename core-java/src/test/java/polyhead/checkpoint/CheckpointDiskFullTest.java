package polyhead.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.Test;

import polyhead.io.AtomicFiles;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * A disk that fills up while checkpoints are written (an in-memory file system with a size limit, so no root, mount
 * or real disk is needed): the save that does not fit fails in one line, every earlier checkpoint still verifies and
 * stays the latest, nothing half-written carries a checkpoint's name, and once space is free again the next save
 * works and the leftover of the failed one is cleaned up.
 */
class CheckpointDiskFullTest {
    /** A checkpoint of about 64 KB of weights, the values a function of its step. */
    private static Checkpoint at(long step) {
        return Checkpoint.builder(Map.of("w", Tensor.full(step, Shape.of(16_384))))
                .position(step, step, 0).metrics(Map.of("val.loss", 1.0 / step)).build();
    }

    @Test
    void aFullDiskKeepsEveryEarlierCheckpointIntact() throws IOException {
        // room for a few checkpoints of ~64 KB, not for all the store wants to keep (keepLast 10)
        Configuration config = Configuration.unix().toBuilder().setMaxSize(300_000).setBlockSize(4096).build();
        try (FileSystem fs = Jimfs.newFileSystem(config)) {
            Path root = fs.getPath("/run/checkpoints");
            CheckpointStore store = new CheckpointStore(root, 10);
            long saved = 0;
            CheckpointException full = null;
            for (long step = 1; step <= 20 && full == null; step++) {
                try {
                    store.save(at(step));
                    saved = step;
                } catch (CheckpointException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the disk never filled up");
            assertTrue(saved >= 2, "too small a disk for the test: " + saved + " checkpoints fit");
            String message = full.getMessage();
            assertFalse(message.contains("\n"), message);
            assertTrue(message.contains("/run/checkpoints"), "the fault names the store: " + message);
            assertFalse(message.matches(".*(java\\.|Exception).*"), "no Java names: " + message);

            // every checkpoint under a real name verifies; the newest is the last save that returned
            List<CheckpointStore.Entry> entries = store.scan().checkpoints();
            assertEquals(saved, entries.size());
            for (CheckpointStore.Entry e : entries) {
                Checkpoints.verify(e.dir());
            }
            CheckpointStore.Loaded latest = store.latest().orElseThrow();
            assertEquals(saved, latest.checkpoint().step());
            assertEquals(List.of(), latest.skipped());
            assertEquals((float) saved, latest.checkpoint().model().get("w").get(0));
            assertEquals(List.of(), store.damaged());

            // free space (the user deletes something else), and the run goes on: the next save works, and what the
            // failed save left behind is not listed as a checkpoint and is gone after cleanup
            try (Stream<Path> all = Files.list(root)) {
                assertTrue(all.allMatch(p -> entries.stream().anyMatch(e -> e.dir().equals(p))
                        || store.scan().leftovers().stream().anyMatch(l -> l.path().equals(p))),
                        "every file in the store is a checkpoint or a listed leftover");
            }
            AtomicFiles.deleteTree(entries.get(0).dir());
            store.cleanup();
            assertEquals(List.of(), store.scan().leftovers());
            store.save(at(saved + 1));
            assertEquals(saved + 1, store.latest().orElseThrow().checkpoint().step());
        }
    }
}
