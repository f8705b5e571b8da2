package polyhead.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import polyhead.io.CsvRecords;
import polyhead.io.FileFaults;
import polyhead.io.UserText;
import polyhead.io.FormatException;
import polyhead.io.TextFiles;

/**
 * Reads a CSV file with a header line into a multi-task {@link Dataset}: some columns are the features (inputs
 * [N, F]), and each target is one task.
 *
 * <pre>{@code
 * Csv.Table t = Csv.read(path, Csv.spec()
 *         .classIndex("digit", 10)        // integers 0..9
 *         .classLabels("species")         // strings; index = rank among the distinct labels, sorted
 *         .real("price")                  // task "price", targets [N]
 *         .real("pos", "px", "py"));      // task "pos", targets [N, 2]
 * }</pre>
 *
 * <p>The text is UTF-8 (a leading byte-order mark is ignored) and follows RFC 4180: fields separated by commas (or
 * the spec's delimiter), records ended by LF, CRLF or CR, fields in double quotes may hold delimiters, line breaks
 * and doubled quotes. Lines with no characters are skipped. Numbers are Java decimal floats ({@code 1}, {@code -2.5},
 * {@code 3e-4}) with optional surrounding spaces.
 *
 * <p>An empty cell in a target column means the label is missing: the task's mask is 0 for that row and its target
 * 0. A multi-column real or binary target is missing only when all its cells are empty. Feature cells must all be
 * finite numbers; so must real target cells that are present; binary cells are 0 or 1; sample weights (an optional
 * column) are finite numbers &gt;= 0.
 *
 * <p>Column names are labels and target (task) names are names by {@link UserText}'s rules (a header may also name
 * a column with the empty string, as pandas does for its index).
 *
 * <p>Every fault is one {@link DataException} line naming the file, the line (1-based, the header is line 1; a
 * record spanning lines is named by its first) and the column: a ragged row, a non-numeric or NaN/infinite cell, a
 * class outside its declared range, an unknown column, an empty file. Nothing is returned unless the whole file
 * reads.
 */
public final class Csv {

    private Csv() {
    }

    /** A target column or columns: one task. */
    public sealed interface Target permits ClassTarget, Real, Binary {
        /** The task's name. */
        String task();

        /** The columns the task reads. */
        List<String> columns();
    }

    /** A class target: one column, whose name is the task's. */
    public sealed interface ClassTarget extends Target permits ClassIndex, ClassLabels {
        /** The column of class indices or labels. */
        String column();

        @Override
        default String task() {
            return column();
        }

        @Override
        default List<String> columns() {
            return List.of(column());
        }
    }

    /**
     * Class indices written as integers 0..C−1; targets [N]. With {@code classes} = 0 the count is inferred as the
     * largest index + 1.
     */
    public record ClassIndex(String column, int classes) implements ClassTarget {
        public ClassIndex {
            if (classes < 0) {
                throw new IllegalArgumentException("class count of column " + UserText.quote(column) + " must be positive, got " + classes);
            }
        }
    }

    /**
     * Class labels written as strings; targets [N]. With declared {@code labels}, label {@code labels.get(i)} is class
     * i and any other label is a fault; with none, the distinct labels of the file sorted by
     * {@link String#compareTo} (UTF-16 code units, so {@code "B" < "a"}) are classes 0, 1, ….
     */
    public record ClassLabels(String column, List<String> labels) implements ClassTarget {
        public ClassLabels {
            labels = List.copyOf(labels);
            if (new HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("declared labels of column " + UserText.quote(column) + " repeat: " + labels);
            }
            if (labels.contains("")) {
                throw new IllegalArgumentException("declared labels of column " + UserText.quote(column)
                        + " contain the empty string, which marks a missing label");
            }
        }
    }

