package polyhead.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import polyhead.data.LabelMapping;
import polyhead.data.LabelType;
import polyhead.data.Vocabulary;
import polyhead.io.Json;
import polyhead.io.UserText;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.loss.Reduction;
import polyhead.metrics.Metric;
import polyhead.metrics.Metrics;
import polyhead.mtl.arch.Architecture;
import polyhead.optim.Optimizers;

/**
 * What a built model is — input shape, trunk, architecture, tasks with their heads, losses, weights, labels, metrics
 * and class names — as plain values that {@link polyhead.io.Json} writes, so that a checkpoint can rebuild its model
 * without the code (Java builder, Kotlin DSL) that built it. Every checkpoint of an {@link Experiment} records one
 * (under {@code description} in its {@code checkpoint.json}); {@link TrainedModel#load} and the command-line tool
 * rebuild the model from it.
 *
 * <p>The JSON uses the names of the JSON spec (layer, loss and architecture {@code type}s and settings, label kinds,
 * metric names), so its {@code input}, {@code trunk}, {@code architecture} and {@code tasks} read as that part of a
 * spec. Initializers are not recorded: a rebuilt model's weights come from the checkpoint. A model with a layer
 * written outside {@link Layers} has no description ({@link #of} gives null).
 *
 * <pre>{@code
 * {"version": 1, "input": [784], "trunk": [{"type": "dense", "units": 128, "bias": true}, {"type": "relu"}],
 *  "architecture": {"type": "hardSharing"},
 *  "tasks": [{"name": "item", "head": [{"type": "dense", "units": 10, "bias": true}],
 *             "loss": {"type": "crossEntropy", "reduction": "mean", "labelSmoothing": 0.0}, "weight": 1.0,
 *             "labels": "classIndex", "metrics": ["accuracy"], "classNames": ["T-shirt/top", …]}]}
 * }</pre>
 */
public final class ModelDescription {
    /** The version of the description's JSON this code writes and reads. */
    public static final int VERSION = 1;

    private final int[] input;
    /** The named inputs of a multi-input model (then {@link #input} is empty), else none. */
    private final List<InputPlan> inputs;
    /** The vocabulary of a sequence input (then {@link #input} is empty), else null. */
    private final Vocabulary vocabulary;
    private final List<Layer> trunk;
    private final ArchitecturePlan architecture;
    private final List<TaskPlan> tasks;
    private final Map<String, Object> json;

    private ModelDescription(int[] input, List<InputPlan> inputs, Vocabulary vocabulary, List<Layer> trunk,
                             ArchitecturePlan architecture, List<TaskPlan> tasks, Map<String, Object> json) {
        this.input = input.clone();
        this.inputs = List.copyOf(inputs);
        this.vocabulary = vocabulary;
        this.trunk = List.copyOf(trunk);
        this.architecture = architecture;
        this.tasks = List.copyOf(tasks);
        this.json = json;
    }

