package polyhead.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import polyhead.data.LabelMapping;
import polyhead.data.LabelType;
import polyhead.io.UserText;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.metrics.Metric;
import polyhead.metrics.Metrics;
import polyhead.train.GradientSource;
import polyhead.train.History;

/**
 * The rules a model must follow to be built, stated once for every surface: per-sample shape inference through a
 * stack of layers, what an architecture needs of the trunk, which losses and metrics fit which labels, and what a
 * task's head must output. {@link ExperimentBuilder} applies them to Java plans; the DSL's compiler applies them to a
 * spec and reports each fault at its JSON path. Each rule gives the reason, worded by a {@link Naming}, or null if
 * the rule holds; where the fault is, is the caller's to say.
 */
public final class ModelChecks {
    /** The most elements one tensor holds (a Java array's limit). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private ModelChecks() {
    }

    /**
     * A stack of layers traced from an input: the per-sample shape after each layer up to the first that cannot take
     * its input, and then that layer's index, the setting at fault (null: the layer as a whole) and the reason.
     */
    public record Trace(List<int[]> shapes, int faultAt, String field, String message) {
        /** Whether every layer took its input. */
        public boolean ok() {
            return message == null;
        }

        /** The stack's output shape (its input if it has no layer); only when {@link #ok()}. */
        public int[] output(int[] input) {
            return shapes.isEmpty() ? input : shapes.get(shapes.size() - 1);
        }
    }

    /**
     * The per-sample shapes through {@code layers} from {@code input} (no batch dimension), stopping at the first
     * layer that cannot take its input, or whose weight or output would hold more than {@link #MAX_ELEMENTS}
     * elements, which no tensor can: a fault instead of an overflow or an out-of-memory crash when it is built.
     */
    public static Trace trace(List<Layer> layers, int[] input, Naming naming) {
        List<int[]> shapes = new ArrayList<>();
        int[] shape = input;
        for (int j = 0; j < layers.size(); j++) {
            Layer layer = layers.get(j);
            int[] out;
            if (Layers.isSequence(shape) && !layer.takesSequences()) {
                return new Trace(shapes, j, null, layer.type() + " does not read a sequence " + Layers.show(shape)
                        + ", whose length varies from batch to batch; pool it first (sequencePool), or use a layer "
                        + "applied at every step (dense, an activation, dropout, layerNorm) or a sequence layer");
            }
            try {
                out = layer.outputShape(shape);
            } catch (LayerFault f) {
                return new Trace(shapes, j, f.field(), f.message(naming));
            } catch (IllegalArgumentException e) {
                return new Trace(shapes, j, null, e.getMessage());
            }
            String tooLarge = tooLarge(layer, shape, out);
            if (tooLarge != null) {
                return new Trace(shapes, j, null, tooLarge);
            }
            shapes.add(out);
            shape = out;
        }
        return new Trace(shapes, -1, null, null);
    }

    private static String tooLarge(Layer layer, int[] input, int[] output) {
        if (layer.weightElements(input) > MAX_ELEMENTS) {
            return "the layer's weight on input " + Layers.show(input) + " would have more elements than a tensor "
                    + "holds (" + MAX_ELEMENTS + ")";
        }
        if (product(output) > MAX_ELEMENTS || Arrays.stream(output).anyMatch(d -> d < 0 && d != Layers.TIME)) {
            return "the layer's output " + Layers.show(output) + " per sample would have more elements than a "
                    + "tensor holds (" + MAX_ELEMENTS + ")";
        }
        return null;
    }

    /** The product of {@code dims}, or {@link #MAX_ELEMENTS} + 1 once past it (no overflow). */
    public static long product(long... dims) {
        long p = 1;
        for (long d : dims) {
            p = p > MAX_ELEMENTS || d > MAX_ELEMENTS ? MAX_ELEMENTS + 1 : Math.min(p * d, MAX_ELEMENTS + 1);
        }
        return p;
    }

    /** {@link #product(long...)} of a shape. */
    public static long product(int[] shape) {
        return product(Arrays.stream(shape).asLongStream().toArray());
    }

    /** Why an embedding cannot be layer {@code index} of a trunk ({@code trunk}) or of a head, or null. */
    public static String misplacedEmbedding(boolean trunk, int index) {
        return !(trunk && index == 0)
                ? "an embedding reads the model's input indices, so it can only be the first layer of the trunk"
                : null;
    }

