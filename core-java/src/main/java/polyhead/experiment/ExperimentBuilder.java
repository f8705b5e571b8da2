package polyhead.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import polyhead.metrics.Metric;
import polyhead.mtl.arch.Architecture;
import polyhead.train.GradientSource;

/**
 * A whole multi-task experiment from Java, in one expression: input shape, trunk, tasks with their heads, architecture,
 * weighting, optimizer and training. Collects immutable plans; {@link #build()} checks them all (every fault in one
 * message naming the field at fault) and builds the core objects.
 *
 * <pre>{@code
 * Experiment e = new ExperimentBuilder()
 *     .input(1, 28, 28)
 *     .trunk(Layers.conv2d(10, 5), Layers.relu(), Layers.maxPool(2), Layers.flatten(), Layers.dense(50), Layers.relu())
 *     .task(TaskPlan.named("item").head(Layers.dense(10)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
 *     .task(TaskPlan.named("group").head(Layers.dense(4)).loss(Losses.crossEntropy()).weight(0.5))
 *     .architecture(ArchitecturePlan.hardSharing())
 *     .weighting(WeightingPlan.fixed())
 *     .optimizer(OptimizerPlan.of(Algorithm.of(AdamW.lr(1e-3).weightDecay(1e-2))).clipByGlobalNorm(1.0))
 *     .training(TrainingPlan.defaults().epochs(10).batchSize(128).seed(42)
 *         .earlyStopping(EarlyStopping.on("val.item.accuracy")))
 *     .build();
 * History h = e.fit(train, null, null, t -> t.progress(System.out));
 * }</pre>
 *
 * <p>Parameters are drawn from one {@code Random(seed)} in a fixed order: first the body — the trunk (hard sharing),
 * each task's tower (soft sharing) or each task's stages (cross-stitch), in task order, or each expert (MMoE) — then
 * the heads in task order, then what the architecture draws itself (MMoE's gates). Defaults: hard sharing, the fixed
 * weighting, {@link TrainingPlan#defaults()}; the input, a task's loss and the optimizer have none.
 */
public final class ExperimentBuilder {
    private int[] input = new int[0];
    private List<Layer> trunk = List.of();
    private final List<TaskPlan> tasks = new ArrayList<>();
    private ArchitecturePlan architecture = ArchitecturePlan.hardSharing();
    private WeightingPlan weighting = WeightingPlan.fixed();
    private OptimizerPlan optimizer;
    private TrainingPlan training = TrainingPlan.defaults();
    private String description;

    /** The shape of one sample, without the batch dimension: {@code (1, 28, 28)} for an image, {@code (13)} for a row. */
    public ExperimentBuilder input(int... shape) {
        this.input = shape.clone();
        return this;
    }

    public ExperimentBuilder trunk(Layer... layers) {
        return trunk(List.of(layers));
    }

    /** The body of the network, read from the input; how it is shared is the architecture's business. */
    public ExperimentBuilder trunk(List<Layer> layers) {
        this.trunk = List.copyOf(layers);
        return this;
    }

    /** Adds a task; the order of tasks is that of heads, parameters and reports. */
    public ExperimentBuilder task(TaskPlan t) {
        tasks.add(Objects.requireNonNull(t, "task"));
        return this;
    }

    public ExperimentBuilder architecture(ArchitecturePlan a) {
        this.architecture = Objects.requireNonNull(a, "architecture");
        return this;
    }

    public ExperimentBuilder weighting(WeightingPlan w) {
        this.weighting = Objects.requireNonNull(w, "weighting");
        return this;
    }

    public ExperimentBuilder optimizer(OptimizerPlan o) {
        this.optimizer = Objects.requireNonNull(o, "optimizer");
        return this;
    }

    public ExperimentBuilder training(TrainingPlan t) {
        this.training = Objects.requireNonNull(t, "training");
        return this;
    }

    /** Text recorded in every checkpoint of the run (the DSL records the spec's JSON); none by default. */
    public ExperimentBuilder description(String text) {
        this.description = text;
        return this;
    }

    /**
     * Checks the experiment and builds its architecture (parameters drawn from {@code Random(training.seed)}) and
     * weighting.
     *
     * @throws IllegalArgumentException with every fault found, each naming its field ({@code trunk[2] (dense)},
     *                                  {@code task 'item': head[0] (conv2d)}, …)
     */
    public Experiment build() {
        List<String> faults = new ArrayList<>();
        int[] representation = check(faults);
        if (!faults.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", faults));
        }
        Random rng = new Random(training.seed());
        Architecture arch = Assembly.architecture(architecture, input, trunk, tasks, rng);
        return new Experiment(arch, weighting.create(arch.tasks(), optimizer.algorithm().lr()), weighting.source(),
                optimizer, training, description);
    }

