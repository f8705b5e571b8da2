package polyhead.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import polyhead.io.SafetensorsTest;

/**
 * Kills a process that writes checkpoints in a loop ({@link CheckpointWriterMain}) at random moments, at least 20
 * times within about 20 seconds, and after every kill checks that the store's latest checkpoint loads, verifies, is
 * consistent (every value a function of its step) and is not older than the last save the process reported; that
 * every numbered checkpoint directory verifies (no torn checkpoint under a real name); and that the next process
 * resumes from it.
 */
class CheckpointKillTest {
    private static final int KILLS = 20;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @Test
    void theLatestCheckpointAlwaysLoadsAfterAKill() throws Exception {
        Path store = dir.resolve("store");
        Random rng = new Random(42);
        long start = System.nanoTime();
        long lastReported = 0;
        int kills = 0;
        int leftoversSeen = 0;
        List<Long> resumedAt = new ArrayList<>();
        while (kills < KILLS + 5 && (kills < KILLS || System.nanoTime() - start < BUDGET_NANOS)) {
            // the kills themselves are the point; the bound only guards against a hang (slow JVM starts under load)
            if (System.nanoTime() - start > 9 * BUDGET_NANOS) {
                fail("only " + kills + " kills in " + (System.nanoTime() - start) / 1e9 + " s");
            }
            Process p = child(store);
            AtomicLong reported = new AtomicLong(-1);
            Thread reader = drain(p, reported);
            // let it resume and save at least once, then kill it anywhere in the loop
            long waitStart = System.nanoTime();
            while (reported.get() < 0 && p.isAlive() && System.nanoTime() - waitStart < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(1);
            }
            if (!p.isAlive()) {
                fail("the writer died on its own (exit " + p.exitValue() + ")");
            }
            assertTrue(reported.get() > lastReported, "the writer resumed after step " + lastReported
                    + " and saved " + reported.get());
            resumedAt.add(reported.get() - 1);
            Thread.sleep(rng.nextInt(40));
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the killed writer did not exit");
            reader.join(5000);
            kills++;
            lastReported = Math.max(lastReported, reported.get());

            CheckpointStore s = CheckpointWriterMain.store(store);
            leftoversSeen += s.scan().leftovers().size();
            assertEquals(List.of(), s.damaged(), "no numbered checkpoint may be torn");
            CheckpointStore.Loaded latest = s.latest().orElseThrow(() -> new AssertionError("no checkpoint loads"));
            assertEquals(List.of(), latest.skipped());
            Checkpoint c = latest.checkpoint();
            assertTrue(c.step() >= lastReported, "latest is step " + c.step() + ", but the writer had reported "
                    + lastReported);
            assertConsistent(c);
            lastReported = c.step();
        }
        System.out.println("checkpoint kill test: " + kills + " kills in " + (System.nanoTime() - start) / 1e9
                + " s, last step " + lastReported + ", leftovers of interrupted saves found after " + leftoversSeen
                + " kills; each writer resumed at " + resumedAt);
        assertTrue(kills >= KILLS);
    }

    /** Every value of checkpoint s is what the writer computes for s. */
    private static void assertConsistent(Checkpoint c) {
        Checkpoint e = CheckpointWriterMain.expected(c.step());
        SafetensorsTest.assertBitEqual(new java.util.TreeMap<>(e.model()), new java.util.TreeMap<>(c.model()));
        SafetensorsTest.assertBitEqual(e.optimizer().tensors(), c.optimizer().tensors());
        assertEquals(e.optimizer().counters(), c.optimizer().counters());
        assertEquals(List.of(e.epoch(), e.dataPosition()), List.of(c.epoch(), c.dataPosition()));
        assertEquals(e.rng(), c.rng());
        assertEquals(e.metrics(), c.metrics());
    }

    private static Process child(Path store) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // surefire runs tests from a manifest-only jar; the real class path is in this property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", cp,
                CheckpointWriterMain.class.getName(), store.toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** Reads the child's output in the background, recording the last step it reported saved. */
    private static Thread drain(Process p, AtomicLong reported) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("saved ")) {
                        reported.set(Long.parseLong(line.substring(6)));
                    } else {
                        System.out.println("writer: " + line);
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