    /** Why architecture {@code kind} (named {@code name}) cannot copy a trunk of {@code trunkSize} layers, or null. */
    public static String emptyTrunk(ArchitecturePlan.Kind kind, String name, int trunkSize) {
        if (kind == ArchitecturePlan.Kind.HARD_SHARING || trunkSize > 0) {
            return null;
        }
        if (kind == ArchitecturePlan.Kind.MTAN) {
            return name + " attends to the blocks of the trunk, but the trunk is empty";
        }
        boolean experts = experts(kind) || kind == ArchitecturePlan.Kind.CGC || kind == ArchitecturePlan.Kind.PLE;
        return name + " copies the trunk as " + (experts ? "each expert" : "each task's tower")
                + ", but the trunk is empty";
    }

    /**
     * Why a mixture of experts cannot mix experts of output {@code representation}, or null; {@code ownLayers}: the
     * experts are the architecture's own layers, not copies of the trunk.
     */
    public static String expertOutputs(ArchitecturePlan.Kind kind, String name, int[] representation,
                                       boolean ownLayers) {
        if (!experts(kind) || representation.length == 1) {
            return null;
        }
        String what = ownLayers ? "its layers" : "the trunk";
        return name + " mixes its experts' outputs, which must be vectors: each expert (a copy of " + what
                + ") outputs " + Layers.show(representation) + "; end " + what + " with flatten() or a dense layer";
    }

    /**
     * Why cross-stitch stages (or PLE levels, {@code what} = "levels") of these sizes do not cover a trunk of
     * {@code trunkSize} layers, or null.
     */
    public static String stages(int[] stages, int trunkSize, String what) {
        return stages(stages, trunkSize, what, false);
    }

    /** As {@link #stages(int[], int, String)}, for the architecture's own layers when {@code ownLayers}. */
    public static String stages(int[] stages, int size, String what, boolean ownLayers) {
        int sum = Arrays.stream(stages).sum();
        if (stages.length == 0 || sum == size) {
            return null;
        }
        return ownLayers ? "the " + what + " cover " + sum + " layers, but the architecture has " + size + " of its own"
                : "the " + what + " cover " + sum + " trunk layers, but the trunk has " + size;
    }

    /**
     * Why learning to branch (named {@code name}) cannot branch between {@code stageCount} stages, or null: a node
     * chooses its parent in the stage before, so there must be at least two.
     */
    public static String branchingStages(ArchitecturePlan.Kind kind, String name, int stageCount) {
        if (kind != ArchitecturePlan.Kind.LEARNING_TO_BRANCH || stageCount >= 2) {
            return null;
        }
        return name + " branches between stages, but there is " + stageCount + "; give at least two stages or a "
                + "layer list with an activation before its end";
    }

    /**
     * Why MTAN cannot attend to a block whose per-sample shapes after each of its layers are {@code shapes}, or null:
     * the last layer must keep the shape, and the features must be [d] or [C, H, W].
     */
    public static String mtanBlock(int block, List<int[]> shapes) {
        int[] out = shapes.get(shapes.size() - 1);
        int[] inner = shapes.size() > 1 ? shapes.get(shapes.size() - 2) : out;
        if (!Arrays.equals(inner, out)) {
            return "block " + block + "'s last layer changes the shape from " + Layers.show(inner) + " to "
                    + Layers.show(out) + ", but MTAN's attention mask multiplies one with the other; end the block "
                    + "before that layer";
        }
        if (out.length != 1 && out.length != 3) {
            return "block " + block + " outputs " + Layers.show(out) + "; MTAN attends to vectors [d] or feature maps "
                    + "[C, H, W]";
        }
        return null;
    }

    /**
     * Why architecture {@code kind} (named {@code name}) cannot read a sequence input, or null: hard and soft sharing
     * run every layer on the padded batch; the mixtures' gates, MTAN's attention and the stitched or branched stages
     * are written for fixed-size features.
     */
    public static String sequenceArchitecture(ArchitecturePlan.Kind kind, String name) {
        return kind == ArchitecturePlan.Kind.HARD_SHARING || kind == ArchitecturePlan.Kind.SOFT_SHARING ? null
                : name + " is not offered on a sequence input (its gates, stitches or attention read fixed-size "
                + "features); use hardSharing or softSharing";
    }

