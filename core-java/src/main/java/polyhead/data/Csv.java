package polyhead.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

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
 * 0. A multi-column real target is missing only when all its cells are empty. Feature cells must all be finite
 * numbers; so must real target cells that are present.
 *
 * <p>Every fault is one {@link DataException} line naming the file, the line (1-based, the header is line 1; a
 * record spanning lines is named by its first) and the column: a ragged row, a non-numeric or NaN/infinite cell, a
 * class outside its declared range, an unknown column, an empty file. Nothing is returned unless the whole file
 * reads.
 */
public final class Csv {
    private static final int MAX_SHOWN = 40;

    private Csv() {
    }

    /** A target column or columns: one task. */
    public sealed interface Target permits ClassIndex, ClassLabels, Real {
        /** The task's name. */
        String task();

        /** The columns the task reads. */
        List<String> columns();
    }

    /**
     * Class indices written as integers 0..C−1; targets [N]. With {@code classes} = 0 the count is inferred as the
     * largest index + 1.
     */
    public record ClassIndex(String column, int classes) implements Target {
        public ClassIndex {
            if (classes < 0) {
                throw new IllegalArgumentException("class count of column '" + column + "' must be positive, got " + classes);
            }
        }

        @Override
        public String task() {
            return column;
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }
    }

    /**
     * Class labels written as strings; targets [N]. With declared {@code labels}, label {@code labels.get(i)} is class
     * i and any other label is a fault; with none, the distinct labels of the file sorted by
     * {@link String#compareTo} (UTF-16 code units, so {@code "B" < "a"}) are classes 0, 1, ….
     */
    public record ClassLabels(String column, List<String> labels) implements Target {
        public ClassLabels {
            labels = List.copyOf(labels);
            if (new HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("declared labels of column '" + column + "' repeat: " + labels);
            }
            if (labels.contains("")) {
                throw new IllegalArgumentException("declared labels of column '" + column
                        + "' contain the empty string, which marks a missing label");
            }
        }

        @Override
        public String task() {
            return column;
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }
    }

