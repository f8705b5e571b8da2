package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.CheckpointStore;
import polyhead.io.Safetensors;
import polyhead.mtl.arch.HardSharing;
import polyhead.tensor.Gemms;
import polyhead.tensor.Tensor;

/**
 * Kills a real training process ({@link TrainingRunMain}: Trainer, checkpoints every epoch and every 3 steps, resume
 * from the latest) at random moments, at least 20 times in about 20 seconds; after each kill the latest checkpoint
 * must load and be at most 3 steps behind the process, and the next process must resume from it. Most kills land
 * inside an epoch, so most resumes start mid-epoch. Finally a process runs to the end, and its weights must equal,
 * bit for bit, those of the same training run uninterrupted in this JVM.
 */
class TrainingKillTest {
    private static final int KILLS = 20;
    private static final int EPOCHS = 40;
    private static final int STEPS_PER_EPOCH = 8;

    @TempDir
    Path dir;

    @Test
    void killedAndResumedTrainingEndsWithTheUninterruptedWeights() throws Exception {
        Path store = dir.resolve("store");
        Path out = dir.resolve("final.safetensors");
        Random rng = new Random(7);
        long start = System.nanoTime();
        long lastStep = 0;
        int kills = 0;
        int midEpoch = 0;
        while (kills < KILLS) {
            // ~25 s on an idle machine; the bound only guards against a hang (a JVM start per kill is slow under load)
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(240)) {
                fail("only " + kills + " kills in 240 s");
            }
            Process p = child(store, out);
            AtomicLong reported = new AtomicLong(-1);
            drain(p, reported);
            long wait = System.nanoTime();
            // "step n" is printed before step n's checkpoint is saved: once n + 1 is printed, n is on disk; wait for
            // a checkpoint newer than the one resumed from, then a random few steps more
            int every = TrainingRunMain.EVERY_STEPS;
            long target = lastStep + every + 1 + rng.nextInt(2 * every);
            while (reported.get() < target && p.isAlive()
                    && System.nanoTime() - wait < TimeUnit.SECONDS.toNanos(20)) {
                Thread.sleep(1);
            }
            if (!p.isAlive()) {
                fail("the training process ended on its own (exit " + p.exitValue() + ") after step " + reported.get());
            }
            assertTrue(reported.get() > lastStep, "resumed after step " + lastStep + " but reported " + reported.get());
            // then a random moment within the next steps: inside a step, or inside a save
            Thread.sleep(rng.nextInt(4));
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            kills++;
            CheckpointStore s = TrainingRunMain.store(store);
            CheckpointStore.Loaded latest = s.latest().orElseThrow(() -> new AssertionError("no checkpoint loads"));
            long at = latest.checkpoint().step();
            assertTrue(at >= reported.get() - every, "latest checkpoint is of step " + at
                    + ", the process had reported step " + reported.get());
            assertEquals(at, latest.checkpoint().epoch() * STEPS_PER_EPOCH + latest.checkpoint().dataPosition());
            if (latest.checkpoint().dataPosition() != 0) {
                midEpoch++;
            }
            lastStep = at;
        }
        assertTrue(midEpoch >= KILLS / 2, "only " + midEpoch + " of " + kills + " resumes started inside an epoch");
        long lastStart = System.nanoTime();
        Process last = child(store, out);
        drain(last, new AtomicLong());
        assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the last run did not finish");
        assertEquals(0, last.exitValue());
        System.out.println("training kill test: the last run took " + (System.nanoTime() - lastStart) / 1e9 + " s");

        HardSharing straight = TrainerTest.modelWithDropout(1);
        TrainingRunMain.trainer(straight, EPOCHS, null).fit(TrainerTest.points(20, false), 8, null);
        Map<String, Tensor> resumed = new TreeMap<>(Safetensors.load(out));
        Map<String, Tensor> expected = new TreeMap<>(straight.stateDict());
        assertEquals(expected.keySet(), resumed.keySet());
        expected.forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v.data(), resumed.get(k).data(), k));
        System.out.println("training kill test: " + kills + " kills (" + midEpoch + " inside an epoch, last at step "
                + lastStep + ") in "
                + (System.nanoTime() - start) / 1e9 + " s");
        assertTrue(Files.exists(out));
    }

    private static Process child(Path store, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // the same matrix-product kernel as this JVM, or the weights would differ in their last bits
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.addAll(List.of("-Dpolyhead.gemm=" + (Gemms.current().name().startsWith("vector") ? "vector" : "ejml"), "-cp", cp, TrainingRunMain.class.getName(),
                store.toString(), Integer.toString(EPOCHS), out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static void drain(Process p, AtomicLong reported) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("step ")) {
                        reported.set(Long.parseLong(line.substring(5)));
                    } else {
                        System.out.println("training process: " + line);
                    }
                }
            } catch (IOException e) {
                // killed
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
