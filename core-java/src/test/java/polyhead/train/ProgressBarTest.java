package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The progress line fits the terminal, shows an ETA, and leaves validation metrics to the epoch's summary. */
class ProgressBarTest {
    private static final long MS = 1_000_000L;

    /** Every redrawn line and every summary line fits in the terminal's width minus one column, never wrapping. */
    @ParameterizedTest
    @ValueSource(ints = {40, 80, 200})
    void linesFitTheTerminal(int columns) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, true, columns,
                clock::get, false);
        bar.fitStarted(3, 400);
        bar.epochStarted(0);
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("item", 2.302585);
        losses.put("a_rather_long_task_name", 0.123456);
        losses.put("group", 1.6);
        for (int s = 0; s < 400; s++) {
            clock.addAndGet(25 * MS);
            bar.stepEnded(0, s, losses, 128);
        }
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("train.loss", 1.0);
        for (String t : List.of("item", "a_rather_long_task_name", "group")) {
            row.put("val." + t + ".loss", 0.5);
            row.put("val." + t + ".accuracy", 0.875);
            row.put("val." + t + ".f1_macro", 0.8625);
        }
        bar.epochEnded(0, row);
        String text = bytes.toString(StandardCharsets.UTF_8);
        // every piece between carriage returns and newlines is what a terminal shows on one line
        for (String piece : text.split("[\r\n]")) {
            assertTrue(piece.length() <= columns - 1, "a line of " + piece.length() + " characters at " + columns
                    + " columns: '" + piece + "'");
        }
        String[] draws = text.split("\r", -1); // "", each redraw, the erasing blanks, the summary
        for (int i = 1; i < draws.length - 2; i++) {
            assertFalse(draws[i].contains("val."), "validation metrics in the redrawn line: " + draws[i]);
            assertEquals(columns - 1, draws[i].length(), "a redraw pads to the width, erasing the previous one");
        }
        assertTrue(draws[draws.length - 2].isBlank());
        String last = draws[draws.length - 3].stripTrailing();
        assertTrue(last.startsWith("epoch 1/3"), last);
        assertTrue(last.contains("400/400 ETA 0:00"), last);
        String summary = draws[draws.length - 1];
        for (String t : List.of("item", "a_rather_long_task_name", "group")) {
            // at 40 columns the longest names and their values take a line each
            assertTrue(summary.replaceAll("\\s+", " ").contains("val." + t + ".accuracy 0.8750"), summary);
        }
        assertTrue(summary.replaceAll("\\s+", " ").startsWith("epoch 1/3 400 steps in 0:10 item 2.3026"), summary);
        assertTrue(summary.endsWith("\n"));
    }

    /** The redrawn line gives its room to the bar, the task losses and throughput as the width allows. */
    @Test
    void wideTerminalsShowEverythingNarrowOnesTheEssentials() {
        AtomicLong clock = new AtomicLong();
        ProgressBar wide = bar(200, clock);
        ProgressBar narrow = bar(40, clock);
        for (ProgressBar b : List.of(wide, narrow)) {
            b.fitStarted(5, 100);
            b.epochStarted(1);
        }
        clock.addAndGet(2_000 * MS);
        for (ProgressBar b : List.of(wide, narrow)) {
            for (int s = 0; s < 20; s++) {
                b.stepEnded(1, s, Map.of("item", 0.5), 64);
            }
        }
        // 20 steps in 2 s: 80 more take 8 s; 1,280 samples in 2 s. At 200 columns the bar takes its widest (32), a
        // fifth filled; at 40 only the essentials fit, and the bar takes what is left of 39 characters (11)
        assertEquals("epoch 2/5 [======                          ] 20/100 ETA 0:08  item 0.5000  640 samples/s",
                wide.line(1, clock.get()));
        assertEquals("epoch 2/5 [==         ] 20/100 ETA 0:08", narrow.line(1, clock.get()));
    }

    @Test
    void etaIsTheMeanStepTimeTimesTheStepsLeft() {
        assertEquals(8.0, ProgressBar.etaSeconds(2_000 * MS, 20, 100), 1e-12);
        assertEquals(0.0, ProgressBar.etaSeconds(5_000 * MS, 100, 100), 1e-12);
        assertEquals(1.5, ProgressBar.etaSeconds(500 * MS, 1, 4), 1e-12);
        assertTrue(Double.isNaN(ProgressBar.etaSeconds(0, 0, 100)));
        assertEquals("0:08", ProgressBar.duration(8.0));
        assertEquals("1:05", ProgressBar.duration(64.6));
        assertEquals("1:00:01", ProgressBar.duration(3601));
        assertEquals("--:--", ProgressBar.duration(Double.NaN));
    }

    @Test
    void columnsComeFromTheEnvironmentVariableElseEighty() {
        assertEquals(120, ProgressBar.columns("120"));
        assertEquals(80, ProgressBar.columns(null));
        assertEquals(80, ProgressBar.columns(""));
        assertEquals(80, ProgressBar.columns("wide"));
        assertEquals(80, ProgressBar.columns("0"));
    }

    @Test
    void wrapKeepsItemsWholeAndIndentsContinuations() {
        assertEquals(List.of("aaaa  bbbb", "  cccc  dd", "  eeeeeeee"),
                ProgressBar.wrap(List.of("aaaa", "bbbb", "cccc", "dd", "eeeeeeeeeeee"), 10));
        assertEquals(List.of("loss 0.5", "  val.long.name", "  0.8750  x 1"),
                ProgressBar.wrap(List.of("loss 0.5", "val.long.name 0.8750", "x 1"), 15));
    }

    /** Printed to a file or pipe: no redraws, one summary per epoch. */
    @Test
    void notInteractivePrintsOnlySummaries() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, false, 80,
                clock::get, false);
        bar.fitStarted(1, 2);
        bar.epochStarted(0);
        clock.addAndGet(1_000 * MS);
        bar.stepEnded(0, 0, Map.of("y", 1.0), 10);
        bar.stepEnded(0, 1, Map.of("y", 3.0), 10);
        bar.epochEnded(0, Map.of("val.y.loss", 0.25));
        assertEquals("epoch 1/1  2 steps in 0:01  y 2.0000  20 samples/s  val.y.loss 0.2500\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    private static ProgressBar bar(int columns, AtomicLong clock) {
        return new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 0, true,
                columns, clock::get, false);
    }
}
