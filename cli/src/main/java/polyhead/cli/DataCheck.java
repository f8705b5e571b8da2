package polyhead.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InputSpecKt;
import polyhead.dsl.spec.TaskSpec;
import polyhead.mtl.arch.Architecture;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Checks a spec against the data it is to train or evaluate on, before any training, each fault one line naming the
 * spec's file and JSON path: every task of the spec is a task of the data, with the same kind of labels; the spec's input
 * holds as many values as a sample; each head outputs one logit per class (per pixel for pixel maps) or as many
 * values as a real target has. A derived task is not a task of the data: its source is. Then fits the data to the
 * spec: inputs reshaped to the spec's input, and the rest is the core's binding ({@code Experiment.bind}): derived
 * tasks' labels, targets in their head's shape (e.g. [N] to [N, 1]), the data's other tasks dropped. Neither the
 * training nor the test data may be empty, and before training {@link #trainable} checks the spec's sizes.
 */
final class DataCheck {
    private DataCheck() {
    }

    static DataSources.RunData fit(Path source, ExperimentSpec spec, CompiledExperiment exp, DataSources.RunData data) {
        Architecture arch = exp.getArchitecture();
        List<TaskSpec> all = spec.getTasks();
        // a derived task's labels come from its source, which the checks below see
        List<TaskSpec> tasks = all.stream().filter(t -> t.getDerivedFrom() == null).toList();
        for (int i = 0; i < all.size(); i++) {
            TaskSpec t = all.get(i);
            if (t.getDerivedFrom() != null) {
                continue;
            }
            DataSources.TaskLabels labels = data.tasks().get(t.getName());
            if (labels == null) {
                throw UserError.of(source + ": $.tasks[" + i + "].name: dataset " + data.name() + " has no task '" + t.getName()
                        + "'; its tasks: " + String.join(", ", data.tasks().keySet()));
            }
            LabelType wanted = DataSources.labelType(t.getLabels());
            if (labels.type() != wanted) {
                throw UserError.of(source + ": $.tasks[" + i + "].labels: task " + t.getName() + " of dataset " + data.name()
                        + " has " + name(labels.type()) + " labels, the spec says " + name(wanted));
            }
        }
        for (var part : List.of(Map.entry("training", data.train()), Map.entry("test", data.test()))) {
            if (part.getValue().size() == 0) {
                throw UserError.of(source + ": dataset " + data.name() + " has no " + part.getKey() + " rows ("
                        + data.description() + ")");
            }
        }
        int[] input = InputSpecKt.modelInput(spec).stream().mapToInt(Integer::intValue).toArray();
        int[] sample = sampleDims(data.train().inputs().shape());
        if (size(input) != size(sample)) {
            throw UserError.of(source + (spec.getInputs().isEmpty() ? ": $.input" : ": $.inputs") + ": dataset " + data.name() + " has samples of shape " + Arrays.toString(sample)
                    + " (" + size(sample) + " values), the spec's input is " + InputSpecKt.modelInput(spec) + " (" + size(input)
                    + " values)");
        }
        Dataset probe = reshape(data.train(), input, tasks).rows(new int[] {0});
        Map<String, Shape> outputs = outputShapes(arch, probe);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).getDerivedFrom() != null) {
                continue;
            }
            String task = all.get(i).getName();
            DataSources.TaskLabels labels = data.tasks().get(task);
            int[] out = sampleDims(outputs.get(task));
            int[] target = sampleDims(probe.targets(task).shape());
            String fault = switch (labels.type()) {
                case CLASS_INDEX -> out.length == 1 && out[0] == labels.classes() ? null
                        : "one logit per class (" + labels.classes() + ")";
                case PIXEL_CLASS_MAP -> out.length == 3 && out[0] == labels.classes() && target.length == 2
                        && out[1] == target[0] && out[2] == target[1] ? null
                        : "[" + labels.classes() + ", H, W] logits for label maps " + Arrays.toString(target);
                case REAL_VECTOR, BINARY -> size(out) == size(target) ? null
                        : size(target) + " value(s) per sample, as its labels";
                // the tool's datasets are fixed-size; per-token labels come from sentence data
                case TOKEN_CLASS -> "per-sample labels (its tasks are not per token)";
            };
            if (fault != null) {
                throw UserError.of(source + ": $.tasks[" + i + "].head: task " + task + " of dataset " + data.name() + " needs "
                        + fault + ", the head outputs " + Arrays.toString(out) + " per sample");
            }
        }
        return new DataSources.RunData(data.name(), data.description(),
                bind(source, exp, reshape(data.train(), input, tasks)), bind(source, exp, reshape(data.test(), input, tasks)),
                data.tasks());
    }

    /**
     * Checks, before training, that the spec's sizes fit the training data ({@code Experiment.checkSizes}): its
     * {@code validationSplit} leaves a row in each part. A fault is one line at the spec's JSON path, e.g. {@code
     * $.training.validationSplit: 0.1 of 3 rows leaves no validation row; give at least 10 rows or drop the split}.
     */
    static void trainable(Path source, CompiledExperiment exp, Dataset train) {
        try {
            exp.getExperiment().checkSizes(train, null);
        } catch (DataException e) {
            // the core names the plan's field (training.validationSplit), which is the spec's field under $
            throw UserError.of(source + ": " + (e.getMessage().startsWith("training.") ? "$." : "") + e.getMessage());
        }
    }

    /** The data bound to the experiment by the core: derived labels, targets in their heads' shapes. */
    private static Dataset bind(Path source, CompiledExperiment exp, Dataset d) {
        try {
            return exp.getExperiment().bind(d);
        } catch (DataException e) {
            throw UserError.of(source + ": " + e.getMessage());
        }
    }

    /** The spec's (not derived) tasks of {@code d}, in its order, with inputs reshaped per sample; sample weights kept. */
    private static Dataset reshape(Dataset d, int[] input, List<TaskSpec> tasks) {
        Dataset only = d.selectTasks(tasks.stream().map(TaskSpec::getName).toList());
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        for (String t : only.tasks()) {
            targets.put(t, only.targets(t));
            masks.put(t, only.mask(t));
        }
        Dataset reshaped = Dataset.of(d.inputs().reshape(withRows(d.size(), input)), targets, masks);
        for (String t : only.tasks()) {
            if (only.sampleWeights(t) != null) {
                reshaped = reshaped.withSampleWeights(t, only.sampleWeights(t));
            }
        }
        return reshaped;
    }

    /** Each task's output shape for the one-sample dataset {@code probe}, in evaluation mode. */
    private static Map<String, Shape> outputShapes(Architecture arch, Dataset probe) {
        arch.eval();
        try {
            Map<String, Shape> shapes = new LinkedHashMap<>();
            arch.outputs(Var.constant(probe.inputs())).forEach((t, v) -> shapes.put(t, v.shape()));
            return shapes;
        } finally {
            arch.train(true);
        }
    }

    private static int[] withRows(int n, int[] sample) {
        int[] dims = new int[sample.length + 1];
        dims[0] = n;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        return dims;
    }

    private static int[] sampleDims(Shape s) {
        return Arrays.copyOfRange(s.dims(), 1, s.rank());
    }

    private static long size(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** A label type as the spec writes it. */
    static String name(LabelType t) {
        return switch (t) {
            case CLASS_INDEX -> "classIndex";
            case BINARY -> "binary";
            case REAL_VECTOR -> "realVector";
            case PIXEL_CLASS_MAP -> "pixelClassMap";
            case TOKEN_CLASS -> "tokenClass";
        };
    }
}
