package polyhead.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.io.CsvRecords;
import polyhead.io.UserText;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.io.FileFaults;
import polyhead.io.TextFiles;

/**
 * The CSV input of {@code predict} (RFC 4180, as {@link CsvRecords} splits it): a header, one sample per row, numeric
 * features; target columns left out.
 */
final class PredictInputs {
    private PredictInputs() {
    }

    /** The features of {@code file} as [N, F]; every fault one line naming the file, line and column. */
    static Tensor csv(Path file, ExperimentSpec spec) {
        Set<String> targets = Set.copyOf(spec.getTasks().stream().map(TaskSpec::getName).toList());
        try (BufferedReader in = TextFiles.reader(file)) {
            CsvRecords records = new CsvRecords(in, ',', file.toString());
            List<String> first = records.next();
            if (first == null) {
                throw UserError.of(file + ": empty file; expected a header and one sample per row");
            }
            List<String> header = new ArrayList<>(first);
            List<Integer> keep = new ArrayList<>();
            for (int c = 0; c < header.size(); c++) {
                if (!targets.contains(header.get(c).trim())) {
                    keep.add(c);
                }
            }
            records.header(header);
            List<float[]> rows = new ArrayList<>();
            List<String> cells;
            while ((cells = records.next()) != null) {
                int lineNo = records.line();
                if (cells.size() != header.size()) {
                    throw UserError.of(file + ": line " + lineNo + " has " + cells.size() + " cells, the header "
                            + header.size());
                }
                float[] row = new float[keep.size()];
                for (int k = 0; k < keep.size(); k++) {
                    String cell = cells.get(keep.get(k)).trim();
                    try {
                        row[k] = Float.parseFloat(cell);
                    } catch (NumberFormatException e) {
                        row[k] = Float.NaN;
                    }
                    if (!Float.isFinite(row[k])) {
                        throw UserError.of(file + ": line " + lineNo + ", column "
                                + UserText.quote(header.get(keep.get(k)).trim()) + ": " + UserText.quote(cell)
                                + " is not a finite number");
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