    /** Real values from one column (targets [N]) or several (targets [N, k], in the order given). */
    public record Real(String task, List<String> columns) implements Target {
        public Real {
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("real target " + UserText.quote(task) + " needs at least one column");
            }
        }
    }

    /**
     * 0/1 labels from one column (targets [N]) or several (targets [N, k], in the order given): each present cell is
     * {@code 0} or {@code 1} (also {@code 0.0}, {@code 1.0}); the task has {@link LabelType#BINARY} labels, for a
     * sigmoid head trained with binary cross-entropy. Missing only when all its cells are empty, as a real target.
     */
    public record Binary(String task, List<String> columns) implements Target {
        public Binary {
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("binary target " + UserText.quote(task) + " needs at least one column");
            }
        }
    }

    /**
     * What to read: feature columns (if none are listed, every column that no target reads, in file order), targets
     * the delimiter, and optionally a column of per-sample weights (Keras' {@code sample_weight}, for every task; null
     * for none). Immutable; each method returns a new spec.
     */
    public record Spec(List<String> features, List<Target> targets, char delimiter, String sampleWeights) {
        public Spec(List<String> features, List<Target> targets, char delimiter) {
            this(features, targets, delimiter, null);
        }

        public Spec {
            features = List.copyOf(features);
            targets = List.copyOf(targets);
            Set<String> used = new HashSet<>();
            if (sampleWeights != null) {
                used.add(sampleWeights);
            }
            Set<String> tasks = new HashSet<>();
            for (Target t : targets) {
                String fault = UserText.nameFault(t.task());
                if (fault != null) {
                    throw new IllegalArgumentException("target " + UserText.quote(t.task()) + " (a task name): " + fault);
                }
                if (!tasks.add(t.task())) {
                    throw new IllegalArgumentException("task " + UserText.quote(t.task()) + " is declared twice");
                }
                for (String c : t.columns()) {
                    if (!used.add(c)) {
                        throw new IllegalArgumentException("column " + UserText.quote(c) + " is read by two targets"
                                + (c.equals(sampleWeights) ? " (or a target and the sample weights)" : ""));
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            for (String f : features) {
                if (used.contains(f)) {
                    throw new IllegalArgumentException("column " + UserText.quote(f) + " is both a feature and a "
                            + (f.equals(sampleWeights) ? "sample weight" : "target"));
                }
                if (!seen.add(f)) {
                    throw new IllegalArgumentException("feature column " + UserText.quote(f) + " is listed twice");
                }
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
            }
        }

        /** The feature columns, in this order. */
        public Spec features(String... columns) {
            List<String> f = new ArrayList<>(features);
            f.addAll(List.of(columns));
            return new Spec(f, targets, delimiter, sampleWeights);
        }

        /** A class-index task named after its column, with classes 0..classes−1. */
        public Spec classIndex(String column, int classes) {
            if (classes == 0) {
                throw new IllegalArgumentException("class count of column " + UserText.quote(column) + " must be positive, got 0");
            }
            return with(new ClassIndex(column, classes));
        }

        /** A class-index task whose class count is the largest index in the file + 1. */
        public Spec classIndex(String column) {
            return with(new ClassIndex(column, 0));
        }

        /** A class task of string labels, indexed by their sorted order. */
        public Spec classLabels(String column) {
            return with(new ClassLabels(column, List.of()));
        }

        /** A class task of string labels: {@code labels[i]} is class i. */
        public Spec classLabels(String column, String... labels) {
            if (labels.length == 0) {
                throw new IllegalArgumentException("declare at least one label for column " + UserText.quote(column));
            }
            return with(new ClassLabels(column, List.of(labels)));
        }

        /** A real task named after its one column. */
        public Spec real(String column) {
            return with(new Real(column, List.of(column)));
        }

        /** A real task reading several columns into targets [N, k]. */
        public Spec real(String task, String... columns) {
            return with(new Real(task, List.of(columns)));
        }

        /** A binary task named after its one column: targets [N] of 0/1. */
        public Spec binary(String column) {
            return with(new Binary(column, List.of(column)));
        }

        /** A binary task reading several 0/1 columns into targets [N, k]. */
        public Spec binary(String task, String... columns) {
            return with(new Binary(task, List.of(columns)));
        }

        /**
         * Per-sample weights from {@code column} (finite numbers &gt;= 0, never empty), applied to every task's loss
         * ({@link Dataset#withSampleWeights(polyhead.tensor.Tensor)}); the column is not a feature.
         */
        public Spec sampleWeights(String column) {
            return new Spec(features, targets, delimiter, java.util.Objects.requireNonNull(column, "sample weight column"));
        }

        public Spec delimiter(char d) {
            return new Spec(features, targets, d, sampleWeights);
        }

        private Spec with(Target t) {
            List<Target> ts = new ArrayList<>(targets);
            ts.add(t);
            return new Spec(features, ts, delimiter, sampleWeights);
        }
    }

    /** An empty spec: no targets yet, features = every other column, comma-delimited. */
    public static Spec spec() {
        return new Spec(List.of(), List.of(), ',', null);
    }

    /**
     * What was read: the dataset, the feature columns in input order, each task's label type, and for each class
     * task the label of each class index.
     */
    public record Table(Dataset dataset, List<String> features, Map<String, LabelType> labelTypes,
                        Map<String, List<String>> classes) {
        public Table {
            features = List.copyOf(features);
            labelTypes = Collections.unmodifiableMap(new LinkedHashMap<>(labelTypes));
            Map<String, List<String>> c = new LinkedHashMap<>();
            classes.forEach((k, v) -> c.put(k, List.copyOf(v)));
            classes = Collections.unmodifiableMap(c);
        }

        /** Labels of a class task: element i names class i. */
        public List<String> classes(String task) {
            List<String> c = classes.get(task);
            if (c == null) {
                throw new IllegalArgumentException(UserText.quote(task) + " is not a class task; class tasks: " + classes.keySet());
            }
            return c;
        }
    }

    /**
     * Reads {@code file} as {@code spec} says. Every fault of the file, its syntax included, is a
     * {@link DataException} naming the file, the line and the column.
     */
    public static Table read(Path file, Spec spec) {
        if (spec.targets().isEmpty()) {
            throw new IllegalArgumentException("CSV spec for " + file + " declares no target");
        }
        try (BufferedReader in = TextFiles.reader(file)) {
            CsvRecords records = new CsvRecords(in, spec.delimiter(), file.toString());
            return new CsvReading(file.toString(), spec, records).run();
        } catch (DataException e) {
            throw e;
        } catch (FormatException e) {
            // the record splitter's syntax faults and the text's (encoding, reading), as this reader's one fault type
            throw new DataException(e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(FileFaults.reading(file, e), e);
        }
    }

}
