package polyhead.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.DataException;
import polyhead.data.LabelType;
import polyhead.experiment.Experiment;
import polyhead.experiment.InputPlan;
import polyhead.experiment.ModelDescription;
import polyhead.experiment.TaskPlan;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Where a DataFrame holds a sample: the features of each model input in numeric columns or in one array column of
 * numbers (a model of several named inputs has its inputs side by side, in its order, as
 * {@code polyhead.data.InputLayout} packs them), and each task's label in a numeric column, or — for a task whose
 * head outputs several values (a multi-label BCE task, a vector regression) — in an array column of that many
 * numbers; null is a missing label. Checked against the DataFrame's schema before any work ({@link #check}), and read
 * row by row on the executors ({@link #read}); every fault is one line naming the column (and the input, for a model
 * of several).
 *
 * @param inputs     where each input's features are, in the model's input order
 * @param labels     each task's label column, in the model's task order; null for a task this DataFrame holds no
 *                   labels of (one task's DataFrame under multi-source sampling), whose labels then read as missing
 * @param labelSizes each task's values per label: 1 (a number per row), or K (an array of K numbers per row)
 */
record FrameLayout(List<Features> inputs, Map<String, String> labels, Map<String, Integer> labelSizes)
        implements Serializable {
    /**
     * The features of one model input.
     *
     * @param input   the input's name, or null for a model of one input
     * @param columns its numeric columns in order, or empty when {@code vector} is given
     * @param vector  the array column holding its values, or null
     * @param width   its number of values per sample
     */
    record Features(String input, List<String> columns, String vector, int width) implements Serializable {
        Features {
            columns = List.copyOf(columns);
        }

        /** " (input NAME)" for a named input, else nothing: how faults name the input. */
        String role() {
            return input == null ? "" : " (input " + input + ")";
        }
    }

    FrameLayout {
        inputs = List.copyOf(inputs);
        labels = new LinkedHashMap<>(labels);
        labelSizes = new LinkedHashMap<>(labelSizes);
    }

    /** A model of one input, {@code width} values in {@code features} or {@code vector}, each label one number. */
    FrameLayout(List<String> features, String vector, Map<String, String> labels, int width) {
        this(List.of(new Features(null, features, vector, width)), labels, ones(labels));
    }

    private static Map<String, Integer> ones(Map<String, String> labels) {
        Map<String, Integer> m = new LinkedHashMap<>();
        labels.keySet().forEach(t -> m.put(t, 1));
        return m;
    }

    /**
     * The layout of {@code options} for {@code experiment}, whose model takes inputs of shape {@code input}
     * ({@link #modelInput}): its inputs' columns in the model's input order, each task's label column (a task whose
     * labels are derived from another's has none) and each label's number of values — 1 for class indices and for a
     * head of one output, else what the task's head outputs per sample (found by running the model once, in
     * evaluation mode, on a sample of zeros).
     *
     * @throws IllegalArgumentException one line naming the input or task the options do not fit
     */
    static FrameLayout of(Experiment experiment, SparkTrainingOptions options, int[] input) {
        ModelDescription d = experiment.modelDescription();
        List<Features> features = new ArrayList<>();
        if (options.inputs().isEmpty()) {
            features.add(new Features(null, options.featureColumns(), options.vectorColumn(),
                    Arrays.stream(input).reduce(1, Math::multiplyExact)));
        } else {
            List<String> names = d.inputs().stream().map(InputPlan::name).toList();
            for (SparkTrainingOptions.InputColumns c : options.inputs()) {
                if (!names.contains(c.input())) {
                    throw new IllegalArgumentException("input '" + c.input() + "': the model has no such input; its "
                            + "inputs are " + names);
                }
            }
            for (InputPlan p : d.inputs()) {
                SparkTrainingOptions.InputColumns c = options.inputs().stream()
                        .filter(i -> i.input().equals(p.name())).findFirst().orElseThrow(() ->
                                new IllegalArgumentException("input '" + p.name() + "': no columns given for it; "
                                        + "the model's inputs are " + names));
                features.add(new Features(p.name(), c.columns(), c.vector(),
                        Arrays.stream(p.shape()).reduce(1, Math::multiplyExact)));
            }
        }
        List<String> tasks = experiment.architecture().taskNames();
        for (String t : options.labelColumns().keySet()) {
            if (!tasks.contains(t)) {
                throw new IllegalArgumentException("label column for task '" + t + "': the experiment has no such "
                        + "task; its tasks are " + tasks);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String t : tasks) {
            TaskPlan p = d == null ? null : d.task(t);
            if (p == null || p.derived() == null) {
                labels.put(t, options.labelColumn(t));
            }
        }
        Map<String, int[]> outputs = headOutputs(experiment, input);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String t : labels.keySet()) {
            LabelType type = d == null || d.task(t) == null ? null : d.task(t).labels();
            int[] out = outputs.get(t);
            int from = type == LabelType.PIXEL_CLASS_MAP ? 1 : 0;
            sizes.put(t, type == LabelType.CLASS_INDEX ? 1
                    : Arrays.stream(out, from, out.length).reduce(1, Math::multiplyExact));
        }
        return new FrameLayout(features, labels, sizes);
    }

    /** Each task's output per sample, from one forward pass in evaluation mode on a sample of zeros. */
    private static Map<String, int[]> headOutputs(Experiment experiment, int[] input) {
        int[] dims = new int[input.length + 1];
        dims[0] = 1;
        System.arraycopy(input, 0, dims, 1, input.length);
        var arch = experiment.architecture();
        Map<String, int[]> out = new LinkedHashMap<>();
        arch.train(false);
        try (var scope = GradMode.noGrad()) {
            arch.outputs(Var.constant(Tensor.zeros(Shape.of(dims)))).forEach((t, v) -> {
                int[] s = v.value().shape().dims();
                out.put(t, Arrays.copyOfRange(s, 1, s.length));
            });
        } finally {
            arch.train(true);
        }
        return out;
    }

    /**
     * The model's input shape: the experiment's described input; for a model of several named inputs the packed row
     * of their values side by side ({@code polyhead.data.InputLayout}); else one value per feature column.
     *
     * @throws IllegalArgumentException if the options' kind of features does not fit the model
     */
    static int[] modelInput(Experiment experiment, SparkTrainingOptions options) {
        ModelDescription d = experiment.modelDescription();
        if (d != null && !d.inputs().isEmpty()) {
            if (options.inputs().isEmpty()) {
                throw new IllegalArgumentException("inputs: the model has several named inputs " + d.inputs().stream()
                        .map(InputPlan::name).toList() + "; give each its columns (SparkTrainingOptions.input, "
                        + "withInput, withInputVector)");
            }
            return new int[] {InputPlan.layout(d.inputs()).width()};
        }
        if (!options.inputs().isEmpty()) {
            throw new IllegalArgumentException("inputs: the model has one input, not named ones; give its columns with "
                    + "SparkTrainingOptions.features or vector");
        }
        if (d != null && d.input().length > 0) {
            return d.input();
        }
        if (options.vectorColumn() != null) {
            throw new IllegalArgumentException("the experiment describes no input shape; name its feature columns "
                    + "(SparkTrainingOptions.features) instead of a vector column");
        }
        return new int[] {options.featureColumns().size()};
    }

    /** The values of one sample's inputs together. */
    int width() {
        return inputs.stream().mapToInt(Features::width).sum();
    }

    /** This layout for the DataFrame of {@code task} alone: the other tasks' labels read as missing. */
    FrameLayout onlyTask(String task) {
        Map<String, String> m = new LinkedHashMap<>();
        labels.forEach((t, column) -> m.put(t, t.equals(task) ? column : null));
        return new FrameLayout(inputs, m, labelSizes);
    }

    /** Rows read by {@link #read}, as a table. */
    SampleTable table(List<float[]> rows) {
        return new SampleTable(width(), List.copyOf(labels.keySet()),
                labelSizes.values().stream().mapToInt(Integer::intValue).toArray(), rows);
    }

    /** Indices of the layout's columns in {@code schema}; throws naming the first missing or mistyped column. */
    int[] check(StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        List<Integer> idx = new ArrayList<>();
        for (Features in : inputs) {
            if (in.vector() != null) {
                DataType t = field(schema, names, in.vector()).dataType();
                if (!numbers(t)) {
                    throw new DataException("DataFrame column '" + in.vector() + "'" + in.role() + ": the feature "
                            + "vector must be an array of numbers (array<float> or array<double>), got "
                            + t.simpleString());
                }
                idx.add(names.indexOf(in.vector()));
            } else {
                if (in.columns().size() != in.width()) {
                    throw new DataException("DataFrame: " + in.columns().size() + " feature columns for "
                            + (in.input() == null ? "a model input" : "input '" + in.input() + "'") + " of "
                            + in.width() + " values");
                }
                for (String f : in.columns()) {
                    numeric(field(schema, names, f), in.input() == null ? "feature" : "feature of input "
                            + in.input());
                    idx.add(names.indexOf(f));
                }
            }
        }
        labels.forEach((task, column) -> {
            if (column != null) {
                StructField f = field(schema, names, column);
                int size = labelSizes.get(task);
                if (size == 1) {
                    numeric(f, "label of task " + task);
                } else if (!numbers(f.dataType())) {
                    throw new DataException("DataFrame column '" + column + "' (label of task " + task + "): the head "
                            + "outputs " + size + " values, so the labels must be arrays of " + size + " numbers, got "
                            + f.dataType().simpleString());
                }
                idx.add(names.indexOf(column));
            }
        });
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean numbers(DataType t) {
        return t instanceof ArrayType a && a.elementType() instanceof NumericType;
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
     * Row {@code index} as {@link #width} features followed by each task's label values (NaN for a missing label).
     *
     * @param columns what {@link #check} returned
     */
    float[] read(Row row, long index, int[] columns) {
        float[] x = new float[width() + labelSizes.values().stream().mapToInt(Integer::intValue).sum()];
        int c = 0;
        int at = 0;
        for (Features in : inputs) {
            if (in.vector() != null) {
                int col = columns[c++];
                if (row.isNullAt(col)) {
                    throw new DataException("DataFrame column '" + in.vector() + "'" + in.role() + ": null in row "
                            + index + "; features may not be missing");
                }
                List<Object> v = row.getList(col);
                if (v.size() != in.width()) {
                    throw new DataException("DataFrame column '" + in.vector() + "'" + in.role() + ": row " + index
                            + " holds " + v.size() + " values, the model's input " + in.width());
                }
                for (int i = 0; i < in.width(); i++) {
                    Object o = v.get(i);
                    if (o == null) {
                        throw new DataException("DataFrame column '" + in.vector() + "'" + in.role() + ": null at "
                                + "position " + i + " of row " + index + "; features may not be missing");
                    }
                    x[at++] = ((Number) o).floatValue();
                }
            } else {
                for (String f : in.columns()) {
                    int col = columns[c++];
                    if (row.isNullAt(col)) {
                        throw new DataException("DataFrame column '" + f + "'" + in.role() + ": null in row " + index
                                + "; features may not be missing");
                    }
                    x[at++] = ((Number) row.get(col)).floatValue();
                }
            }
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            int size = labelSizes.get(e.getKey());
            String column = e.getValue();
            if (column == null || row.isNullAt(columns[c])) {
                Arrays.fill(x, at, at + size, Float.NaN);
                at += size;
                c += column == null ? 0 : 1;
                continue;
            }
            int col = columns[c++];
            if (size == 1) {
                x[at++] = label(row.get(col), column, index, -1);
                continue;
            }
            List<Object> v = row.getList(col);
            if (v.size() != size) {
                throw new DataException("DataFrame column '" + column + "' (label of task " + e.getKey() + "): row "
                        + index + " holds " + v.size() + " values, the head outputs " + size);
            }
            for (int i = 0; i < size; i++) {
                Object o = v.get(i);
                if (o == null) {
                    throw new DataException("DataFrame column '" + column + "': null at position " + i + " of row "
                            + index + "; a missing label is a null array, not a null inside one");
                }
                x[at++] = label(o, column, index, i);
            }
        }
        return x;
    }

    /** A label value, refusing NaN (a missing label is null); {@code position} -1 for a one-number label. */
    private static float label(Object o, String column, long index, int position) {
        float v = ((Number) o).floatValue();
        if (Float.isNaN(v)) {
            throw new DataException("DataFrame column '" + column + "': NaN " + (position < 0 ? "in" : "at position "
                    + position + " of") + " row " + index + "; a missing label is null");
        }
        return v;
    }
}