    /** Every fault of the plans; the trunk's output shape if it could be traced. */
    private int[] check(List<String> faults) {
        int before = faults.size();
        if (input.length == 0) {
            faults.add("input: missing, the shape of one sample without the batch dimension, e.g. input(1, 28, 28)");
        }
        for (int k = 0; k < input.length; k++) {
            if (input[k] < 1) {
                faults.add("input[" + k + "]: an input dimension must be at least 1, got " + input[k]);
            }
        }
        boolean inputOk = faults.size() == before;
        if (optimizer == null) {
            faults.add("optimizer: missing, e.g. optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))");
        }
        if (optimizer != null && !Double.isNaN(optimizer.emaDecay())) {
            if (training.earlyStopping() != null && training.earlyStopping().restoreBest()) {
                faults.add("optimizer.ema: the run ends with the averaged weights, early stopping's restoreBest with "
                        + "the best epoch's; choose one");
            }
            if (training.checkpointEvery() > 0) {
                faults.add("optimizer.ema: the average is not saved in checkpoints, so a resumed run would restart it; "
                        + "train without checkpoints or without ema");
            }
        }
        if (tasks.isEmpty()) {
            faults.add("tasks: an experiment needs at least one task");
        }
        for (int j = 1; j < trunk.size(); j++) {
            embeddingFirst(trunk.get(j), "trunk[" + j + "]", faults);
        }
        tasks.forEach(t -> t.head().forEach(l -> embeddingFirst(l, "task '" + t.name() + "': head", faults)));
        int[] representation = inputOk ? trace(trunk, input, "trunk", faults) : null;
        ArchitecturePlan.Kind kind = architecture.kind();
        if (kind != ArchitecturePlan.Kind.HARD_SHARING && trunk.isEmpty()) {
            faults.add("trunk: " + architecture + " copies the trunk, but the trunk is empty");
        }
        boolean experts = kind == ArchitecturePlan.Kind.MMOE || kind == ArchitecturePlan.Kind.OMOE;
        if (experts && representation != null && representation.length != 1) {
            faults.add("trunk: " + architecture + " mixes its experts' outputs, which must be vectors: each expert "
                    + "(a copy of the trunk) outputs " + Layers.show(representation) + "; end the trunk with flatten() "
                    + "or a dense layer");
            representation = null;
        }
        int[] stages = architecture.stages();
        if (stages.length > 0 && Arrays.stream(stages).sum() != trunk.size()) {
            faults.add("architecture: the cross-stitch stages cover " + Arrays.stream(stages).sum()
                    + " trunk layers, but the trunk has " + trunk.size());
        }
        if (weighting.source() == GradientSource.REPRESENTATION && !experts && kind != ArchitecturePlan.Kind.HARD_SHARING) {
            faults.add("weighting: " + architecture + " has no single shared representation; read the gradients of "
                    + "the shared parameters");
        }
        Set<String> names = new HashSet<>();
        for (TaskPlan t : tasks) {
            String p = "task '" + t.name() + "'";
            if (!names.add(t.name())) {
                faults.add(p + ": declared twice");
            }
            if (t.loss() == null) {
                faults.add(p + ": loss is missing");
            }
            if (t.name().isEmpty() || t.name().contains(".") || t.name().contains("/")) {
                faults.add(p + ": a task name must be non-empty, without '.' or '/' (it is part of parameter and "
                        + "metric names)");
            }
            if (!(t.weight() >= 0) || Double.isInfinite(t.weight())) {
                faults.add(p + ": weight must be a finite number >= 0, got " + t.weight());
            }
            for (Metric m : t.metrics()) {
                if (!m.labelTypes().contains(t.labels())) {
                    faults.add(p + ": metric " + m.name() + " is not defined for " + t.labels() + " labels (it takes "
                            + m.labelTypes() + ")");
                }
            }
            if (representation != null) {
                trace(t.head(), representation, p + ": head", faults);
            }
        }
        return representation;
    }

    private static void embeddingFirst(Layer l, String path, List<String> faults) {
        if (l instanceof EmbeddingLayer) {
            faults.add(path + " (embedding): an embedding reads the model's input indices, so it can only be the "
                    + "first layer of the trunk");
        }
    }

    /** The output shape after {@code layers}, or null after reporting the first layer that cannot take its input. */
    private static int[] trace(List<Layer> layers, int[] in, String path, List<String> faults) {
        int[] shape = in;
        for (int j = 0; j < layers.size(); j++) {
            try {
                shape = layers.get(j).outputShape(shape);
            } catch (IllegalArgumentException e) {
                faults.add(path + "[" + j + "] (" + layers.get(j).type() + "): " + e.getMessage());
                return null;
            }
        }
        return shape;
    }
}