    /**
     * Why architecture {@code kind} (named {@code name}) cannot give gradients from {@code source}, or null. A
     * weighting that works on the shared representation only ({@code representationOnly}, GradDrop) is told to change
     * the architecture; any other, to read the shared parameters.
     */
    public static String source(ArchitecturePlan.Kind kind, String name, GradientSource source,
                                boolean representationOnly, Naming naming) {
        if (source != GradientSource.REPRESENTATION || kind == ArchitecturePlan.Kind.HARD_SHARING || experts(kind)
                || kind == ArchitecturePlan.Kind.CGC) {
            return null;
        }
        return name + " has no single shared representation; " + (representationOnly
                ? "the weighting works only on one, so use an architecture that has it (e.g. hard sharing)"
                : "read the gradients of the shared parameters (" + naming.source(GradientSource.PARAMETERS) + ")");
    }

    /** Whether {@code kind} mixes experts' vector outputs (MMoE, OMoE, DSelect-k); CGC and PLE mix any shape. */
    private static boolean experts(ArchitecturePlan.Kind kind) {
        return kind == ArchitecturePlan.Kind.MMOE || kind == ArchitecturePlan.Kind.OMOE
                || kind == ArchitecturePlan.Kind.DSELECT_K;
    }

    /** The losses that fit {@code labels}: {@code classIndex labels take crossEntropy}. */
    public static String lossesFor(LabelType labels, Naming naming) {
        return naming.labels(labels) + " labels take " + Losses.names().stream()
                .filter(n -> Losses.labelTypes(n).contains(labels)).collect(Collectors.joining(" or "));
    }

    /**
     * Why the built-in loss named {@code loss} ({@link Loss#name()}, {@link Losses#labelTypes(String)}) does not fit
     * {@code labels}, or null (also for a name that is no built-in loss).
     */
    public static String loss(String loss, LabelType labels, Naming naming) {
        return fits(loss, Losses.labelTypes(loss), labels, naming);
    }

    /** Why {@code loss} ({@link Loss#labelTypes()}: also a loss of the user's own that says) does not fit {@code labels}, or null. */
    public static String loss(Loss loss, LabelType labels, Naming naming) {
        return fits(loss.name(), loss.labelTypes(), labels, naming);
    }

    private static String fits(String loss, Set<LabelType> fits, LabelType labels, Naming naming) {
        return fits.contains(labels) ? null
                : loss + " does not fit " + naming.labels(labels) + " labels; " + lossesFor(labels, naming);
    }

    /** Why {@code metric} is not defined for {@code labels}, or null. */
    public static String metric(Metric metric, LabelType labels, Naming naming) {
        if (metric.labelTypes().contains(labels)) {
            return null;
        }
        String takes = metric.labelTypes().stream().sorted(Comparator.naturalOrder()).map(naming::labels)
                .collect(Collectors.joining(", "));
        return "metric " + metric.name() + " is not defined for " + naming.labels(labels) + " labels (it takes "
                + takes + "); for " + naming.labels(labels) + ": " + String.join(", ", Metrics.names(labels));
    }

    /**
     * Why {@code count} class names do not fit a task of {@code labels} whose head outputs {@code output}, or null:
     * names are for class-index and pixel-class-map labels, one per class.
     */
    public static String classNames(LabelType labels, int[] output, int count, Naming naming) {
        if (labels != LabelType.CLASS_INDEX && labels != LabelType.PIXEL_CLASS_MAP && labels != LabelType.TOKEN_CLASS) {
            return "class names are for " + naming.labels(LabelType.CLASS_INDEX) + ", "
                    + naming.labels(LabelType.PIXEL_CLASS_MAP) + " and " + naming.labels(LabelType.TOKEN_CLASS)
                    + " labels, the task has " + naming.labels(labels);
        }
        // a per-token head outputs [T, classes]
        int classes = output.length == 0 ? 0 : output[Layers.isSequence(output) ? output.length - 1 : 0];
        if (classes != count) {
            return count + " names for a head of " + (output.length == 0 ? "no" : classes) + " classes";
        }
        return null;
    }

