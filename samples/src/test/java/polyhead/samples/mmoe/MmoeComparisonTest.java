package polyhead.samples.mmoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class MmoeComparisonTest {
    /** Three models at two correlations, a few epochs on small samples: R² above 0 (the mean predictor) everywhere. */
    @Test
    void everyModelBeatsTheMeanPredictorAtEveryCorrelation() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<MmoeComparison.Cell> cells = MmoeComparison.run(new MmoeComparison.Cli().parse(
                new String[] {"--rhos", "0.5,1", "--train-size", "1000", "--test-size", "300", "--epochs", "3",
                        "--lr", "0.01", "--repeats", "2", "--seed", "9"}),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(6, cells.size());
        for (MmoeComparison.Cell c : cells) {
            assertTrue(c.meanR2() > 0.2, c.toString());
            c.mean().values().forEach(v -> assertTrue(Double.isFinite(v), c.toString()));
            assertTrue(Double.isFinite(c.r2StdDev()), c.toString());
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("seeds 9..10") && out.contains("this run: "), out);
    }

    /**
     * The label correlation table: one value per generator in [-1, 1], increasing in rho on average, near 0 at
     * rho = 0 (the two linear parts are then independent, and so are the labels, up to sampling noise).
     */
    @Test
    void labelCorrelationsGrowWithRhoAndVanishAtZero() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double[][] c = MmoeComparison.labelCorrelations(new MmoeComparison.Cli().parse("--label-correlations",
                "--rhos", "0,0.5,0.9", "--repeats", "4", "--train-size", "5000"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        double previous = -2;
        for (double[] perGenerator : c) {
            double mean = Arrays.stream(perGenerator).average().orElseThrow();
            assertTrue(mean > previous, Arrays.deepToString(c));
            previous = mean;
        }
        for (double r : c[0]) {
            assertTrue(Math.abs(r) < 0.1, "rho 0: " + r);
        }
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("label correlation mean"));
    }

    /** Sign-test p-values by hand: 10 of 10 positive = 2/1024; 8 of 10 = 2·(1 + 10 + 45)/1024; 5 of 10 = 1. */
    @Test
    void signTestByHand() {
        assertEquals(2.0 / 1024, MmoeComparison.signTest(10, 10), 1e-15);
        assertEquals(2.0 / 1024, MmoeComparison.signTest(0, 10), 1e-15);
        assertEquals(2.0 * 56 / 1024, MmoeComparison.signTest(8, 10), 1e-15);
        assertEquals(1.0, MmoeComparison.signTest(5, 10), 1e-15);
        assertEquals(1.0, MmoeComparison.signTest(0, 0), 0);
    }

    @Test
    void correlationsOutsideTheRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MmoeComparison.Cli().parse(new String[] {"--rhos", "0.5,1.5"}));
        assertEquals("option --rhos: task correlation must be in [-1, 1], got 1.5", e.getMessage());
    }
}
