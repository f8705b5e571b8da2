package polyhead.train;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A one-line terminal progress bar per epoch: steps done, running mean loss of each task, samples per second, then
 * the epoch's summary. Redraws at most every {@code intervalMillis} so it costs nothing measurable.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final long intervalMillis;
    private final boolean interactive;
    private int epochs;
    private int steps;
    private int done;
    private long samples;
    private long epochStart;
    private long lastDraw;
    private final Map<String, double[]> running = new LinkedHashMap<>();
    private boolean warned;

    /** Redraws in place on a terminal; when output goes to a file or pipe, prints one line per epoch. */
    public ProgressBar(PrintStream out) {
        this(out, 200, System.console() != null);
    }

    /**
     * @param interactive redraw the bar during the epoch (a terminal); false prints only each epoch's summary line
     */
    public ProgressBar(PrintStream out, long intervalMillis, boolean interactive) {
        this.out = out;
        this.intervalMillis = intervalMillis;
        this.interactive = interactive;
    }

    @Override
    public void fitStarted(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
    }

    @Override
    public void epochStarted(int epoch) {
        done = 0;
        samples = 0;
        running.clear();
        epochStart = System.nanoTime();
        lastDraw = 0;
        warned = false;
    }

    /** The epoch's first exploding-gradient report on a line of its own; the summary line counts them all. */
    @Override
    public void gradientExploded(ExplodingGradient report) {
        if (!warned) {
            warned = true;
            out.println((interactive ? "\n" : "") + "warning: " + report.message());
        }
    }

    @Override
    public void stepEnded(int epoch, long step, Map<String, Double> taskLosses, int batchSamples) {
        done++;
        samples += batchSamples;
        taskLosses.forEach((t, l) -> {
            double[] s = running.computeIfAbsent(t, k -> new double[2]);
            s[0] += l;
            s[1]++;
        });
        long now = System.currentTimeMillis();
        if (interactive && (now - lastDraw >= intervalMillis || done == steps)) {
            lastDraw = now;
            out.print("\r" + line(epoch));
            out.flush();
        }
    }

    private String line(int epoch) {
        int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * done / steps);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("epoch %d/%d [%s%s] %d/%d", epoch + 1, epochs, "=".repeat(filled),
                " ".repeat(WIDTH - filled), done, steps));
        running.forEach((t, s) -> sb.append(String.format("  %s %.4f", t, s[0] / s[1])));
        double secs = (System.nanoTime() - epochStart) / 1e9;
        sb.append(String.format("  %,.0f samples/s", secs > 0 ? samples / secs : 0));
        return sb.toString();
    }

    @Override
    public void epochEnded(int epoch, Map<String, Double> row) {
        StringBuilder sb = new StringBuilder((interactive ? "\r" : "") + line(epoch));
        row.forEach((k, v) -> {
            if (k.startsWith("val.") || (k.equals("exploding_gradients") && v > 0)) {
                sb.append(String.format("  %s %.4f", k, v));
            }
        });
        out.println(sb);
    }
}
