package polyhead.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import polyhead.tensor.Gemms;

/**
 * A terminal progress line per epoch, redrawn in place: the epoch, a bar, steps done, the time the epoch still needs
 * (ETA), the running mean loss of each task and samples per second. The line never wraps: it fits the terminal's
 * width ({@value #COLUMNS_VARIABLE} when set, else {@value #DEFAULT_COLUMNS} columns), dropping what does not fit
 * (throughput first, then task losses from the last, then the bar). When the epoch ends the redrawn line gives way
 * to the epoch's summary — its time, mean task losses, throughput, and the validation metrics — wrapped at word
 * boundaries onto as many lines as it needs. Redraws at most every {@code intervalMillis} so it costs nothing
 * measurable.
 *
 * <p>At the start of training it prints once per process which matrix-product backend runs ({@link Gemms#announce}).
 */
public final class ProgressBar implements TrainingListener {
    /** The environment variable read for the terminal's width. */
    static final String COLUMNS_VARIABLE = "COLUMNS";
    /** The width assumed when {@value #COLUMNS_VARIABLE} is unset or not a positive number. */
    static final int DEFAULT_COLUMNS = 80;
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 32;

    private final PrintStream out;
    private final long intervalMillis;
    private final boolean interactive;
    /** Characters a line may hold: one less than the terminal's width, as a full last column wraps on some terminals. */
    private final int width;
    private final LongSupplier nanoClock;
    private final boolean announceBackend;
    private int epochs;
    private int steps;
    private int done;
    private long samples;
    private long epochStart;
    private long lastDraw;
    private boolean drawn;
    private final Map<String, double[]> running = new LinkedHashMap<>();
    private boolean warned;

    /** Redraws in place on a terminal; when output goes to a file or pipe, prints one summary per epoch. */
    public ProgressBar(PrintStream out) {
        this(out, 200, System.console() != null);
    }

    /**
     * @param interactive redraw the bar during the epoch (a terminal); false prints only each epoch's summary
     */
    public ProgressBar(PrintStream out, long intervalMillis, boolean interactive) {
        this(out, intervalMillis, interactive, columns(System.getenv(COLUMNS_VARIABLE)), System::nanoTime, true);
    }

    /** For tests: a given terminal width and clock, and no backend line. */
    ProgressBar(PrintStream out, long intervalMillis, boolean interactive, int columns, LongSupplier nanoClock,
                boolean announceBackend) {
        this.out = out;
        this.intervalMillis = intervalMillis;
        this.interactive = interactive;
        this.width = Math.max(1, columns - 1);
        this.nanoClock = nanoClock;
        this.announceBackend = announceBackend;
    }