    /** The description of a checked experiment's model, or null if a layer or metric cannot be described. */
    static ModelDescription of(int[] input, List<InputPlan> inputs, Vocabulary vocabulary, List<Layer> trunk,
                               ArchitecturePlan architecture, List<TaskPlan> tasks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        if (vocabulary != null) {
            // the vocabulary's own JSON form, so that a saved model reads words as it was trained to
            Map<String, Object> seq = new LinkedHashMap<>();
            seq.put("vocabulary", Json.parse(vocabulary.toJson(), "vocabulary"));
            m.put("sequenceInput", seq);
        } else if (inputs.isEmpty()) {
            m.put("input", Arrays.stream(input).boxed().toList());
        } else {
            // as the JSON spec writes named inputs
            List<Object> ins = new ArrayList<>();
            for (InputPlan in : inputs) {
                List<Object> branch = layers(in.trunk());
                if (branch == null) {
                    return null;
                }
                Map<String, Object> im = new LinkedHashMap<>();
                im.put("name", in.name());
                im.put("shape", Arrays.stream(in.shape()).boxed().toList());
                im.put("trunk", branch);
                ins.add(im);
            }
            m.put("inputs", ins);
        }
        List<Object> layers = layers(trunk);
        if (layers == null) {
            return null;
        }
        m.put("trunk", layers);
        Map<String, Object> arch = architecture(architecture);
        if (!architecture.layers().isEmpty()) {
            List<Object> own = layers(architecture.layers());
            if (own == null) {
                return null;
            }
            arch.put("layers", own);
        }
        m.put("architecture", arch);
        List<Object> ts = new ArrayList<>();
        for (TaskPlan t : tasks) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("name", t.name());
            List<Object> head = layers(t.head());
            if (head == null) {
                return null;
            }
            tm.put("head", head);
            tm.put("loss", t.loss().settings());
            tm.put("weight", t.weight());
            tm.put("labels", labelName(t.labels()));
            List<Object> metrics = new ArrayList<>();
            for (Metric metric : t.metrics()) {
                try {
                    Metrics.parse(metric.name());
                } catch (IllegalArgumentException e) {
                    return null;
                }
                metrics.add(metric.name());
            }
            tm.put("metrics", metrics);
            tm.put("classNames", t.classNames());
            if (t.derived() != null) {
                tm.put("derivedFrom", derived(t.derived()));
            }
            ts.add(tm);
        }
        m.put("tasks", ts);
        return new ModelDescription(input, inputs, vocabulary, trunk, architecture, tasks, m);
    }

    /**
     * Reads a description written by {@link #toJson()} (after {@link polyhead.io.Json#parse}).
     *
     * @param source names the description in errors, e.g. {@code run/checkpoints/epoch-3/checkpoint.json}
     * @throws IllegalArgumentException naming the source and the field at fault ({@code $.tasks[0].loss.type})
     */
    public static ModelDescription fromJson(Object json, String source) {
        Fields root = new Fields(json, "$", source);
        long version = root.integer("version");
        if (version != VERSION) {
            throw root.fault("version", "this Polyhead reads model descriptions of version " + VERSION + ", got "
                    + version);
        }
        boolean named = root.value instanceof Map<?, ?> rm && rm.containsKey("inputs");
        boolean sequence = root.value instanceof Map<?, ?> rm && rm.containsKey("sequenceInput");
        Vocabulary vocabulary = null;
        if (sequence) {
            Fields v = root.object("sequenceInput").object("vocabulary");
            try {
                vocabulary = Vocabulary.fromJson(Json.write(v.value), source + ": " + v.path);
            } catch (RuntimeException e) {
                throw v.fault(null, e.getMessage());
            }
        }
        int[] input = named || sequence ? new int[0] : ints(root.list("input"));
        List<InputPlan> inputs = new ArrayList<>();
        if (named) {
            for (Fields in : root.list("inputs")) {
                inputs.add(InputPlan.named(in.string("name")).shape(ints(in.list("shape")))
                        .trunk(readLayers(in.list("trunk"))));
            }
        }
        List<Layer> trunk = readLayers(root.list("trunk"));
        ArchitecturePlan arch = architecture(root.object("architecture"));
        List<TaskPlan> tasks = new ArrayList<>();
        for (Fields t : root.list("tasks")) {
            TaskPlan p = TaskPlan.named(t.string("name"))
                    .head(readLayers(t.list("head")))
                    .loss(loss(t.object("loss")))
                    .weight(t.number("weight"))
                    .labels(labels(t, "labels"))
                    .metrics(t.list("metrics").stream().map(f -> metric(f)).toArray(Metric[]::new))
                    .classNames(t.list("classNames").stream().map(Fields::asString).toList());
            if (t.value instanceof Map<?, ?> tm && tm.containsKey("derivedFrom")) {
                p = derived(p, t.object("derivedFrom"));
            }
            tasks.add(p);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) json);
        return new ModelDescription(input, inputs, vocabulary, trunk, arch, tasks, copy);
    }

    /** The description as JSON-ready values (maps, lists, strings, numbers, booleans). */
    public Map<String, Object> toJson() {
        return json;
    }

    /**
     * The shape of one sample, without the batch dimension; for a multi-input model the packed row
     * [Σ input sizes] that its data carries ({@link InputPlan#layout}).
     */
    public int[] input() {
        if (vocabulary != null) {
            return new int[] {Layers.TIME};
        }
        return inputs.isEmpty() ? input.clone() : new int[] {InputPlan.layout(inputs).width()};
    }

    /** The vocabulary of a sequence model's input ({@link ExperimentBuilder#sequenceInput}), or null. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The named inputs of a multi-input model, each with its shape and trunk; empty for a model of one input. */
    public List<InputPlan> inputs() {
        return inputs;
    }

    public List<Layer> trunk() {
        return trunk;
    }

    public ArchitecturePlan architecture() {
        return architecture;
    }

    /** The tasks as plans, with their heads, losses, weights, labels, metrics and class names. */
    public List<TaskPlan> tasks() {
        return tasks;
    }

    /** The task named {@code name}, or null. */
    public TaskPlan task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * The architecture, with parameters drawn from {@code Random(seed)} as {@link ExperimentBuilder#build()} draws
     * them (the same seed gives the same initial weights); a checkpoint's weights then replace them.
     */
    public Architecture architecture(long seed) {
        return experiment(seed).architecture();
    }

    /**
     * The described model as an experiment built with {@code seed} (the same parameters as
     * {@link #architecture(long)}), with the binding of data to it ({@link Experiment#bind}); for evaluation and
     * prediction only: its optimizer is plain SGD at rate 0 and its weighting the fixed one.
     *
     * @throws IllegalArgumentException if the description does not pass the builder's checks
     */
    Experiment experiment(long seed) {
        ExperimentBuilder b = new ExperimentBuilder().trunk(trunk).architecture(architecture)
                .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Sgd.lr(0))))
                .training(TrainingPlan.defaults().seed(seed));
        if (vocabulary != null) {
            b.sequenceInput(vocabulary);
        } else if (inputs.isEmpty()) {
            b.input(input);
        } else {
            inputs.forEach(b::input);
        }
        tasks.forEach(b::task);
        return b.build();
    }

    // ------------------------------------------------------------------ writing

    private static List<Object> layers(List<Layer> layers) {
        List<Object> out = new ArrayList<>();
        for (Layer l : layers) {
            Map<String, Object> s = l.settings();
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    private static Map<String, Object> architecture(ArchitecturePlan a) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (a.kind()) {
            case HARD_SHARING -> m.put("type", "hardSharing");
            case SOFT_SHARING -> {
                m.put("type", "softSharing");
                m.put("lambda", a.lambda());
            }
            case CROSS_STITCH -> {
                m.put("type", "crossStitch");
                m.put("stages", Arrays.stream(a.stages()).boxed().toList());
            }
            case MMOE, OMOE -> {
                m.put("type", "mmoe");
                m.put("experts", a.experts());
                m.put("oneGate", a.kind() == ArchitecturePlan.Kind.OMOE);
            }
            case CGC -> {
                m.put("type", "cgc");
                m.put("sharedExperts", a.experts());
                m.put("taskExperts", a.taskExperts());
            }
            case LEARNING_TO_BRANCH -> {
                m.put("type", "learningToBranch");
                m.put("stages", Arrays.stream(a.stages()).boxed().toList());
                m.put("temperature", a.temperature());
                m.put("fixAfter", a.fixAfter());
                if (a.temperatureDecay() > 0) {
                    m.put("temperatureDecay", a.temperatureDecay());
                }
            }
            case MTAN -> {
                m.put("type", "mtan");
                m.put("blocks", Arrays.stream(a.stages()).boxed().toList());
            }
            case DSELECT_K -> {
                m.put("type", "dselectK");
                m.put("experts", a.experts());
                m.put("selectors", a.selectors());
                m.put("gamma", a.gamma());
                m.put("entropyWeight", a.lambda());
            }
            case PLE -> {
                m.put("type", "ple");
                m.put("sharedExperts", a.experts());
                m.put("taskExperts", a.taskExperts());
                m.put("levels", Arrays.stream(a.stages()).boxed().toList());
            }
        }
        return m;
    }

    /** The spec's name of a label kind: {@code classIndex}, {@code binary}, {@code realVector}, {@code pixelClassMap}. */
    static String labelName(LabelType t) {
        return switch (t) {
            case CLASS_INDEX -> "classIndex";
            case BINARY -> "binary";
            case REAL_VECTOR -> "realVector";
            case PIXEL_CLASS_MAP -> "pixelClassMap";
            case TOKEN_CLASS -> "tokenClass";
        };
    }

    // ------------------------------------------------------------------ reading

    private static LabelType labels(Fields task, String key) {
        String name = task.string(key);
        for (LabelType t : LabelType.values()) {
            if (labelName(t).equals(name)) {
                return t;
            }
        }
        throw task.fault(key, "unknown label kind " + UserText.quote(name));
    }

    private static Metric metric(Fields f) {
        try {
            return Metrics.parse(f.asString());
        } catch (IllegalArgumentException e) {
            throw f.fault(null, e.getMessage());
        }
    }

    private static int[] ints(List<Fields> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) list.get(i).asInteger();
        }
        return out;
    }

    private static List<Layer> readLayers(List<Fields> list) {
        List<Layer> out = new ArrayList<>();
        for (Fields f : list) {
            out.add(layer(f));
        }
        return out;
    }

    private static Layer layer(Fields f) {
        Layer l = describedLayer(f);
        boolean frozen = f.value instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("trainable"));
        return frozen ? l.trainable(false) : l;
    }

    private static Layer describedLayer(Fields f) {
        String type = f.string("type");
        try {
            return switch (type) {
                case "dense" -> Layers.dense(f.integer("units"), f.bool("bias"));
                case "conv2d" -> Layers.conv2d(f.integer("filters"), f.integer("kernel"), f.integer("stride"),
                        f.integer("padding"), f.bool("bias"));
                case "maxPool" -> Layers.maxPool(f.integer("kernel"), f.integer("stride"), f.integer("padding"));
                case "avgPool" -> Layers.avgPool(f.integer("kernel"), f.integer("stride"), f.integer("padding"));
                case "globalAvgPool" -> Layers.globalAvgPool();
                case "flatten" -> Layers.flatten();
                case "dropout" -> Layers.dropout(f.number("p"));
                case "batchNorm" -> Layers.batchNorm(f.number("eps"), f.number("momentum"));
                case "layerNorm" -> Layers.layerNorm(f.integer("dims"), f.number("eps"));
                // count 0: the sequence input's vocabulary, as the spec writes it
                case "embedding" -> f.integer("count") == 0 ? Layers.embedding(f.integer("dim"))
                        : Layers.embedding(f.integer("count"), f.integer("dim"));
                case "lstm" -> Layers.lstm(f.integer("hidden"), f.integer("layers"), f.bool("bidirectional"));
                case "gru" -> Layers.gru(f.integer("hidden"), f.integer("layers"), f.bool("bidirectional"));
                case "transformerEncoder" -> Layers.transformerEncoder(f.integer("layers"), f.integer("heads"),
                        f.integer("feedForward"), f.bool("normFirst"), Layers.feedForwardActivation(
                                f.string("activation")));
                case "positionalEmbedding" -> f.string("kind").equals("learned")
                        ? Layers.positionalEmbedding(f.integer("maxLength")) : Layers.sinusoidalPositions();
                case "sequencePool" -> Layers.sequencePool(Layers.poolMode(f.string("mode")));
                case "relu" -> Layers.relu();
                case "leakyRelu" -> Layers.leakyRelu(f.number("slope"));
                case "sigmoid" -> Layers.sigmoid();
                case "tanh" -> Layers.tanh();
                case "gelu" -> Layers.gelu();
                case "softmax" -> Layers.softmax(f.integer("axis"));
                default -> throw f.fault("type", "unknown layer type " + UserText.quote(type));
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(f.source)) {
                throw e;
            }
            throw f.fault(null, e.getMessage());
        }
    }

    /** A derived task's source and mapping, in the spec's form: {@code {"task": "item", "positive": [5, 7, 9]}}. */
    private static Map<String, Object> derived(TaskPlan.Derived d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", d.source());
        if (d.mapping() instanceof LabelMapping.ToGroup g) {
            m.put("groups", Arrays.stream(g.groups()).boxed().toList());
        } else if (d.mapping() instanceof LabelMapping.ToBinary b) {
            m.put("positive", Arrays.stream(b.positives()).boxed().toList());
        }
        return m;
    }

    private static TaskPlan derived(TaskPlan p, Fields f) {
        String source = f.string("task");
        Map<?, ?> m = (Map<?, ?>) f.value;
        String key = m.containsKey("groups") ? "groups" : "positive";
        int[] classes = f.list(key).stream().mapToInt(c -> (int) c.asInteger()).toArray();
        try {
            return p.derivedFrom(source, key.equals("groups") ? LabelMapping.toGroup(classes)
                    : LabelMapping.toBinary(classes)).labels(p.labels());
        } catch (IllegalArgumentException e) {
            throw f.fault(key, e.getMessage());
        }
    }

    private static Loss loss(Fields f) {
        String type = f.string("type");
        Reduction r;
        String reduction = f.string("reduction");
        try {
            r = Reduction.valueOf(reduction.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw f.fault("reduction", "unknown reduction " + UserText.quote(reduction));
        }
        return switch (type) {
            case "crossEntropy" -> Losses.crossEntropy((float) f.number("labelSmoothing"), r,
                    f.optionalFloats("classWeights"));
            case "bceWithLogits" -> Losses.bceWithLogits(r, f.optionalFloats("posWeight"));
            case "mse" -> Losses.mse(r);
            case "mae" -> Losses.mae(r);
            case "huber" -> Losses.huber((float) f.number("delta"), r);
            default -> throw f.fault("type", "unknown loss type " + UserText.quote(type));
        };
    }

    private static ArchitecturePlan architecture(Fields f) {
        ArchitecturePlan plan = plainArchitecture(f);
        if (!(f.value instanceof Map<?, ?> m) || !m.containsKey("layers")) {
            return plan;
        }
        try {
            return plan.layers(readLayers(f.list("layers")).toArray(new Layer[0]));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(f.source)) {
                throw e;
            }
            throw f.fault("layers", e.getMessage());
        }
    }

    private static ArchitecturePlan plainArchitecture(Fields f) {
        String type = f.string("type");
        return switch (type) {
            case "hardSharing" -> ArchitecturePlan.hardSharing();
            case "softSharing" -> ArchitecturePlan.softSharing(f.number("lambda"));
            case "crossStitch" -> ArchitecturePlan.crossStitch(
                    f.list("stages").stream().mapToInt(s -> (int) s.asInteger()).toArray());
            case "mmoe" -> f.bool("oneGate") ? ArchitecturePlan.omoe(f.integer("experts"))
                    : ArchitecturePlan.mmoe(f.integer("experts"));
            case "mtan" -> ArchitecturePlan.mtan(ints(f.list("blocks")));
            case "learningToBranch" -> ArchitecturePlan.learningToBranch(f.number("temperature"),
                    f.integer("fixAfter"), ints(f.list("stages")))
                    .temperatureDecay(f.has("temperatureDecay") ? f.integer("temperatureDecay") : 0);
            case "dselectK" -> ArchitecturePlan.dselectK(f.integer("experts"), f.integer("selectors"),
                    f.number("gamma"), f.number("entropyWeight"));
            case "cgc" -> ArchitecturePlan.cgc(f.integer("sharedExperts"), f.integer("taskExperts"));
            case "ple" -> ArchitecturePlan.ple(f.integer("sharedExperts"), f.integer("taskExperts"),
                    ints(f.list("levels")));
            default -> throw f.fault("type", "unknown architecture type " + UserText.quote(type));
        };
    }

    /** A JSON value at a path, read with one-line errors naming the source and the path. */
    private record Fields(Object value, String path, String source) {
        IllegalArgumentException fault(String key, String message) {
            return new IllegalArgumentException(source + ": " + (key == null ? path : path + "." + key) + ": "
                    + message);
        }

        private Object get(String key) {
            if (!(value instanceof Map<?, ?> m)) {
                throw fault(null, "expected an object");
            }
            if (!m.containsKey(key)) {
                throw fault(key, "missing");
            }
            return m.get(key);
        }

        Fields object(String key) {
            Object v = get(key);
            if (!(v instanceof Map)) {
                throw fault(key, "expected an object");
            }
            return new Fields(v, path + "." + key, source);
        }

        List<Fields> list(String key) {
            if (!(get(key) instanceof List<?> l)) {
                throw fault(key, "expected an array");
            }
            List<Fields> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(new Fields(l.get(i), path + "." + key + "[" + i + "]", source));
            }
            return out;
        }

        String string(String key) {
            return new Fields(get(key), path + "." + key, source).asString();
        }

        int integer(String key) {
            return (int) new Fields(get(key), path + "." + key, source).asInteger();
        }

        double number(String key) {
            if (!(get(key) instanceof Number n)) {
                throw fault(key, "expected a number");
            }
            return n.doubleValue();
        }

        /** Whether this is an object with the key {@code key} (for keys later versions added). */
        boolean has(String key) {
            return value instanceof Map<?, ?> m && m.containsKey(key);
        }

        /** The numbers of array {@code key}, or null when the object has no such key. */
        float[] optionalFloats(String key) {
            if (!(value instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return null;
            }
            List<Fields> items = list(key);
            float[] out = new float[items.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(items.get(i).value instanceof Number n)) {
                    throw items.get(i).fault(null, "expected a number");
                }
                out[i] = n.floatValue();
            }
            return out;
        }

        boolean bool(String key) {
            if (!(get(key) instanceof Boolean b)) {
                throw fault(key, "expected true or false");
            }
            return b;
        }

        String asString() {
            if (!(value instanceof String s)) {
                throw fault(null, "expected a string");
            }
            return s;
        }

        long asInteger() {
            if (!(value instanceof Long || value instanceof Integer) || ((Number) value).longValue() < Integer.MIN_VALUE
                    || ((Number) value).longValue() > Integer.MAX_VALUE) {
                throw fault(null, "expected an integer");
            }
            return ((Number) value).longValue();
        }
    }
}
