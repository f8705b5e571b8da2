package example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import polyhead.experiment.TaskPrediction;

/** Predictions as text, one line per task and sample, with every float's exact bits. */
final class Predictions {
    private Predictions() {
    }

    static List<String> lines(Map<String, TaskPrediction> predictions) {
        List<String> lines = new ArrayList<>();
        predictions.forEach((task, p) -> {
            float[] out = p.output().data();
            int n = p.output().shape().dim(0);
            int width = out.length / n;
            for (int i = 0; i < n; i++) {
                StringBuilder line = new StringBuilder(task);
                for (int k = 0; k < width; k++) {
                    line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(out[i * width + k])));
                }
                if (p.classes() != null) {
                    line.append(" class ").append(p.classes()[i]);
                }
                if (!p.classNames().isEmpty()) {
                    line.append(' ').append(p.classNames().get(i));
                }
                lines.add(line.toString());
            }
        });
        return lines;
    }

    static void write(Map<String, TaskPrediction> predictions, Path file) throws IOException {
        Files.write(file, lines(predictions));
    }
}