    /** Real values from one column (targets [N]) or several (targets [N, k], in the order given). */
    public record Real(String task, List<String> columns) implements Target {
        public Real {
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("real target '" + task + "' needs at least one column");
            }
        }
    }

    /**
     * What to read: feature columns (if none are listed, every column that no target reads, in file order), targets
     * and the delimiter. Immutable; each method returns a new spec.
     */
    public record Spec(List<String> features, List<Target> targets, char delimiter) {
        public Spec {
            features = List.copyOf(features);
            targets = List.copyOf(targets);
            Set<String> used = new HashSet<>();
            Set<String> tasks = new HashSet<>();
            for (Target t : targets) {
                if (!tasks.add(t.task())) {
                    throw new IllegalArgumentException("task '" + t.task() + "' is declared twice");
                }
                for (String c : t.columns()) {
                    if (!used.add(c)) {
                        throw new IllegalArgumentException("column '" + c + "' is read by two targets");
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            for (String f : features) {
                if (used.contains(f)) {
                    throw new IllegalArgumentException("column '" + f + "' is both a feature and a target");
                }
                if (!seen.add(f)) {
                    throw new IllegalArgumentException("feature column '" + f + "' is listed twice");
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
            return new Spec(f, targets, delimiter);
        }

        /** A class-index task named after its column, with classes 0..classes−1. */
        public Spec classIndex(String column, int classes) {
            if (classes == 0) {
                throw new IllegalArgumentException("class count of column '" + column + "' must be positive, got 0");
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
                throw new IllegalArgumentException("declare at least one label for column '" + column + "'");
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

        public Spec delimiter(char d) {
            return new Spec(features, targets, d);
        }

        private Spec with(Target t) {
            List<Target> ts = new ArrayList<>(targets);
            ts.add(t);
            return new Spec(features, ts, delimiter);
        }
    }

    /** An empty spec: no targets yet, features = every other column, comma-delimited. */
    public static Spec spec() {
        return new Spec(List.of(), List.of(), ',');
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
                throw new IllegalArgumentException("'" + task + "' is not a class task; class tasks: " + classes.keySet());
            }
            return c;
        }
    }

    /** Reads {@code file} as {@code spec} says. */
    public static Table read(Path file, Spec spec) {
        if (spec.targets().isEmpty()) {
            throw new IllegalArgumentException("CSV spec for " + file + " declares no target");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(String.valueOf(CsvRecords.NOT_UTF8));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            CsvRecords records = new CsvRecords(in, spec.delimiter(), file.toString());
            return new Reading(file.toString(), spec, records).run();
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** One pass over one file: the header, then the rows into growing columns, then the dataset. */
    private static final class Reading {
        private final String file;
        private final Spec spec;
        private final CsvRecords records;
        private List<String> header;
        private int[] featureIndex;
        private final List<Column> columns = new ArrayList<>();
        private Floats features;
        private int rows;

        Reading(String file, Spec spec, CsvRecords records) {
            this.file = file;
            this.spec = spec;
            this.records = records;
        }

        Table run() throws IOException {
            readHeader();
            List<String> r;
            while ((r = records.next()) != null) {
                row(r);
            }
            if (rows == 0) {
                throw new DataException(file + ": no data rows after the header");
            }
            return build();
        }

        private void readHeader() throws IOException {
            List<String> h = records.next();
            if (h == null) {
                throw new DataException(file + ": empty file (expected a header line)");
            }
            header = new ArrayList<>(h);
            if (records.line() == 1 && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1));
            }
            int line = records.line();
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                Integer before = index.put(header.get(i), i);
                if (before != null) {
                    throw new DataException(file + ": line " + line + ", column " + show(header.get(i))
                            + ": appears twice in the header (fields " + (before + 1) + " and " + (i + 1) + ")");
                }
            }
            records.header(header);
            boolean[] used = new boolean[header.size()];
            for (Target t : spec.targets()) {
                int[] idx = new int[t.columns().size()];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = resolve(index, t.columns().get(k), line);
                    used[idx[k]] = true;
                }
                columns.add(new Column(t, idx));
            }
            if (spec.features().isEmpty()) {
                List<Integer> rest = new ArrayList<>();
                for (int i = 0; i < header.size(); i++) {
                    if (!used[i]) {
                        rest.add(i);
                    }
                }
                if (rest.isEmpty()) {
                    throw new DataException(file + ": line " + line + ": no feature columns (every column is a target)");
                }
                featureIndex = rest.stream().mapToInt(Integer::intValue).toArray();
            } else {
                featureIndex = new int[spec.features().size()];
                for (int k = 0; k < featureIndex.length; k++) {
                    featureIndex[k] = resolve(index, spec.features().get(k), line);
                }
            }
            features = new Floats(featureIndex.length);
        }

        private int resolve(Map<String, Integer> index, String name, int line) {
            Integer i = index.get(name);
            if (i == null) {
                List<String> shown = header.size() > 20 ? header.subList(0, 20) : header;
                List<String> names = shown.stream().map(Csv::oneLine).toList();
                throw new DataException(file + ": line " + line + ": unknown column " + show(name) + "; the header has "
                        + String.join(", ", names) + (header.size() > 20 ? ", … (" + header.size() + " columns)" : ""));
            }
            return i;
        }

        private void row(List<String> r) {
            int line = records.line();
            if (r.size() != header.size()) {
                String where = r.size() < header.size()
                        ? "column " + show(header.get(r.size())) + " is missing"
                        : "field " + (header.size() + 1) + " has no column";
                throw new DataException(file + ": line " + line + ": " + r.size() + " fields, but the header has "
                        + header.size() + " columns (" + where + ")");
            }
            for (int k = 0; k < featureIndex.length; k++) {
                int c = featureIndex[k];
                features.add(number(r.get(c), line, header.get(c), "feature"));
            }
            for (Column col : columns) {
                col.read(r, line);
            }
            rows++;
        }

        private float number(String cell, int line, String column, String what) {
            float v = Numbers.parse(cell);
            if (!Float.isNaN(v)) {
                return v;
            }
            throw switch (Numbers.fault(cell)) {
                case EMPTY -> fault(line, column, "empty " + what + " cell");
                case NOT_FINITE -> fault(line, column, show(cell) + " is NaN or infinite"
                        + (what.equals("feature") ? "" : " (leave the cell empty for a missing label)"));
                case NOT_A_NUMBER -> fault(line, column, show(cell) + " is not a number");
            };
        }

        private DataException fault(int line, String column, String message) {
            return new DataException(file + ": line " + line + ", column " + show(column) + ": " + message);
        }

        private Table build() {
            Tensor inputs = Tensor.wrap(Shape.of(rows, featureIndex.length), features.toArray(rows));
            Map<String, Tensor> targets = new LinkedHashMap<>();
            Map<String, Tensor> masks = new LinkedHashMap<>();
            Map<String, LabelType> types = new LinkedHashMap<>();
            Map<String, List<String>> classes = new LinkedHashMap<>();
            for (Column c : columns) {
                String task = c.target.task();
                masks.put(task, Tensor.wrap(Shape.of(rows), c.mask.toArray(rows)));
                float[] values = c.values.toArray(rows);
                if (c.target instanceof Real real) {
                    int k = real.columns().size();
                    targets.put(task, Tensor.wrap(k == 1 ? Shape.of(rows) : Shape.of(rows, k), values));
                    types.put(task, LabelType.REAL_VECTOR);
                } else {
                    classes.put(task, c.classNames(values));
                    targets.put(task, Tensor.wrap(Shape.of(rows), values));
                    types.put(task, LabelType.CLASS_INDEX);
                }
            }
            List<String> names = new ArrayList<>();
            for (int i : featureIndex) {
                names.add(header.get(i));
            }
            return new Table(Dataset.of(inputs, targets, masks), names, types, classes);
        }

        /** The growing targets and mask of one task. */
        private final class Column {
            final Target target;
            final int[] index;
            final Floats values;
            final Floats mask = new Floats(1);
            /** Class tasks of undeclared string labels: label → provisional id in order of first appearance. */
            final Map<String, Integer> seen = new LinkedHashMap<>();
            /** Class tasks of declared string labels: label → class. */
            final Map<String, Integer> declared = new HashMap<>();
            int maxIndex = -1;

            Column(Target target, int[] index) {
                this.target = target;
                this.index = index;
                this.values = new Floats(index.length);
                if (target instanceof ClassLabels cl) {
                    for (int i = 0; i < cl.labels().size(); i++) {
                        declared.put(cl.labels().get(i), i);
                    }
                }
            }

            void read(List<String> r, int line) {
                if (target instanceof Real) {
                    readReal(r, line);
                    return;
                }
                String cell = r.get(index[0]);
                String column = header.get(index[0]);
                if (cell.isBlank()) {
                    missing();
                    return;
                }
                if (target instanceof ClassIndex ci) {
                    int c = classIndex(cell.strip(), ci.classes(), line, column);
                    maxIndex = Math.max(maxIndex, c);
                    values.add(c);
                } else if (declared.isEmpty()) {
                    Integer id = seen.get(cell);
                    if (id == null) {
                        id = seen.size();
                        seen.put(cell, id);
                    }
                    values.add(id);
                } else {
                    Integer c = declared.get(cell);
                    if (c == null) {
                        throw fault(line, column, "class " + show(cell) + " is not one of the declared "
                                + ((ClassLabels) target).labels());
                    }
                    values.add(c);
                }
                mask.add(1);
            }

            private void readReal(List<String> r, int line) {
                int empty = 0;
                for (int c : index) {
                    empty += r.get(c).isBlank() ? 1 : 0;
                }
                if (empty == index.length) {
                    missing();
                    return;
                }
                for (int k = 0; k < index.length; k++) {
                    String cell = r.get(index[k]);
                    if (empty > 0 && cell.isBlank()) {
                        throw fault(line, header.get(index[k]), "empty, but other columns of task " + show(target.task())
                                + " are not (a label is missing only when all its columns are empty)");
                    }
                    values.add(number(cell, line, header.get(index[k]), "target"));
                }
                mask.add(1);
            }

            private void missing() {
                for (int k = 0; k < index.length; k++) {
                    values.add(0);
                }
                mask.add(0);
            }

            private int classIndex(String cell, int classes, int line, String column) {
                String range = classes > 0 ? "0.." + (classes - 1) : "a non-negative integer";
                boolean negative = cell.startsWith("-");
                String digits = negative || cell.startsWith("+") ? cell.substring(1) : cell;
                boolean integer = !digits.isEmpty() && digits.length() <= 18;
                for (int i = 0; i < digits.length() && integer; i++) {
                    char ch = digits.charAt(i);
                    integer = ch >= '0' && ch <= '9';
                }
                if (!integer) {
                    boolean allDigits = !digits.isEmpty() && digits.chars().allMatch(ch -> ch >= '0' && ch <= '9');
                    if (!allDigits) {
                        throw fault(line, column, show(cell) + " is not a class index (" + range + ")");
                    }
                    throw fault(line, column, "class " + show(cell) + " is outside " + range);
                }
                long v = Long.parseLong(digits);
                if (negative && v != 0 || classes > 0 && v >= classes || v > Integer.MAX_VALUE - 1) {
                    throw fault(line, column, "class " + show(cell) + " is outside " + range);
                }
                return (int) v;
            }

            /** Final class names; remaps provisional ids of undeclared string labels to their sorted rank. */
            List<String> classNames(float[] v) {
                if (target instanceof ClassIndex ci) {
                    int count = ci.classes() > 0 ? ci.classes() : maxIndex + 1;
                    List<String> names = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        names.add(Integer.toString(i));
                    }
                    return names;
                }
                if (!declared.isEmpty()) {
                    return ((ClassLabels) target).labels();
                }
                String[] sorted = seen.keySet().toArray(new String[0]);
                Arrays.sort(sorted);
                Map<String, Integer> rank = new HashMap<>();
                for (int i = 0; i < sorted.length; i++) {
                    rank.put(sorted[i], i);
                }
                int[] remap = new int[seen.size()];
                seen.forEach((label, id) -> remap[id] = rank.get(label));
                float[] m = mask.toArray(rows);
                for (int i = 0; i < v.length; i++) {
                    if (m[i] != 0) {
                        v[i] = remap[(int) v[i]];
                    }
                }
                return List.of(sorted);
            }
        }
    }

    /** A cell or column name as shown in a message: quoted, cut to a few dozen characters, on one line. */
    static String show(String cell) {
        return "'" + oneLine(cell) + "'";
    }

    /** Cut to a few dozen characters, line breaks written as escapes, so a message stays one line. */
    static String oneLine(String text) {
        String s = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text;
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** A growing float array of rows of a fixed width. */
    private static final class Floats {
        private float[] a;
        private int n;

        Floats(int width) {
            a = new float[Math.max(16, 1024 * width)];
        }

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        float[] toArray(int rows) {
            return n == a.length ? a : Arrays.copyOf(a, n);
        }
    }

    /**
     * Number cells: Java decimal floats only. {@link Float#parseFloat} alone would also take hexadecimal floats,
     * type suffixes ({@code 1f}, {@code 2d}), {@code NaN} and {@code Infinity}; a scan of the characters first
     * keeps those out without a regular expression.
     */
    static final class Numbers {
        enum Fault { EMPTY, NOT_A_NUMBER, NOT_FINITE }

        private Numbers() {
        }

        /** The finite value of {@code cell}, or NaN if it is not a finite decimal number ({@link #fault} says why). */
        static float parse(String cell) {
            int from = 0;
            int to = cell.length();
            while (from < to && cell.charAt(from) == ' ') {
                from++;
            }
            while (to > from && cell.charAt(to - 1) == ' ') {
                to--;
            }
            boolean digit = false;
            for (int i = from; i < to; i++) {
                char c = cell.charAt(i);
                if (c >= '0' && c <= '9') {
                    digit = true;
                } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                    return Float.NaN;
                }
            }
            if (!digit) {
                return Float.NaN;
            }
            float fast = exactDecimal(cell, from, to);
            if (!Float.isNaN(fast)) {
                return fast;
            }
            try {
                float v = Float.parseFloat(from == 0 && to == cell.length() ? cell : cell.substring(from, to));
                return Float.isInfinite(v) ? Float.NaN : v;
            } catch (NumberFormatException e) {
                return Float.NaN;
            }
        }

        private static final float[] POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

        /**
         * Plain decimals ({@code [-+]digits[.digits]}, no exponent) whose digits m fit in 2^24 and that have at most
         * 10 decimals: m and 10^k are then exact floats, so m / 10^k is one correctly rounded division, equal to
         * {@link Float#parseFloat} (Clinger's fast path). Anything else is NaN, for the general parser.
         */
        private static float exactDecimal(String s, int from, int to) {
            int i = from;
            boolean negative = false;
            char c = s.charAt(i);
            if (c == '-' || c == '+') {
                negative = c == '-';
                i++;
            }
            int m = 0;
            int decimals = -1;
            int digits = 0;
            for (; i < to; i++) {
                c = s.charAt(i);
                if (c == '.') {
                    if (decimals >= 0) {
                        return Float.NaN;
                    }
                    decimals = 0;
                    continue;
                }
                if (c < '0' || c > '9' || ++digits > 8) {
                    return Float.NaN;
                }
                m = m * 10 + (c - '0');
                if (decimals >= 0) {
                    decimals++;
                }
            }
            int k = Math.max(decimals, 0);
            if (digits == 0 || m > (1 << 24) || k >= POWERS_OF_TEN.length) {
                return Float.NaN;
            }
            float v = m / POWERS_OF_TEN[k];
            return negative ? -v : v;
        }

        /** Why {@link #parse} refused {@code cell} (only called on that path, so it may be slow). */
        static Fault fault(String cell) {
            String s = cell.strip();
            if (s.isEmpty()) {
                return Fault.EMPTY;
            }
            String t = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
            boolean named = t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity");
            boolean overflow = false;
            if (!named) {
                try {
                    overflow = Float.isInfinite(Float.parseFloat(s)) && t.chars().allMatch(
                            c -> c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+');
                } catch (NumberFormatException e) {
                    overflow = false;
                }
            }
            return named || overflow ? Fault.NOT_FINITE : Fault.NOT_A_NUMBER;
        }
    }
}
