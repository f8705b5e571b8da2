package polyhead.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import polyhead.data.DataException;

/**
 * Where a DataFrame holds a sample: its features in numeric columns or in one array column of numbers, and each
 * task's label in a numeric column (null = the label is missing). Checked against the DataFrame's schema before any
 * work ({@link #check}), and read row by row on the executors ({@link #read}); every fault is one line naming the
 * column.
 *
 * @param features the feature columns in input order, or empty when {@code vector} is given
 * @param vector   the array column holding a sample's features, or null
 * @param labels   each task's label column, in the model's task order; null for a task this DataFrame holds no
 *                 labels of (one task's DataFrame under multi-source sampling), whose labels then read as missing
 * @param width    the number of features a sample has (the model's input size)
 */
record FrameLayout(List<String> features, String vector, Map<String, String> labels, int width)
        implements Serializable {
    FrameLayout {
        features = List.copyOf(features);
        labels = new LinkedHashMap<>(labels);
    }

    /** This layout for the DataFrame of {@code task} alone: the other tasks' labels read as missing. */
    FrameLayout onlyTask(String task) {
        Map<String, String> m = new LinkedHashMap<>();
        labels.forEach((t, column) -> m.put(t, t.equals(task) ? column : null));
        return new FrameLayout(features, vector, m, width);
    }

    /** Indices of the layout's columns in {@code schema}; throws naming the first missing or mistyped column. */
    int[] check(StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        List<Integer> idx = new ArrayList<>();
        if (vector != null) {
            DataType t = field(schema, names, vector).dataType();
            if (!(t instanceof ArrayType a) || !(a.elementType() instanceof NumericType)) {
                throw new DataException("DataFrame column '" + vector + "': the feature vector must be an array of "
                        + "numbers (array<float> or array<double>), got " + t.simpleString());
            }
            idx.add(names.indexOf(vector));
        } else {
            if (features.size() != width) {
                throw new DataException("DataFrame: " + features.size() + " feature columns for a model input of "
                        + width + " values");
            }
            for (String f : features) {
                numeric(field(schema, names, f), "feature");
                idx.add(names.indexOf(f));
            }
        }
        labels.forEach((task, column) -> {
            if (column != null) {
                numeric(field(schema, names, column), "label of task " + task);
                idx.add(names.indexOf(column));
            }
        });
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static StructField field(StructType schema, List<String> names, String column) {
        if (!names.contains(column)) {
            throw new DataException("DataFrame column '" + column + "': no such column; the DataFrame has " + names);
        }
        return schema.fields()[names.indexOf(column)];
    }

    private static void numeric(StructField f, String role) {
        if (!(f.dataType() instanceof NumericType)) {
            throw new DataException("DataFrame column '" + f.name() + "' (" + role + "): must hold numbers, got "
                    + f.dataType().simpleString());
        }
    }

    /**
     * Row {@code index} as {@code width} features followed by one label per task (NaN for a missing label).
     *
     * @param columns what {@link #check} returned
     */
    float[] read(Row row, long index, int[] columns) {
        float[] x = new float[width + labels.size()];
        int c = 0;
        if (vector != null) {
            int col = columns[c++];
            if (row.isNullAt(col)) {
                throw new DataException("DataFrame column '" + vector + "': null in row " + index
                        + "; features may not be missing");
            }
            List<Object> v = row.getList(col);
            if (v.size() != width) {
                throw new DataException("DataFrame column '" + vector + "': row " + index + " holds " + v.size()
                        + " values, the model's input " + width);
            }
            for (int i = 0; i < width; i++) {
                Object o = v.get(i);
                if (o == null) {
                    throw new DataException("DataFrame column '" + vector + "': null at position " + i + " of row "
                            + index + "; features may not be missing");
                }
                x[i] = ((Number) o).floatValue();
            }
        } else {
            for (int i = 0; i < width; i++) {
                int col = columns[c++];
                if (row.isNullAt(col)) {
                    throw new DataException("DataFrame column '" + features.get(i) + "': null in row " + index
                            + "; features may not be missing");
                }
                x[i] = ((Number) row.get(col)).floatValue();
            }
        }
        int t = width;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getValue() == null) {
                x[t++] = Float.NaN;
                continue;
            }
            int col = columns[c++];
            if (row.isNullAt(col)) {
                x[t++] = Float.NaN;
                continue;
            }
            float v = ((Number) row.get(col)).floatValue();
            if (Float.isNaN(v)) {
                throw new DataException("DataFrame column '" + e.getValue() + "': NaN in row " + index
                        + "; a missing label is null");
            }
            x[t++] = v;
        }
        return x;
    }
}
