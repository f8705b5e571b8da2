package polyhead.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * What an experiment needs of its data, checked and fitted once when data is bound to it
 * ({@link Experiment#bind(Dataset)}), not at the first step: the data's tasks that are not the experiment's left out,
 * derived tasks' labels computed from their sources, and
 * each task's targets reconciled with what its head outputs — a real or binary target [N] read from one column
 * becomes [N, 1] for a head that outputs [1] (any targets with the head's number of values per sample take its
 * shape), class indices [N, 1] become [N] — or refused in one line naming both shapes.
 */
final class DataBinding {
    private final List<TaskPlan> tasks;
    private final Map<String, int[]> outputs;
    /** A sequence model's vocabulary, or null for fixed-size data. */
    private final Vocabulary vocabulary;
    /** The longest sentence a sequence model takes (its learned position table's rows), or 0 for any. */
    private final int maxLength;

    /**
     * @param outputs    each task's head output per sample, as traced when the experiment was built
     * @param vocabulary a sequence model's vocabulary, or null
     * @param maxLength  the longest sentence a sequence model takes, 0 for any
     */
    DataBinding(List<TaskPlan> tasks, Map<String, int[]> outputs, Vocabulary vocabulary, int maxLength) {
        this.vocabulary = vocabulary;
        this.maxLength = maxLength;
        this.tasks = List.copyOf(tasks);
        this.outputs = new LinkedHashMap<>();
        outputs.forEach((t, o) -> this.outputs.put(t, o.clone()));
    }

    /**
     * {@code data} with the experiment's tasks only, in its order: every derived task's labels added and every task's
     * targets in its head's shape.
     *
     * @throws DataException one line naming the task and both shapes, or the row at fault
     */
    Dataset bind(Dataset data) {
        if (vocabulary != null) {
            throw new DataException("data: the experiment reads sentences of token ids (a sequence input); give it a "
                    + "SequenceDataset, not a Dataset of inputs " + data.inputs().shape());
        }
        Dataset d = derive(data);
        for (TaskPlan t : tasks) {
            if (!d.tasks().contains(t.name())) {
                throw new DataException("data: no labels for task '" + t.name() + "' of the experiment; the data's "
                        + "tasks: " + String.join(", ", data.tasks()));
            }
            Tensor fitted = reconcile(t, d.targets(t.name()), d.mask(t.name()));
            if (fitted != d.targets(t.name())) {
                d = d.withTask(t.name(), fitted, d.mask(t.name()));
            }
        }
        return d.selectTasks(tasks.stream().map(TaskPlan::name).toList());
    }

    /**
     * Checks sequence data against a sequence model, before any step: its vocabulary size, every task's labels
     * (per token for {@link LabelType#TOKEN_CLASS} tasks, per sentence for the others) and classes, and the
     * model's maximum length; the data with the experiment's tasks only.
     *
     * @throws DataException one line naming the task, the sentence and the value at fault
     */
    SequenceDataset bind(SequenceDataset data) {
        if (vocabulary == null) {
            throw new DataException("data: the experiment reads fixed-size inputs; a SequenceDataset is for a model "
                    + "with a sequence input (sequenceInput)");
        }
        if (data.vocabularySize() != vocabulary.size()) {
            throw new DataException("data: the sentences' token ids run over a vocabulary of " + data.vocabularySize()
                    + " ids, the model's vocabulary has " + vocabulary.size() + "; encode the data with the model's "
                    + "vocabulary");
        }
        if (maxLength > 0) {
            data.requireMaxLength(maxLength);
        }
        for (TaskPlan t : tasks) {
            if (!data.tasks().contains(t.name())) {
                throw new DataException("data: no labels for task '" + t.name() + "' of the experiment; the data's "
                        + "tasks: " + String.join(", ", data.tasks()));
            }
            boolean perToken = t.labels() == LabelType.TOKEN_CLASS;
            if (perToken != data.isPerToken(t.name())) {
                throw new DataException("data: task '" + t.name() + "' has " + (perToken ? "per-token" : "per-sentence")
                        + " labels in the experiment (" + t.labels() + "), but the data labels each "
                        + (perToken ? "sentence" : "token"));
            }
            int[] out = outputs.get(t.name());
            int classes = out == null ? 0 : out[out.length - 1];
            if (classes == 0 || t.labels() != LabelType.CLASS_INDEX && !perToken) {
                continue;
            }
            for (int i = 0; i < data.size(); i++) {
                int[] labels = perToken ? data.tokenLabels(t.name(), i) : new int[] {data.sequenceLabel(t.name(), i)};
                for (int j = 0; j < labels.length; j++) {
                    if (labels[j] >= classes) {
                        throw new DataException("data: task '" + t.name() + "': " + data.name(i) + " has class "
                                + labels[j] + (perToken ? " at token " + j : "") + ", but the head outputs " + classes
                                + " classes (0.." + (classes - 1) + ")");
                    }
                }
            }
        }
        return data.selectTasks(tasks.stream().map(TaskPlan::name).toList());
    }

    /** The data with the labels of derived tasks, each after its source (derivations form no cycle: checked at build). */
    private Dataset derive(Dataset data) {
        Dataset d = data;
        List<TaskPlan> pending = new ArrayList<>(tasks.stream().filter(t -> t.derived() != null).toList());
        while (!pending.isEmpty()) {
            Dataset at = d;
            TaskPlan next = pending.stream().filter(t -> at.tasks().contains(t.derived().source())
                    && pending.stream().noneMatch(p -> p.name().equals(t.derived().source()))).findFirst().orElse(null);
            if (next == null) {
                TaskPlan t = pending.get(0);
                throw new DataException("data: task '" + t.name() + "' is derived from '" + t.derived().source()
                        + "', which the data has no labels for; the data's tasks: " + String.join(", ", data.tasks()));
            }
            Tensor source = d.targets(next.derived().source());
            if (source.rank() == 2 && source.shape().dim(1) == 1) {
                source = source.reshape(source.shape().dim(0));
            }
            Tensor mask = d.mask(next.derived().source());
            Tensor derived;
            try {
                derived = next.derived().mapping().apply(source, mask);
            } catch (IllegalArgumentException e) {
                throw new DataException("data: task '" + next.name() + "' derived from '" + next.derived().source()
                        + "': " + e.getMessage());
            }
            d = d.withTask(next.name(), derived, mask);
            pending.remove(next);
        }
        return d;
    }

    /** The targets of {@code t} in its head's shape (the same tensor if they are), or a fault naming both shapes. */
    private Tensor reconcile(TaskPlan t, Tensor targets, Tensor mask) {
        int[] out = outputs.get(t.name());
        if (out == null) {
            return targets;
        }
        int n = targets.shape().dim(0);
        int[] per = Arrays.copyOfRange(targets.shape().dims(), 1, targets.rank());
        int[] want = switch (t.labels()) {
            case CLASS_INDEX -> new int[0];
            case PIXEL_CLASS_MAP -> Arrays.copyOfRange(out, 1, out.length);
            case TOKEN_CLASS -> throw new IllegalStateException("per-token tasks bind sequence data");
            case REAL_VECTOR, BINARY -> out;
        };
        Tensor fitted = targets;
        if (!Arrays.equals(per, want)) {
            if (ModelChecks.product(per) != ModelChecks.product(want)) {
                throw new DataException("data: task '" + t.name() + "': targets " + targets.shape() + " do not fit "
                        + "the head's output " + withRows(n, out) + "; " + need(t.labels(), out));
            }
            fitted = targets.reshape(withRows(n, want).dims());
        }
        if (t.labels() == LabelType.CLASS_INDEX) {
            classesInRange(t.name(), fitted, mask, out[0]);
        }
        return fitted;
    }

    private static String need(LabelType labels, int[] out) {
        return switch (labels) {
            case CLASS_INDEX -> "class indices need targets [N]";
            case PIXEL_CLASS_MAP -> "class maps need targets [N, " + out[1] + ", " + out[2] + "]";
            case TOKEN_CLASS -> "tags need targets [N, T]";
            case REAL_VECTOR, BINARY -> "the targets need " + ModelChecks.product(out) + " value(s) per sample";
        };
    }

    /** A labelled class index outside the head's classes fails here, naming its row, rather than at some step. */
    private static void classesInRange(String task, Tensor targets, Tensor mask, int classes) {
        float[] y = targets.data();
        float[] m = mask.data();
        for (int i = 0; i < y.length; i++) {
            if (m[i] != 0 && !(y[i] >= 0 && y[i] < classes && y[i] == Math.rint(y[i]))) {
                throw new DataException("data: task '" + task + "': row " + i + " has class " + y[i] + ", but the head "
                        + "outputs " + classes + " classes (0.." + (classes - 1) + ")");
            }
        }
    }

    private static Shape withRows(int n, int[] sample) {
        int[] dims = new int[sample.length + 1];
        dims[0] = n;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        return Shape.of(dims);
    }
}