    /** The terminal width for a value of {@value #COLUMNS_VARIABLE}: the number if positive, else the default. */
    static int columns(String value) {
        if (value != null) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: the default
            }
        }
        return DEFAULT_COLUMNS;
    }

    /**
     * The seconds an epoch still needs after {@code done} of {@code total} steps took {@code elapsedNanos}: the mean
     * step time so far times the steps left. NaN before the first step.
     */
    static double etaSeconds(long elapsedNanos, int done, int total) {
        if (done <= 0) {
            return Double.NaN;
        }
        return elapsedNanos / 1e9 / done * Math.max(0, total - done);
    }

    /** A duration as {@code m:ss}, or {@code h:mm:ss} from an hour; {@code --:--} when unknown (NaN). */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void fitStarted(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
        if (announceBackend) {
            Gemms.announce(out);
        }
    }

    @Override
    public void epochStarted(int epoch) {
        done = 0;
        samples = 0;
        running.clear();
        epochStart = nanoClock.getAsLong();
        lastDraw = Long.MIN_VALUE;
        drawn = false;
        warned = false;
    }

    /** The epoch's first exploding-gradient report on a line of its own; the summary counts them all. */
    @Override
    public void gradientExploded(ExplodingGradient report) {
        if (!warned) {
            warned = true;
            clear();
            out.println("warning: " + report.message());
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
        long now = nanoClock.getAsLong();
        if (interactive && (lastDraw == Long.MIN_VALUE || now - lastDraw >= intervalMillis * 1_000_000L
                || done == steps)) {
            lastDraw = now;
            String line = line(epoch, now);
            out.print("\r" + line + " ".repeat(width - line.length()));
            out.flush();
            drawn = true;
        }
    }

    /** The redrawn line at time {@code now}, at most {@link #width} characters. */
    String line(int epoch, long now) {
        long elapsed = now - epochStart;
        String head = String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs);
        String tail = String.format(Locale.ROOT, " %d/%d ETA %s", done, steps,
                duration(etaSeconds(elapsed, done, steps)));
        List<String> extras = new ArrayList<>();
        running.forEach((t, s) -> extras.add(String.format(Locale.ROOT, "  %s %.4f", t, s[0] / s[1])));
        extras.add(String.format(Locale.ROOT, "  %,.0f samples/s", elapsed > 0 ? samples * 1e9 / elapsed : 0.0));
        int room = width - head.length() - tail.length();
        int bar = room >= MIN_BAR + 3 ? MIN_BAR : 0; // " [" + bar + "]"
        room -= bar == 0 ? 0 : bar + 3;
        // keep the extras that fit, in order: task losses first, throughput last
        StringBuilder kept = new StringBuilder();
        for (String e : extras) {
            if (e.length() <= room) {
                kept.append(e);
                room -= e.length();
            } else {
                break;
            }
        }
        if (bar > 0) {
            bar += Math.min(room, MAX_BAR - MIN_BAR);
        }
        StringBuilder sb = new StringBuilder(head);
        if (bar > 0) {
            int filled = steps == 0 ? bar : (int) ((long) bar * Math.min(done, steps) / steps);
            sb.append(" [").append("=".repeat(filled)).append(" ".repeat(bar - filled)).append(']');
        }
        sb.append(tail).append(kept);
        return sb.length() <= width ? sb.toString() : sb.substring(0, width);
    }

    @Override
    public void epochEnded(int epoch, Map<String, Double> row) {
        clear();
        long elapsed = nanoClock.getAsLong() - epochStart;
        List<String> items = new ArrayList<>();
        items.add(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs));
        items.add(String.format(Locale.ROOT, "%d steps in %s", done, duration(elapsed / 1e9)));
        running.forEach((t, s) -> items.add(String.format(Locale.ROOT, "%s %.4f", t, s[0] / s[1])));
        items.add(String.format(Locale.ROOT, "%,.0f samples/s", elapsed > 0 ? samples * 1e9 / elapsed : 0.0));
        row.forEach((k, v) -> {
            if (k.startsWith("val.") || (k.equals("exploding_gradients") && v > 0)) {
                items.add(String.format(Locale.ROOT, "%s %.4f", k, v));
            }
        });
        wrap(items, width).forEach(out::println);
    }

    /** Erases the redrawn line, if one is showing, so that the next output starts on an empty line. */
    private void clear() {
        if (interactive && drawn) {
            out.print("\r" + " ".repeat(width) + "\r");
            drawn = false;
        }
    }

    /**
     * {@code items} joined by two spaces into lines of at most {@code width} characters, each line after the first
     * indented by two. An item too long for a line of its own is split at its last space (a name and its value), and
     * a part still too long is cut.
     */
    static List<String> wrap(List<String> items, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String whole : items) {
            int space = whole.lastIndexOf(' ');
            List<String> parts = whole.length() + 2 > width && space > 0
                    ? List.of(whole.substring(0, space), whole.substring(space + 1)) : List.of(whole);
            for (String item : parts) {
                if (line.length() > 0 && line.length() + 2 + item.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 || !lines.isEmpty() ? "  " : "").append(item);
                if (line.length() > width) {
                    line.setLength(width);
                }
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
