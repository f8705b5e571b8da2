package polyhead.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.datasets.FashionMnist;
import polyhead.io.FormatException;

class FashionMultiTaskTest {
    private static final Path SUBSET = Path.of("data/fashion-mnist");

    @Test
    void shippedSubsetLoadsWithCoarseGroups() {
        FashionMnist.Data d = FashionMnist.load(SUBSET);
        assertFalse(d.full());
        assertEquals(10_000, d.train().size());
        assertEquals(2_000, d.test().size());
        assertEquals(784, d.train().images().shape().dim(1));
        for (int i = 0; i < 100; i++) {
            int item = (int) d.train().items().data()[i];
            assertEquals(FashionMnist.GROUP_OF_ITEM[item], (int) d.train().groups().data()[i]);
        }
        assertTrue(d.train().images().maxAbs() <= 1f);
    }

    /** One epoch on the 10,000-image subset must learn both tasks well beyond chance (0.1 and ~0.4). */
    @Test
    void oneEpochLearnsBothTasks() {
        Map<String, Double> r = FashionMultiTask.run(options("--data", SUBSET.toString(), "--epochs", "1", "--seed", "7",
                "--quiet"));
        assertTrue(r.get("item.accuracy") > 0.72, r.toString());
        assertTrue(r.get("group.accuracy") > 0.90, r.toString());
    }

    static FashionMultiTask.Options options(String... args) {
        return new FashionMultiTask.Cli().parse(args);
    }

    /** --help prints the usage and returns (the JVM goes on), without running the job. */
    @Test
    void helpPrintsTheUsageWithoutExiting() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] ran = {false};
        int code = new FashionMultiTask.Cli().run(new String[] {"--help"}, o -> ran[0] = true,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        assertFalse(ran[0]);
        String usage = out.toString(StandardCharsets.UTF_8);
        // picocli's generated usage: the synopsis lists -h first and writes an option's value as --name=VALUE
        assertTrue(usage.startsWith("usage: FashionMultiTask [-h] [--data=DIR] [--epochs=N]"), usage);
        assertTrue(usage.contains("--limit=N") && usage.contains("(default 128)"), usage);
    }

    /** The short form CI runs (samples/pom.xml): --limit caps both splits. */
    @Test
    void limitCapsTrainingAndTestImages() {
        FashionMultiTask.Options o = options("--data", SUBSET.toString(), "--limit", "300");
        assertEquals(300, o.limit());
        assertEquals(5, o.epochs());
        assertEquals(0, options().limit());
    }

    @Test
    void badOptionsAndMissingDataGiveOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options("--epochs", "x"));
        assertEquals("option --epochs: 'x' is not a whole number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> options("--bogus", "1"));
        assertEquals("unknown option --bogus (see --help)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> options("--limit", "0"));
        assertEquals("option --limit must be at least 1, got 0", e.getMessage());
        FormatException d = assertThrows(FormatException.class, () -> FashionMnist.load(Path.of("no/such/dir")));
        assertEquals(Path.of("no/such/dir/train-images-idx3-ubyte.gz") + ": no such file", d.getMessage());
    }
}
