package polyhead.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;
import polyhead.io.UserText;
import polyhead.metrics.Metric;
import polyhead.mtl.arch.Architecture;
import polyhead.train.EarlyStopping;

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
 * each task's tower (soft sharing) or each task's stages (cross-stitch), in task order, or each expert (MMoE,
 * DSelect-k; CGC: the shared experts, then each task's in task order; PLE: so level by level) — then the heads in task
 * order, then what the architecture draws itself (the gates). Defaults: hard sharing, the fixed
 * weighting, {@link TrainingPlan#defaults()}; the input, a task's loss and the optimizer have none.
 */
public final class ExperimentBuilder {
    private int[] input = new int[0];
    /** The vocabulary of a sequence input's token ids, or null: the input is fixed-size. */
    private Vocabulary vocabulary;
    private final List<InputPlan> inputs = new ArrayList<>();
    private List<Layer> trunk = List.of();
    private final List<TaskPlan> tasks = new ArrayList<>();
    private ArchitecturePlan architecture = ArchitecturePlan.hardSharing();
    private WeightingPlan weighting = WeightingPlan.fixed();
    private OptimizerPlan optimizer;
    private TrainingPlan training = TrainingPlan.defaults();
    private String description;
    /** Each task's head output per sample, traced by the last {@link #check}. */
    private final Map<String, int[]> headOutputs = new LinkedHashMap<>();
    private InitialWeights initialWeights;

    /** The shape of one sample, without the batch dimension: {@code (1, 28, 28)} for an image, {@code (13)} for a row. */
    public ExperimentBuilder input(int... shape) {
        this.input = shape.clone();
        return this;
    }

    /**
     * Adds a named input with its own trunk (a multi-input model, instead of {@link #input(int...)}): the inputs'
     * branches are flattened and concatenated, in the order they are added, before {@link #trunk} (the shared
     * layers). Data packs the inputs side by side ({@link InputPlan#layout}). Cross-stitch takes one input.
     */
    public ExperimentBuilder input(InputPlan in) {
        inputs.add(Objects.requireNonNull(in, "input"));
        return this;
    }

    /**
     * A sequence input instead of a fixed-size one: sentences of token ids encoded with {@code vocabulary}, padded
     * per batch, each with its length ([T] per sample, {@link Layers#TIME}). The trunk starts with
     * {@link Layers#embedding(int)}, whose table has the vocabulary's rows; the data is a
     * {@link polyhead.data.SequenceDataset} of that vocabulary's size ({@link Experiment#fit(SequenceDataset,
     * SequenceDataset, java.nio.file.Path, java.util.function.Consumer)}), and the trained model keeps the vocabulary
     * to predict from words ({@link TrainedModel#predict(java.util.List)}).
     *
     * <p>Each batch's lengths reach the sequence layers through a {@link polyhead.nn.SequenceLengths} scope that the
     * trainer and the predictor open around every forward pass (training, evaluation, prediction, serving): the
     * recurrent layers run over each sentence's valid steps, the Transformer hides padded keys, the pooling skips
     * padding, and the losses and metrics skip padded tokens by their masks. Architectures: hard and soft sharing,
     * whose layers all read the same padded batch (the mixtures of experts' gates and MTAN's attention read
     * fixed-size features).
     */
    public ExperimentBuilder sequenceInput(Vocabulary vocabulary) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
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

    /**
     * Starting weights from a safetensors file (e.g. exported from PyTorch), imported after the model is built; none
     * (null, the default): the seeded initializers' weights.
     */
    public ExperimentBuilder initialWeights(InitialWeights weights) {
        this.initialWeights = weights;
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
     *                                  {@code task 'item': head[0] (conv2d)}, …); or one line naming the file and
     *                                  tensor if the {@link #initialWeights} do not fit the model
     */
    public Experiment build() {
        List<String> faults = new ArrayList<>();
        int[] representation = check(faults);
        if (!faults.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", faults));
        }
        Random rng = new Random(training.seed());
        List<Layer> trunk = resolvedTrunk();
        List<Layer> body = trunk;
        int[] in = vocabulary != null ? new int[] {Layers.TIME} : input;
        if (!inputs.isEmpty()) {
            body = new ArrayList<>(trunk);
            body.add(0, new InputBranches(inputs));
            in = new int[] {InputPlan.layout(inputs).width()};
        }
        Architecture arch = Assembly.architecture(architecture, in, body, tasks, rng);
        if (initialWeights != null) {
            initialWeights.apply(arch);
        }
        return new Experiment(arch, weighting.create(arch.tasks(), optimizer.algorithm().lr()), weighting.source(),
                optimizer, training, description, ModelDescription.of(input, inputs, vocabulary, this.trunk,
                architecture, tasks), new DataBinding(tasks, headOutputs, vocabulary, maxPositions(trunk)));
    }

    /** The trunk with each {@link Layers#embedding(int)} of a sequence input given the vocabulary's rows. */
    private List<Layer> resolvedTrunk() {
        if (vocabulary == null) {
            return trunk;
        }
        List<Layer> out = new ArrayList<>();
        for (Layer l : trunk) {
            boolean frozen = !l.trainable();
            out.add(FrozenLayer.base(l) instanceof EmbeddingLayer e && e.count() == 0
                    ? e.withCount(vocabulary.size()).trainable(!frozen) : l);
        }
        return out;
    }

    /** The fewest rows of the learned position tables in {@code layers}: the longest sentence the model takes; 0 for none. */
    private static int maxPositions(List<Layer> layers) {
        return layers.stream().map(FrozenLayer::base).filter(l -> l instanceof PositionalLayer p && p.learned())
                .mapToInt(l -> ((PositionalLayer) l).maxLength()).min().orElse(0);
    }

    /** Every fault of the plans; the trunk's output shape if it could be traced. */
    private int[] check(List<String> faults) {
        headOutputs.clear();
        List<Layer> trunk = resolvedTrunk();
        int before = faults.size();
        int[] sharedInput = input;
        if (vocabulary != null) {
            sharedInput = new int[] {Layers.TIME};
            if (input.length > 0 || !inputs.isEmpty()) {
                faults.add("input: give a sample shape, named inputs or a sequence input, one of them");
            }
            sequenceFaults(trunk, faults);
        } else if (!inputs.isEmpty()) {
            sharedInput = branches(faults);
        } else if (input.length == 0) {
            faults.add("input: missing, the shape of one sample without the batch dimension, e.g. input(1, 28, 28)");
        }
        for (int k = 0; k < input.length; k++) {
            if (input[k] < 1) {
                faults.add("input[" + k + "]: an input dimension must be at least 1, got " + input[k]);
            }
        }
        boolean inputOk = faults.size() == before && sharedInput != null;
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
        for (int j = 0; j < trunk.size(); j++) {
            misplaced(trunk.get(j), inputs.isEmpty(), j, "trunk", faults); // with named inputs, branches read them
        }
        tasks.forEach(t -> {
            for (int j = 0; j < t.head().size(); j++) {
                misplaced(t.head().get(j), false, j, "task " + UserText.quote(t.name()) + ": head", faults);
            }
        });
        List<Layer> own = architecture.layers();
        for (int j = 0; j < own.size(); j++) {
            misplaced(own.get(j), false, j, "architecture.layers", faults);
        }
        int[] representation = inputOk ? trace(trunk, sharedInput, "trunk", faults) : null;
        if (representation != null && !own.isEmpty()) {
            representation = trace(own, representation, "architecture.layers", faults);
        }
        ArchitecturePlan.Kind kind = architecture.kind();
        String name = architecture.toString();
        String copied = own.isEmpty() ? "trunk" : "architecture.layers";
        if (own.isEmpty()) {
            add(faults, "trunk", ModelChecks.emptyTrunk(kind, name, trunk.size() + (inputs.isEmpty() ? 0 : 1)));
        }
        if (!inputs.isEmpty() && kind == ArchitecturePlan.Kind.CROSS_STITCH) {
            faults.add("architecture: crossStitch stitches the stages of one input's trunk; it takes no named inputs");
        }
        if (!inputs.isEmpty() && kind == ArchitecturePlan.Kind.LEARNING_TO_BRANCH) {
            faults.add("architecture: learningToBranch branches between the stages of one input's trunk; it takes no "
                    + "named inputs");
        }
        if (!inputs.isEmpty() && kind == ArchitecturePlan.Kind.PLE) {
            faults.add("architecture: ple cuts one input's trunk into levels; it takes no named inputs");
        }
        if (!inputs.isEmpty() && kind == ArchitecturePlan.Kind.MTAN) {
            faults.add("architecture: mtan attends to the blocks of one input's trunk; it takes no named inputs");
        }
        if (representation != null && add(faults, copied, ModelChecks.expertOutputs(kind, name, representation,
                !own.isEmpty()))) {
            representation = null;
        }
        String cuts = kind == ArchitecturePlan.Kind.PLE ? "levels" : kind == ArchitecturePlan.Kind.MTAN ? "blocks"
                : "stages";
        boolean covered = !add(faults, "architecture." + cuts, ModelChecks.stages(architecture.stages(),
                own.isEmpty() ? trunk.size() : own.size(), cuts, !own.isEmpty()));
        List<Layer> branched = own.isEmpty() ? trunk : own;
        if (covered && inputs.isEmpty() && !branched.isEmpty()) {
            add(faults, "architecture.stages", ModelChecks.branchingStages(kind, name,
                    Assembly.stageRanges(architecture.stages(), branched).size()));
        }
        if (kind == ArchitecturePlan.Kind.MTAN && covered && representation != null && inputs.isEmpty()) {
            int[] shape = sharedInput;
            List<int[]> ranges = Assembly.stageRanges(architecture.stages(), trunk);
            for (int j = 0; j < ranges.size(); j++) {
                List<int[]> shapes = ModelChecks.trace(trunk.subList(ranges.get(j)[0], ranges.get(j)[1]), shape,
                        Naming.JAVA).shapes();
                add(faults, "architecture.blocks", ModelChecks.mtanBlock(j, shapes));
                shape = shapes.get(shapes.size() - 1);
            }
        }
        add(faults, "weighting", ModelChecks.source(kind, name, weighting.source(), weighting.representationOnly(), Naming.JAVA));
        Set<String> names = new HashSet<>();
        tasks.forEach(t -> names.add(t.name()));
        for (String t : weighting.initialValues().keySet()) {
            if (!names.contains(t)) {
                faults.add("weighting: " + weighting + " gives an initial value to " + UserText.quote(t)
                        + ", which is no task; tasks: " + tasks.stream().map(TaskPlan::name).toList());
            }
        }
        Map<String, String> files = new HashMap<>();
        for (TaskPlan t : tasks) {
            String p = "task " + UserText.quote(t.name());
            add(faults, p, UserText.nameFault(t.name()));
            String first = files.putIfAbsent(UserText.fileKey(t.name()), t.name());
            if (first != null) {
                faults.add(p + ": " + (first.equals(t.name()) ? "declared twice" : UserText.sameFiles(t.name(), first)));
            }
            for (int c = 0; c < t.classNames().size(); c++) {
                add(faults, p + ": classNames[" + c + "]", UserText.labelFault(t.classNames().get(c)));
            }
            if (t.loss() == null) {
                faults.add(p + ": loss is missing");
            } else {
                add(faults, p + ": loss", ModelChecks.loss(t.loss(), t.labels(), Naming.JAVA));
            }
            if (!(t.weight() >= 0) || Double.isInfinite(t.weight())) {
                faults.add(p + ": weight must be a finite number >= 0, got " + t.weight());
            }
            for (Metric m : t.metrics()) {
                add(faults, p, ModelChecks.metric(m, t.labels(), Naming.JAVA));
            }
            int[] out = representation != null ? trace(t.head(), representation, p + ": head", faults) : null;
            if (out != null) {
                headOutputs.put(t.name(), out);
                if (!t.classNames().isEmpty()) {
                    add(faults, p + ": classNames", ModelChecks.classNames(t.labels(), out, t.classNames().size(),
                            Naming.JAVA));
                }
                add(faults, p + ": head", ModelChecks.head(t.labels(), out, Naming.JAVA));
                if (t.loss() != null) {
                    add(faults, p + ": loss", t.loss().outputFault(out));
                }
                if (t.loss() != null && !t.head().isEmpty()) {
                    int last = t.head().size() - 1;
                    add(faults, layerPath(p + ": head", last, t.head().get(last)),
                            ModelChecks.finalActivation(t.loss().name(), t.head().get(last).type()));
                }
            }
        }
        derivations(faults);
        if (initialWeights != null) {
            faults.addAll(initialWeights.faults());
        }
        EarlyStopping es = training.earlyStopping();
        if (es != null && es.higherIsBetter() != null) {
            Map<String, List<Metric>> metrics = new LinkedHashMap<>();
            tasks.forEach(t -> metrics.put(t.name(), t.metrics()));
            add(faults, "training.earlyStopping.higherIsBetter",
                    ModelChecks.direction(es.monitor(), es.higherIsBetter(), metrics));
        }
        return representation;
    }

    /**
     * What a sequence input asks of the rest: embeddings of the vocabulary's size, an architecture whose layers all
     * read the padded batch, no derived tasks.
     */
    private void sequenceFaults(List<Layer> trunk, List<String> faults) {
        for (int j = 0; j < trunk.size(); j++) {
            if (FrozenLayer.base(trunk.get(j)) instanceof EmbeddingLayer e && e.count() != vocabulary.size()) {
                faults.add(layerPath("trunk", j, trunk.get(j)) + ": count: the table has " + e.count() + " rows, but "
                        + "the sequence input's vocabulary has " + vocabulary.size() + " ids; use embedding(dim), "
                        + "which takes the vocabulary's size");
            }
        }
        add(faults, "architecture", ModelChecks.sequenceArchitecture(architecture.kind(), architecture.toString()));
        for (TaskPlan t : tasks) {
            if (t.derived() != null) {
                faults.add("task " + UserText.quote(t.name()) + ": derivedFrom: derived labels are for fixed-size "
                        + "data; a sequence dataset labels each task itself");
            }
        }
    }

    /** The faults of derived tasks: an unknown source, a cycle, a mapping that does not fit its source or its head. */
    private void derivations(List<String> faults) {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, TaskPlan> byName = new LinkedHashMap<>();
        tasks.forEach(t -> {
            byName.putIfAbsent(t.name(), t);
            if (t.derived() != null) {
                sources.put(t.name(), t.derived().source());
            }
        });
        List<String> names = List.copyOf(byName.keySet());
        for (TaskPlan t : tasks) {
            TaskPlan.Derived d = t.derived();
            if (d == null) {
                continue;
            }
            String p = "task " + UserText.quote(t.name()) + ": derivedFrom";
            if (add(faults, p, ModelChecks.derivedSource(t.name(), d.source(), sources, names))) {
                continue;
            }
            TaskPlan source = byName.get(d.source());
            add(faults, p, ModelChecks.mapping(d.mapping(), d.source(), source.labels(), headOutputs.get(d.source()),
                    Naming.JAVA));
            if (t.labels() != d.mapping().labelType()) {
                faults.add(p + ": the mapping gives " + d.mapping().labelType() + " labels, the task says " + t.labels());
            }
            if (headOutputs.containsKey(t.name())) {
                add(faults, "task " + UserText.quote(t.name()) + ": head",
                        ModelChecks.derivedHead(d.mapping(), headOutputs.get(t.name())));
            }
        }
    }

    /**
     * Checks the named inputs (names, shapes, each branch traced with its own path); the per-sample shape of their
     * concatenation, or null after a fault.
     */
    private int[] branches(List<String> faults) {
        int before = faults.size();
        if (input.length > 0) {
            faults.add("input: give one input shape or named inputs, not both");
        }
        Set<String> names = new HashSet<>();
        int width = 0;
        for (InputPlan in : inputs) {
            String p = "input " + UserText.quote(in.name());
            if (!names.add(in.name())) {
                faults.add(p + ": declared twice");
            }
            add(faults, p, UserText.nameFault(in.name()));
            int[] shape = in.shape();
            if (shape.length == 0) {
                faults.add(p + ": shape is missing, e.g. shape(10)");
            }
            for (int k = 0; k < shape.length; k++) {
                if (shape[k] < 1) {
                    faults.add(p + ": shape[" + k + "]: an input dimension must be at least 1, got " + shape[k]);
                }
            }
            for (int j = 0; j < in.trunk().size(); j++) {
                misplaced(in.trunk().get(j), true, j, p + ": trunk", faults);
            }
            if (faults.size() == before) {
                int[] out = trace(in.trunk(), shape, p + ": trunk", faults);
                if (out != null) {
                    width += java.util.Arrays.stream(out).reduce(1, Math::multiplyExact);
                }
            }
        }
        return faults.size() == before ? new int[] {width} : null;
    }

    /** Adds {@code path: fault} if there is a fault; whether there was. */
    private static boolean add(List<String> faults, String path, String fault) {
        if (fault != null) {
            faults.add(path + ": " + fault);
        }
        return fault != null;
    }

    private static String layerPath(String stack, int index, Layer layer) {
        return stack + "[" + index + "] (" + layer.type() + ")";
    }

    private static void misplaced(Layer l, boolean inTrunk, int index, String stack, List<String> faults) {
        if (FrozenLayer.base(l) instanceof EmbeddingLayer) {
            add(faults, layerPath(stack, index, l), ModelChecks.misplacedEmbedding(inTrunk, index));
        }
    }

    /** The output shape after {@code layers}, or null after reporting the first layer that cannot take its input. */
    private static int[] trace(List<Layer> layers, int[] in, String path, List<String> faults) {
        ModelChecks.Trace t = ModelChecks.trace(layers, in, Naming.JAVA);
        if (!t.ok()) {
            add(faults, layerPath(path, t.faultAt(), layers.get(t.faultAt())), t.message());
            return null;
        }
        return t.output(in);
    }
}
