package polyhead.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.Csv.ClassIndex;
import polyhead.data.Csv.ClassLabels;
import polyhead.data.Csv.Real;
import polyhead.data.Csv.Spec;
import polyhead.data.Csv.Target;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.io.CsvRecords;
import polyhead.io.UserText;
import polyhead.io.CsvNumbers;

/** One pass over one file: the header, then the rows into growing columns, then the dataset. */
final class CsvReading {
    private final String file;
    private final Spec spec;
    private final CsvRecords records;
    private List<String> header;
    private int[] featureIndex;
    private final List<Column> columns = new ArrayList<>();
    private CsvFloats features;
    private int sampleWeightIndex = -1;
    private final CsvFloats sampleWeights = new CsvFloats(1);
    private int rows;

    CsvReading(String file, Spec spec, CsvRecords records) {
        this.file = file;
        this.spec = spec;
        this.records = records;
    }

    Csv.Table run() throws IOException {
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
            String name = header.get(i);
            // a label by UserText's rule, or empty: pandas writes an empty name over its index column
            String fault = name.isEmpty() ? null : UserText.labelFault(name);
            if (fault != null) {
                throw new DataException(file + ": line " + line + ", column " + (i + 1) + " of the header: " + fault);
            }
            Integer before = index.put(name, i);
            if (before != null) {
                throw new DataException(file + ": line " + line + ", column " + CsvRecords.show(header.get(i))
                        + ": appears twice in the header (fields " + (before + 1) + " and " + (i + 1) + ")");
            }
        }
        records.header(header);
        boolean[] used = new boolean[header.size()];
        if (spec.sampleWeights() != null) {
            sampleWeightIndex = resolve(index, spec.sampleWeights(), line);
            used[sampleWeightIndex] = true;
        }
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
        features = new CsvFloats(featureIndex.length);
    }

    private int resolve(Map<String, Integer> index, String name, int line) {
        Integer i = index.get(name);
        if (i == null) {
            List<String> shown = header.size() > 20 ? header.subList(0, 20) : header;
            List<String> names = shown.stream().map(UserText::shown).toList();
            throw new DataException(file + ": line " + line + ": unknown column " + CsvRecords.show(name) + "; the header has "
                    + String.join(", ", names) + (header.size() > 20 ? ", … (" + header.size() + " columns)" : ""));
        }
        return i;
    }

    private void row(List<String> r) {
        int line = records.line();
        if (r.size() != header.size()) {
            String where = r.size() < header.size()
                    ? "column " + CsvRecords.show(header.get(r.size())) + " is missing"
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
        if (sampleWeightIndex >= 0) {
            String column = header.get(sampleWeightIndex);
            float w = number(r.get(sampleWeightIndex), line, column, "sample weight");
            if (w < 0) {
                throw fault(line, column, "sample weight " + w + " is negative (weights are finite numbers >= 0)");
            }
            sampleWeights.add(w);
        }
        rows++;
    }

    private float number(String cell, int line, String column, String what) {
        float v = CsvNumbers.parse(cell);
        if (!Float.isNaN(v)) {
            return v;
        }
        throw switch (CsvNumbers.fault(cell)) {
            case EMPTY -> fault(line, column, "empty " + what + " cell");
            case NOT_FINITE -> fault(line, column, CsvRecords.show(cell) + " is NaN or infinite"
                    + (what.equals("target") ? " (leave the cell empty for a missing label)" : ""));
            case NOT_A_NUMBER -> fault(line, column, CsvRecords.show(cell) + " is not a number");
        };
    }

    private DataException fault(int line, String column, String message) {
        return new DataException(file + ": line " + line + ", column " + CsvRecords.show(column) + ": " + message);
    }

    private Csv.Table build() {
        Tensor inputs = Tensor.wrap(Shape.of(rows, featureIndex.length), features.toArray(rows));
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        Map<String, LabelType> types = new LinkedHashMap<>();
        Map<String, List<String>> classes = new LinkedHashMap<>();
        for (Column c : columns) {
            String task = c.target.task();
            masks.put(task, Tensor.wrap(Shape.of(rows), c.mask.toArray(rows)));
            float[] values = c.values.toArray(rows);
            if (c.target instanceof Real || c.target instanceof Csv.Binary) {
                int k = c.target.columns().size();
                targets.put(task, Tensor.wrap(k == 1 ? Shape.of(rows) : Shape.of(rows, k), values));
                types.put(task, c.target instanceof Real ? LabelType.REAL_VECTOR : LabelType.BINARY);
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
        Dataset data = Dataset.of(inputs, targets, masks);
        if (sampleWeightIndex >= 0) {
            data = data.withSampleWeights(Tensor.wrap(Shape.of(rows), sampleWeights.toArray(rows)));
        }
        return new Csv.Table(data, names, types, classes);
    }

    /** The growing targets and mask of one task. */
    private final class Column {
        final Target target;
        final int[] index;
        final CsvFloats values;
        final CsvFloats mask = new CsvFloats(1);
        /** Class tasks of undeclared string labels: label → provisional id in order of first appearance. */
        final Map<String, Integer> seen = new LinkedHashMap<>();
        /** Class tasks of declared string labels: label → class. */
        final Map<String, Integer> declared = new HashMap<>();
        int maxIndex = -1;

        Column(Target target, int[] index) {
            this.target = target;
            this.index = index;
            this.values = new CsvFloats(index.length);
            if (target instanceof ClassLabels cl) {
                for (int i = 0; i < cl.labels().size(); i++) {
                    declared.put(cl.labels().get(i), i);
                }
            }
        }

        void read(List<String> r, int line) {
            if (target instanceof Real || target instanceof Csv.Binary) {
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
                    throw fault(line, column, "class " + CsvRecords.show(cell) + " is not one of the declared "
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
                    throw fault(line, header.get(index[k]), "empty, but other columns of task " + CsvRecords.show(target.task())
                            + " are not (a label is missing only when all its columns are empty)");
                }
                float v = number(cell, line, header.get(index[k]), "target");
                if (target instanceof Csv.Binary && v != 0 && v != 1) {
                    throw fault(line, header.get(index[k]), CsvRecords.show(cell) + " is not a binary label (0 or 1; "
                            + "leave the cell empty for a missing label)");
                }
                values.add(v);
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
                    throw fault(line, column, CsvRecords.show(cell) + " is not a class index (" + range + ")");
                }
                throw fault(line, column, "class " + CsvRecords.show(cell) + " is outside " + range);
            }
            long v = Long.parseLong(digits);
            if (negative && v != 0 || classes > 0 && v >= classes || v > Integer.MAX_VALUE - 1) {
                throw fault(line, column, "class " + CsvRecords.show(cell) + " is outside " + range);
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
