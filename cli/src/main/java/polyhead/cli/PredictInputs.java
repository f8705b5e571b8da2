package polyhead.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.io.FileFaults;
import polyhead.io.TextFiles;

/** The CSV input of {@code predict}: a header, one sample per row, numeric features; target columns left out. */
final class PredictInputs {
    private PredictInputs() {
    }

    /** The features of {@code file} as [N, F]; every fault one line naming the file, line and column. */
    static Tensor csv(Path file, ExperimentSpec spec) {
        Set<String> targets = Set.copyOf(spec.getTasks().stream().map(TaskSpec::getName).toList());
        try (BufferedReader in = TextFiles.reader(file)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw UserError.of(file + ": empty file; expected a header and one sample per row");
            }
            String[] header = headerLine.split(",", -1);
            List<Integer> keep = new ArrayList<>();
            for (int c = 0; c < header.length; c++) {
                if (!targets.contains(header[c].trim())) {
                    keep.add(c);
                }
            }
            List<float[]> rows = new ArrayList<>();
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != header.length) {
                    throw UserError.of(file + ": line " + lineNo + " has " + cells.length + " cells, the header "
                            + header.length);
                }
                float[] row = new float[keep.size()];
                for (int k = 0; k < keep.size(); k++) {
                    String cell = cells[keep.get(k)].trim();
                    try {
                        row[k] = Float.parseFloat(cell);
                    } catch (NumberFormatException e) {
                        row[k] = Float.NaN;
                    }
                    if (!Float.isFinite(row[k])) {
                        throw UserError.of(file + ": line " + lineNo + ", column '" + header[keep.get(k)].trim()
                                + "': '" + cell + "' is not a finite number");
                    }
                }
                rows.add(row);
            }
            if (rows.isEmpty()) {
                throw UserError.of(file + ": no samples after the header");
            }
            float[] data = new float[rows.size() * keep.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, data, i * keep.size(), keep.size());
            }
            return Tensor.wrap(Shape.of(rows.size(), keep.size()), data);
        } catch (IOException e) {
            throw UserError.of(FileFaults.reading(file, e));
        }
    }
}
