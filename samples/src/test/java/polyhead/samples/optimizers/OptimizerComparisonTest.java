package polyhead.samples.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class OptimizerComparisonTest {
    /** Every optimizer, two epochs on 1,500 shipped images: both tasks beyond chance (0.1, and 0.4 for the group). */
    @Test
    void everyOptimizerLearnsBothTasksInOneShortEpoch() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<OptimizerComparison.Result> results = OptimizerComparison.run(new OptimizerComparison.Cli().parse(new String[] {"--data", "data/fashion-mnist", "--train-size", "1500",
                        "--epochs", "2", "--seed", "3"}), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(List.of("sgd", "momentum", "adam", "amsgrad", "adamw"),
                results.stream().map(OptimizerComparison.Result::name).toList());
        for (OptimizerComparison.Result r : results) {
            assertTrue(r.itemAccuracy() > 0.2 && r.groupAccuracy() > 0.45, r.toString());
            assertTrue(Double.isFinite(r.trainLoss()) && r.secondsPerEpoch() > 0, r.toString());
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("subset shipped with the repository") && out.contains("seed 3"), out);
        assertTrue(out.contains("optimizer  settings"), out);
    }

    @Test
    void missingDataIsAOneLineErrorAndExitCode1() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new OptimizerComparison.Cli().run(new String[] {"--data", "no/such/dir"},
                o -> OptimizerComparison.run(o, new PrintStream(out)),
                new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertEquals("error: " + java.nio.file.Path.of("no/such/dir/train-images-idx3-ubyte.gz") + ": no such file",
                err.toString(StandardCharsets.UTF_8).strip());
    }
}
