package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run per folder: while a run writes a folder ({@code train}, {@code train --resume}), a second run into it gets
 * one line naming the holder (exit 1) and writes nothing; the lock file of a killed run does not block the next.
 */
class RunLockTest {
    private static final String PID = "pid " + ProcessHandle.current().pid() + ", started ";

    private static PolyheadTest.Result train(Path out) {
        return PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED, "--epochs", "1",
                "--limit", "64", "--out", out.toString(), "--quiet");
    }

    private static void assertHeldBy(PolyheadTest.Result r, Path dir, String holder) {
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("error: " + dir + ": another run is writing this run folder (" + holder),
                r.err());
    }

    /** A run of this process holds the folder (as a second thread's run would): train and --resume are refused. */
    @Test
    void aSecondRunIntoAHeldFolderIsOneLineNamingTheHolder(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        try (RunLock held = RunLock.acquire(dir)) {
            assertHeldBy(train(dir), dir, PID);
            assertHeldBy(PolyheadTest.run("train", "--resume", dir.toString(), "--quiet"), dir, PID);
            try (var files = Files.list(dir)) {
                assertEquals(List.of(RunLock.FILE), files.map(p -> p.getFileName().toString()).toList(),
                        "the refused runs wrote nothing");
            }
        }
        assertFalse(Files.exists(dir.resolve(RunLock.FILE)), "released and deleted");
        PolyheadTest.Result r = train(dir);
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve(RunLock.FILE)), "a finished run leaves no lock file");
    }

    /**
     * A training in another process holds its folder: a second training into it, and a resume of it, are refused
     * naming that process; killed, it leaves a lock file that is not held, and the folder can be locked again.
     */
    @Test
    void aRunInAnotherProcessIsNamedAndItsKilledLockDoesNotBlock(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-cp", cp, Polyhead.class.getName(),
                "train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED, "--epochs", "100000", "--limit", "64",
                "--out", dir.toString(), "--quiet").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String holder = "pid " + p.pid() + ", started ";
        try {
            Path lockFile = dir.resolve(RunLock.FILE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(dir.resolve(RunFolder.SPEC)) && Files.exists(lockFile)
                    && Files.readString(lockFile).startsWith(holder))) {
                assertTrue(p.isAlive(), "the first training ended early");
                assertTrue(System.nanoTime() < deadline, "the first training did not lock its folder in time");
                Thread.sleep(50);
            }
            assertHeldBy(train(dir), dir, holder);
            assertHeldBy(PolyheadTest.run("train", "--resume", dir.toString(), "--quiet"), dir, holder);
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertTrue(Files.readString(dir.resolve(RunLock.FILE)).startsWith(holder), "a killed run leaves its file");
        try (RunLock taken = RunLock.tryAcquire(dir)) {
            assertNotNull(taken, "the stale lock file is taken over");
        }
    }

    /** A lock file that no process holds (left by a killed run) does not keep a new run out of an empty folder. */
    @Test
    void aStaleLockFileDoesNotBlockANewRun(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve(RunLock.FILE), "pid 999999999, started 2026-01-01T00:00:00Z");
        PolyheadTest.Result r = train(dir);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve(RunFolder.SPEC)));
        assertFalse(Files.exists(dir.resolve(RunLock.FILE)));
    }
}
