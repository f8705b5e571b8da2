package polyhead.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
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
 * values as a real target has. Then fits the data to the spec: inputs reshaped to the spec's input, real targets to
 * their head's output (e.g. [N] to [N, 1]), the data's other tasks dropped.
 */
final class DataCheck {
    private DataCheck() {
    }

    static DataSources.RunData fit(Path source, ExperimentSpec spec, Architecture arch, DataSources.RunData data) {
        List<TaskSpec> tasks = spec.getTasks();
        for (int i = 0; i < tasks.size(); i++) {
            TaskSpec t = tasks.get(i);
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
        int[] input = InputSpecKt.modelInput(spec).stream().mapToInt(Integer::intValue).toArray();
        int[] sample = sampleDims(data.train().inputs().shape());
        if (size(input) != size(sample)) {
            throw UserError.of(source + (spec.getInputs().isEmpty() ? ": $.input" : ": $.inputs") + ": dataset " + data.name() + " has samples of shape " + Arrays.toString(sample)
                    + " (" + size(sample) + " values), the spec's input is " + InputSpecKt.modelInput(spec) + " (" + size(input)
                    + " values)");
        }
        Dataset probe = reshape(data.train(), input, tasks, Map.of()).rows(new int[] {0});
        Map<String, Shape> outputs = outputShapes(arch, probe);
        Map<String, int[]> targetShapes = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            String task = tasks.get(i).getName();
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
            };
            if (fault != null) {
                throw UserError.of(source + ": $.tasks[" + i + "].head: task " + task + " of dataset " + data.name() + " needs "
                        + fault + ", the head outputs " + Arrays.toString(out) + " per sample");
            }
            if ((labels.type() == LabelType.REAL_VECTOR || labels.type() == LabelType.BINARY)
                    && !Arrays.equals(out, target)) {
                targetShapes.put(task, out);
            }
        }
        return new DataSources.RunData(data.name(), data.description(),
                reshape(data.train(), input, tasks, targetShapes), reshape(data.test(), input, tasks, targetShapes),
                data.tasks());
    }

    /** The spec's tasks of {@code d}, in its order, with inputs and the given targets reshaped per sample. */
    private static Dataset reshape(Dataset d, int[] input, List<TaskSpec> tasks, Map<String, int[]> targetShapes) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        for (TaskSpec t : tasks) {
            Tensor y = d.targets(t.getName());
            int[] s = targetShapes.get(t.getName());
            targets.put(t.getName(), s == null ? y : y.reshape(withRows(d.size(), s)));
            masks.put(t.getName(), d.mask(t.getName()));
        }
        return Dataset.of(d.inputs().reshape(withRows(d.size(), input)), targets, masks);
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
        };
    }
}
