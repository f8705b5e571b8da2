package polyhead.samples.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The weighting-cost sample in a short form: every strategy is measured and printed; its timings are not asserted. */
class WeightingCostTest {
    @Test
    void everyStrategyAndGradientSourceIsMeasured() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, Double> ms = WeightingCost.run(new WeightingCost.Cli().parse("--reps", "1", "--steps", "2"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(21, ms.size(), ms.toString());
        assertTrue(ms.containsKey("equal/parameters") && ms.containsKey("mgda/representation")
                && ms.containsKey("mgda/parameters, per task"), ms.toString());
        ms.values().forEach(v -> assertTrue(v > 0 && Double.isFinite(v), ms.toString()));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("W1 batch 128, 2 tasks, 2 steps per measurement, median of 1"), out);
        assertTrue(out.contains("gradnorm      representation"), out);
    }

    @Test
    void fourTasks() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, Double> ms = WeightingCost.run(new WeightingCost.Cli().parse("--reps", "1", "--steps", "1",
                "--tasks", "4"), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(21, ms.size(), ms.toString());
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("W1 batch 128, 4 tasks,"));
    }

    /** {@code --only} keeps equal weighting (the base of the ratios) and the named ones; {@code --batch} is used. */
    @Test
    void onlyTheNamedWeightingsAtTheGivenBatch() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, Double> ms = WeightingCost.run(new WeightingCost.Cli().parse("--reps", "1", "--steps", "1",
                "--batch", "32", "--only", "mgda"), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(java.util.List.of("equal/parameters", "mgda/parameters", "mgda/representation",
                "mgda/parameters, per task"), java.util.List.copyOf(ms.keySet()));
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("W1 batch 32, 2 tasks,"));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertEquals("option --tasks must be 2 or 4, got 3", assertThrows(IllegalArgumentException.class,
                () -> new WeightingCost.Cli().parse("--tasks", "3")).getMessage());
        assertEquals("option --reps must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new WeightingCost.Cli().parse("--reps", "0")).getMessage());
        assertEquals("option --batch must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new WeightingCost.Cli().parse("--batch", "0")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new WeightingCost.Cli().parse("--only", "mgda,nope")).getMessage().contains("nope"));
    }
}