    /** Why a head output {@code output} does not give what a task of {@code labels} needs, or null. */
    public static String head(LabelType labels, int[] output, Naming naming) {
        String need = switch (labels) {
            case CLASS_INDEX -> output.length == 1 && output[0] >= 2 ? null : "logits [classes] with at least 2 classes";
            case BINARY -> output.length == 1 ? null : "one logit per label, [labels]";
            case REAL_VECTOR -> output.length == 1 ? null : "a vector of values, [values]";
            case PIXEL_CLASS_MAP -> output.length == 3 && output[0] >= 2 ? null
                    : "logits per pixel [classes, height, width] with at least 2 classes";
            case TOKEN_CLASS -> output.length == 2 && Layers.isSequence(output) && output[1] >= 2 ? null
                    : "logits per token [T, classes] with at least 2 classes";
        };
        String hint = "";
        if (labels != LabelType.TOKEN_CLASS && Layers.isSequence(output)) {
            hint = "; per-token labels are " + naming.labels(LabelType.TOKEN_CLASS) + ", and a per-sequence task pools "
                    + "the sequence first (sequencePool)";
        } else if (labels == LabelType.TOKEN_CLASS && !Layers.isSequence(output)) {
            hint = "; a per-token head keeps the time axis (no sequencePool or flatten before it)";
        }
        return need == null ? null : "a " + naming.labels(labels) + " task needs " + need + " from its head, but it "
                + "outputs " + Layers.show(output) + hint;
    }

    /**
     * Why the direction {@code stated} for the history key {@code monitor} contradicts the key's own
     * ({@link History#higherIsBetter(String, Map)} over the tasks' {@code metrics}), or null (also where that cannot
     * tell).
     */
    public static String direction(String monitor, boolean stated, Map<String, List<Metric>> metrics) {
        Boolean known = History.higherIsBetter(monitor, metrics);
        if (known == null || known == stated) {
            return null;
        }
        String key = monitor.substring(monitor.lastIndexOf('.') + 1);
        return monitor + " is " + (key.equals("loss") ? "a loss" : "metric " + key) + ", for which "
                + (known ? "higher" : "lower") + " is better; higherIsBetter = " + stated + " contradicts it (leave it "
                + "out to read the direction from the monitor)";
    }

    /**
     * Why a head whose last layer is of type {@code last} ({@link Layer#type()}) applies what the loss named
     * {@code loss} applies itself (a softmax, a sigmoid), or null.
     */
    public static String finalActivation(String loss, String last) {
        String doubled = loss.equals("crossEntropy") && last.equals("softmax") ? "softmax"
                : loss.equals("bceWithLogits") && last.equals("sigmoid") ? "sigmoid" : null;
        return doubled == null ? null
                : loss + " takes logits and applies the " + doubled + " itself; remove this final " + doubled;
    }

    /**
     * Why task {@code task} cannot take its labels from task {@code source}: no such task, or a chain of derivations
     * that comes back to {@code task} (a cycle); or null. {@code sources} maps every derived task to its source.
     */
    public static String derivedSource(String task, String source, Map<String, String> sources, List<String> tasks) {
        if (!tasks.contains(source)) {
            return "no task " + UserText.quote(source) + " to derive the labels from; tasks: " + String.join(", ", tasks);
        }
        List<String> chain = new ArrayList<>(List.of(task));
        String at = source;
        while (at != null && chain.size() <= tasks.size()) {
            chain.add(at);
            if (at.equals(task)) {
                return "the tasks' derivations form a cycle: " + String.join(" → ", chain);
            }
            at = sources.get(at);
        }
        return null;
    }

    /**
     * Why {@code mapping} cannot read the labels of a source task of {@code sourceLabels} whose head outputs
     * {@code sourceOutput} per sample (a mapping reads class indices and must cover every class), or null.
     */
    public static String mapping(LabelMapping mapping, String source, LabelType sourceLabels, int[] sourceOutput,
                                 Naming naming) {
        if (sourceLabels != LabelType.CLASS_INDEX) {
            return "a mapping reads class indices, but task " + UserText.quote(source) + " has " + naming.labels(sourceLabels) + " labels";
        }
        return sourceOutput == null || sourceOutput.length != 1 ? null : mapping.coverage(sourceOutput[0]);
    }

    /** Why a derived task's head output {@code output} does not give what {@code mapping}'s labels need, or null. */
    public static String derivedHead(LabelMapping mapping, int[] output) {
        int[] need = mapping.headOutput();
        if (Arrays.equals(need, output)) {
            return null;
        }
        return (mapping instanceof LabelMapping.ToGroup ? "the mapping has " + need[0] + " groups, so the head must "
                + "output " + Layers.show(need) : "the mapping gives one 0/1 label, so the head must output [1]")
                + ", but it outputs " + Layers.show(output);
    }
}
