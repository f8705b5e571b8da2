package polyhead.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import polyhead.io.AtomicFiles;
import polyhead.io.FileFaults;
import polyhead.train.History;

/**
 * A run's PNG plots, drawn by XChart from its history, one curve per series over the epochs (epochs count from 1):
 * {@code loss-<task>.png} (training and validation loss of the task), {@code metrics-<task>.png} (the task's
 * validation metrics, when there is validation data) and {@code grad-cosine.png} (the cosine similarity of each pair
 * of tasks' gradients on the shared parameters, when the run records diagnostics). A point is left out where the
 * history has none (NaN). Drawn headless, {@value #WIDTH}×{@value #HEIGHT} pixels.
 *
 * <p>The file names hold task names as they are, with no encoding: a task name is a name by
 * {@link polyhead.io.UserText}'s rule (letters, digits, marks, {@code _}, {@code -}; at most
 * {@value polyhead.io.UserText#MAX_NAME} characters) and no two tasks' names differ only in case, which makes every
 * file name here valid, distinct and under 255 bytes on every file system. Each file is written atomically
 * ({@link AtomicFiles#write}). A local run ({@code polyhead train}) and a data-parallel one ({@code polyhead.spark})
 * draw their run folder's plots here.
 */
public final class HistoryPlots {
    /** Width of every plot, in pixels. */
    public static final int WIDTH = 800;
    /** Height of every plot, in pixels. */
    public static final int HEIGHT = 500;

    private HistoryPlots() {
    }

    /**
     * Writes the plots of {@code h} for {@code tasks} into {@code dir}; returns the names of the files written.
     *
     * @throws UncheckedIOException one line naming the file that could not be written and why
     */
    public static List<String> write(History h, List<String> tasks, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        for (String t : tasks) {
            Map<String, String> loss = new LinkedHashMap<>();
            loss.put("train", "train." + t + ".loss");
            loss.put("validation", "val." + t + ".loss");
            plot(h, dir, "loss-" + t + ".png", "task " + t + ": loss", "loss", loss, written);
            Map<String, String> metrics = new LinkedHashMap<>();
            String prefix = "val." + t + ".";
            h.keys().stream().filter(k -> k.startsWith(prefix) && !k.equals(prefix + "loss"))
                    .forEach(k -> metrics.put("validation " + k.substring(prefix.length()), k));
            plot(h, dir, "metrics-" + t + ".png", "task " + t + ": validation metrics", "metric", metrics, written);
        }
        Map<String, String> cos = new LinkedHashMap<>();
        h.keys().stream().filter(k -> k.startsWith("grad_cos.")).forEach(k -> cos.put(
                k.substring("grad_cos.".length()).replace('.', '/'), k));
        plot(h, dir, "grad-cosine.png", "cosine of the task gradients on the shared parameters", "cosine", cos,
                written);
        return written;
    }

    /** One chart of the {@code series} (label → history key) that have a value; none: no file. */
    private static void plot(History h, Path dir, String file, String title, String yTitle, Map<String, String> series,
            List<String> written) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setDecimalPattern("#0.####");
        double[] epochs = h.series("epoch");
        boolean any = false;
        for (Map.Entry<String, String> s : series.entrySet()) {
            double[] y = h.series(s.getValue());
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (Double.isFinite(y[i])) {
                    xs.add(epochs[i] + 1);
                    ys.add(y[i]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(s.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
                any = true;
            }
        }
        if (!any) {
            return;
        }
        Path target = dir.resolve(file);
        try {
            ByteBuffer png = ByteBuffer.wrap(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicFiles.write(target, ch -> {
                while (png.hasRemaining()) {
                    ch.write(png);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot draw the plot: " + FileFaults.reason(e), e);
        }
        written.add(file);
    }
}
