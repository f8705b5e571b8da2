package polyhead.experiment;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;

import polyhead.nn.Activation;
import polyhead.nn.AvgPool2d;
import polyhead.nn.BatchNorm;
import polyhead.nn.Dropout;
import polyhead.nn.Flatten;
import polyhead.nn.GlobalAvgPool2d;
import polyhead.nn.Initializer;
import polyhead.nn.LayerNorm;
import polyhead.nn.MaxPool2d;
import polyhead.nn.Module;
import polyhead.nn.SequencePool;
import polyhead.nn.TransformerEncoderLayer;

/**
 * The layers of {@link ExperimentBuilder}, with PyTorch's defaults (stated here once). Dense, convolution and
 * embedding layers take their initializers with {@code .init(...)}; without, they keep the core layers' defaults.
 *
 * <pre>{@code
 * List.of(Layers.conv2d(10, 5), Layers.relu(), Layers.maxPool(2), Layers.flatten(),
 *         Layers.dense(50).init(Initializers.xavierUniform(1f), Initializers.zeros()), Layers.relu())
 * }</pre>
 */
public final class Layers {
    private Layers() {
    }

    /**
     * {@code layers}, each frozen ({@link Layer#trainable(boolean) trainable(false)}): a whole trunk or head whose
     * parameters training leaves as they are, e.g. {@code trunk(Layers.frozen(dense(256), relu()))} to train the
     * heads on fixed (imported) features.
     */
    public static List<Layer> frozen(Layer... layers) {
        return frozen(List.of(layers));
    }

    public static List<Layer> frozen(List<Layer> layers) {
        return layers.stream().map(l -> l.trainable(false)).toList();
    }

    /** Fully connected, [features] → [units], with a bias. */
    public static DenseLayer dense(int units) {
        return dense(units, true);
    }

    public static DenseLayer dense(int units, boolean bias) {
        positive("dense", "units", units);
        return new DenseLayer(units, bias, null, null);
    }

    /** 2-D convolution with a square kernel, stride 1, no padding, a bias: [C, H, W] → [filters, H', W']. */
    public static ConvLayer conv2d(int filters, int kernel) {
        return conv2d(filters, kernel, 1, 0, true);
    }

    public static ConvLayer conv2d(int filters, int kernel, int stride, int padding, boolean bias) {
        positive("conv2d", "filters", filters);
        window("conv2d", kernel, stride, padding);
        return new ConvLayer(filters, kernel, stride, padding, bias, null, null);
    }

    /** Max pooling over square windows, stride = kernel, no padding. */
    public static Layer maxPool(int kernel) {
        return maxPool(kernel, kernel, 0);
    }

    public static Layer maxPool(int kernel, int stride, int padding) {
        window("maxPool", kernel, stride, padding);
        return new Pool("maxPool", kernel, stride, padding);
    }

    /** Average pooling (padding counted in the average), stride = kernel, no padding. */
    public static Layer avgPool(int kernel) {
        return avgPool(kernel, kernel, 0);
    }

    public static Layer avgPool(int kernel, int stride, int padding) {
        window("avgPool", kernel, stride, padding);
        return new Pool("avgPool", kernel, stride, padding);
    }

    /** Mean over the spatial dimensions, [C, H, W] → [C]. */
    public static Layer globalAvgPool() {
        return new Simple("globalAvgPool", false) {
            @Override
            public int[] outputShape(int[] in) {
                image(type(), in);
                return new int[] {in[0]};
            }

            @Override
            Module module(int[] in) {
                return new GlobalAvgPool2d();
            }
        };
    }

    /** All dimensions into one, [d1, …, dk] → [d1·…·dk]. */
    public static Layer flatten() {
        return new Simple("flatten", false) {
            @Override
            public int[] outputShape(int[] in) {
                // in long: a product past Integer.MAX_VALUE becomes -1, which ModelChecks reports as too large
                long n = 1;
                for (int d : in) {
                    n = Math.min(n * d, Integer.MAX_VALUE + 1L);
                }
                return new int[] {n > Integer.MAX_VALUE ? -1 : (int) n};
            }

            @Override
            Module module(int[] in) {
                return new Flatten();
            }
        };
    }

    /** Inverted dropout with drop probability 0.5. */
    public static Layer dropout() {
        return dropout(0.5);
    }

    /** Inverted dropout with drop probability {@code p} in [0, 1); its seed is drawn from the experiment's generator. */
    public static Layer dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        return new Layer() {
            @Override
            public String type() {
                return "dropout";
            }

            @Override
            public int[] outputShape(int[] in) {
                return in;
            }

            @Override
            public Module create(int[] in, Random rng) {
                return new Dropout((float) p, rng.nextLong());
            }

            @Override
            public boolean takesSequences() {
                return true;
            }

            @Override
            public Map<String, Object> settings() {
                return settingsOf(type(), "p", p);
            }
        };
    }

    /** Batch normalization with eps 1e-5 and momentum 0.1. */
    public static Layer batchNorm() {
        return batchNorm(1e-5, 0.1);
    }

    /** Batch normalization over the channel dimension: 1-d for [C] or [C, L], 2-d for [C, H, W]. */
    public static Layer batchNorm(double eps, double momentum) {
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchNorm: eps must be > 0 and momentum in [0, 1], got eps " + eps
                    + ", momentum " + momentum);
        }
        return new Simple("batchNorm", false, "eps", eps, "momentum", momentum) {
            @Override
            public int[] outputShape(int[] in) {
                if (in.length < 1 || in.length > 3) {
                    throw new LayerFault("batchNorm needs [channels], [channels, length] or "
                            + "[channels, height, width], got " + show(in));
                }
                return in;
            }

            @Override
            Module module(int[] in) {
                BatchNorm b = in.length == 3 ? BatchNorm.twoD(in[0]) : BatchNorm.oneD(in[0]);
                return b.withEpsAndMomentum((float) eps, (float) momentum);
            }
        };
    }

    /** Layer normalization over the last dimension, eps 1e-5. */
    public static Layer layerNorm() {
        return layerNorm(1, 1e-5);
    }

    /** Layer normalization over the trailing {@code dims} dimensions, with a learned scale and shift. */
    public static Layer layerNorm(int dims, double eps) {
        positive("layerNorm", "dims", dims);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be > 0, got " + eps);
        }
        return new Simple("layerNorm", false, "dims", dims, "eps", eps) {
            @Override
            public int[] outputShape(int[] in) {
                if (in.length < dims) {
                    throw new LayerFault("dims", n -> "layerNorm over the last " + dims
                            + " dimensions needs an input of rank >= " + dims + ", got " + show(in));
                }
                if (isSequence(in) && dims >= in.length) {
                    throw new LayerFault("dims", n -> "layerNorm over the last " + dims + " dimensions of a sequence "
                            + show(in) + " would normalize over its varying length; normalize each step's features "
                            + "(dims 1)");
                }
                return in;
            }

            @Override
            public boolean takesSequences() {
                return true;
            }

            @Override
            Module module(int[] in) {
                return new LayerNorm((float) eps, true, Arrays.copyOfRange(in, in.length - dims, in.length));
            }
        };
    }

    /**
     * The time axis of a sequence in a per-sample shape: a sequence input's token ids are [T], a sequence of features
     * [T, F], T varying from batch to batch (each batch is padded to its longest sentence). Messages show it as
     * {@code T}.
     */
    public static final int TIME = -2;

    /**
     * An embedding of a sequence input's token ids: a table of as many rows as the input's vocabulary
     * ({@link ExperimentBuilder#sequenceInput}) of size {@code dim}, N(0, 1), its padding row 0:
     * [T] → [T, dim]. The first layer of a sequence model's trunk.
     */
    public static EmbeddingLayer embedding(int dim) {
        positive("embedding", "dim", dim);
        return new EmbeddingLayer(0, dim, null);
    }

    /** A one-layer, one-direction LSTM: [T, F] → [T, hidden]. */
    public static Layer lstm(int hidden) {
        return lstm(hidden, 1, false);
    }

    /**
     * An LSTM stack of {@code layers} layers, bidirectional or not: [T, F] → [T, directions·hidden], over each
     * sequence's valid steps (PyTorch's {@code nn.LSTM(batch_first=True)} on a packed sequence; zero initial states,
     * no dropout between layers).
     */
    public static Layer lstm(int hidden, int layers, boolean bidirectional) {
        positive("lstm", "hidden", hidden);
        positive("lstm", "layers", layers);
        return new RecurrentLayer("lstm", hidden, layers, bidirectional);
    }

    /** A one-layer, one-direction GRU: [T, F] → [T, hidden]. */
    public static Layer gru(int hidden) {
        return gru(hidden, 1, false);
    }

    /** A GRU stack, as {@link #lstm(int, int, boolean)} with PyTorch's {@code nn.GRU}. */
    public static Layer gru(int hidden, int layers, boolean bidirectional) {
        positive("gru", "hidden", hidden);
        positive("gru", "layers", layers);
        return new RecurrentLayer("gru", hidden, layers, bidirectional);
    }

    /**
     * A Transformer encoder of {@code layers} post-norm layers with ReLU: {@link #transformerEncoder(int, int, int,
     * boolean, TransformerEncoderLayer.FeedForwardActivation)} with PyTorch's defaults ({@code norm_first=False},
     * {@code activation="relu"}).
     */
    public static Layer transformerEncoder(int layers, int heads, int feedForward) {
        return transformerEncoder(layers, heads, feedForward, false,
                TransformerEncoderLayer.FeedForwardActivation.RELU);
    }

    /**
     * A Transformer encoder (Vaswani et al. 2017): {@code layers} self-attention layers of {@code heads} heads and a
     * feed-forward block of {@code feedForward} units, pre-norm ({@code normFirst}) or post-norm, ReLU or GELU, layer
     * norm ε 1e-5, no dropout, no final norm: [T, d] → [T, d] with d (the input's features) divisible by the heads;
     * padded keys are hidden from attention.
     */
    public static Layer transformerEncoder(int layers, int heads, int feedForward, boolean normFirst,
                                           TransformerEncoderLayer.FeedForwardActivation activation) {
        positive("transformerEncoder", "layers", layers);
        positive("transformerEncoder", "heads", heads);
        positive("transformerEncoder", "feedForward", feedForward);
        return new TransformerLayer(layers, heads, feedForward, normFirst, java.util.Objects.requireNonNull(activation,
                "transformerEncoder: activation"));
    }

    /**
     * Learned positions: a trained vector per position added to a sequence [T, d], a table of {@code maxLength}
     * rows, N(0, 1) (Gehring et al. 2017); data with a sentence longer than {@code maxLength} is refused when bound
     * to the experiment, naming the sentence.
     */
    public static Layer positionalEmbedding(int maxLength) {
        positive("positionalEmbedding", "maxLength", maxLength);
        return new PositionalLayer(maxLength);
    }

    /** The fixed sines and cosines of Vaswani et al. 2017, Sec. 3.5, added to a sequence [T, d]; any length. */
    public static Layer sinusoidalPositions() {
        return new PositionalLayer(0);
    }

    /**
     * A sequence [T, F] pooled over each sequence's valid steps into [F]: the mean, the maximum, the last valid step
     * or the first (a classification token). In a per-sequence task's head, it puts a sentence-level task on a
     * per-token encoder.
     */
    public static Layer sequencePool(SequencePool.Mode mode) {
        return new PoolLayer(java.util.Objects.requireNonNull(mode, "sequencePool: mode"));
    }

    /**
     * The pooling mode named as settings and specs write it: {@code mean}, {@code max}, {@code last}, {@code first}.
     *
     * @throws IllegalArgumentException for another name, listing these
     */
    public static SequencePool.Mode poolMode(String name) {
        for (SequencePool.Mode m : SequencePool.Mode.values()) {
            if (m.name().toLowerCase(java.util.Locale.ROOT).equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown pooling mode " + polyhead.io.UserText.quote(name)
                + "; known: mean, max, last, first");
    }

    /**
     * The feed-forward activation named as settings and specs write it: {@code relu}, {@code gelu}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static TransformerEncoderLayer.FeedForwardActivation feedForwardActivation(String name) {
        for (TransformerEncoderLayer.FeedForwardActivation a : TransformerEncoderLayer.FeedForwardActivation.values()) {
            if (a.name().toLowerCase(java.util.Locale.ROOT).equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown feed-forward activation " + polyhead.io.UserText.quote(name)
                + "; known: relu, gelu");
    }

    /** Whether per-sample shape {@code shape} is a sequence (its first axis is {@link #TIME}). */
    static boolean isSequence(int[] shape) {
        return shape.length > 0 && shape[0] == TIME;
    }

    /** Checks that a sequence layer {@code type} gets features [T, F]. */
    static void sequence(String type, int[] in) {
        if (in.length == 2 && in[0] == TIME && in[1] > 0) {
            return;
        }
        if (in.length == 1 && in[0] == TIME) {
            throw new LayerFault(type + " reads a sequence of features [T, features], but its input is the token ids "
                    + "[T]; put embedding(dim) before it");
        }
        throw new LayerFault(type + " reads a sequence [T, features], but its input is " + show(in)
                + (isSequence(in) ? "" : ": a layer before it dropped the time axis (sequencePool, flatten), or the "
                + "model's input is no sequence"));
    }

    /** A lookup table of {@code count} rows of size {@code dim}, N(0, 1): indices of shape s → s + [dim]. */
    public static EmbeddingLayer embedding(int count, int dim) {
        positive("embedding", "count", count);
        positive("embedding", "dim", dim);
        return new EmbeddingLayer(count, dim, null);
    }

    public static Layer relu() {
        return activation("relu", Activation::relu);
    }

    /** Leaky ReLU with negative slope 0.01. */
    public static Layer leakyRelu() {
        return leakyRelu(0.01);
    }

    public static Layer leakyRelu(double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("leakyRelu: slope must be finite, got " + slope);
        }
        return activation("leakyRelu", () -> Activation.leakyRelu((float) slope), "slope", slope);
    }

    public static Layer sigmoid() {
        return activation("sigmoid", Activation::sigmoid);
    }

    public static Layer tanh() {
        return activation("tanh", Activation::tanh);
    }

    public static Layer gelu() {
        return activation("gelu", Activation::gelu);
    }

    /** Softmax over the last axis of the sample. */
    public static Layer softmax() {
        return softmax(-1);
    }

    /** Softmax over {@code axis} of the per-sample shape; −1 is the last. */
    public static Layer softmax(int axis) {
        return new Simple("softmax", true, "axis", axis) {
            @Override
            public int[] outputShape(int[] in) {
                if (axis < -in.length || axis >= in.length) {
                    throw new LayerFault("axis", n -> "softmax axis " + axis + " is outside an input of rank "
                            + in.length + " " + show(in));
                }
                return in;
            }

            @Override
            Module module(int[] in) {
                // the layer's axis is per sample; the core's counts the batch dimension
                return Activation.softmax(axis >= 0 ? axis + 1 : axis);
            }
        };
    }

    /** {@code {"type": type, name: value, …}} from {@code nameValues} = name, value, name, value, …. */
    static Map<String, Object> settingsOf(String type, Object... nameValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put((String) nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    /** {@code [1, 28, 28]}; a sequence's time axis as {@code T}: {@code [T, 100]}. */
    static String show(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i] == TIME ? "T" : String.valueOf(shape[i]));
        }
        return b.append(']').toString();
    }

    /**
     * A generator for the core layer's own default draw, which the custom initializers then overwrite: the
     * experiment's generator sees only the custom draws, so a custom initializer does not shift later layers.
     */
    static Random scratch() {
        return new Random(0);
    }

    static Initializer orDefault(Initializer weight) {
        return weight != null ? weight : polyhead.nn.Initializers.defaultWeight();
    }

    static void positive(String layer, String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(layer + ": " + field + " must be at least 1, got " + value);
        }
    }

    private static void window(String layer, int kernel, int stride, int padding) {
        positive(layer, "kernel", kernel);
        positive(layer, "stride", stride);
        if (padding < 0) {
            throw new IllegalArgumentException(layer + ": padding must be at least 0, got " + padding);
        }
    }

    static void image(String layer, int[] in) {
        if (in.length != 3) {
            throw new LayerFault(layer + " needs an image input [channels, height, width], got " + show(in));
        }
    }

    /** The output height and width of a window sweeping image {@code in} [C, H, W]. */
    static int[] spatial(int kernel, int stride, int padding, int[] in) {
        int ph = in[1] + 2 * padding;
        int pw = in[2] + 2 * padding;
        if (kernel > ph || kernel > pw) {
            throw new LayerFault("kernel", n -> "kernel " + kernel + " is larger than the input " + n.extent(in)
                    + (padding > 0 ? " padded by " + padding : ""));
        }
        return new int[] {(ph - kernel) / stride + 1, (pw - kernel) / stride + 1};
    }

    private static Layer activation(String type, java.util.function.Supplier<Activation> make, Object... settings) {
        return new Simple(type, true, settings) {
            @Override
            public int[] outputShape(int[] in) {
                return in;
            }

            @Override
            Module module(int[] in) {
                return make.get();
            }
        };
    }

    /** A layer without parameters or randomness. */
    private abstract static class Simple implements Layer {
        private final String type;
        private final boolean activation;
        private final Object[] settings;

        /** {@code settings}: name, value, name, value, … as {@link Layer#settings()} records them. */
        Simple(String type, boolean activation, Object... settings) {
            this.type = type;
            this.activation = activation;
            this.settings = settings;
        }

        @Override
        public Map<String, Object> settings() {
            return settingsOf(type, settings);
        }

        abstract Module module(int[] in);

        @Override
        public String type() {
            return type;
        }

        @Override
        public boolean isActivation() {
            return activation;
        }

        /** An activation applies to every element, so to every step of a sequence. */
        @Override
        public boolean takesSequences() {
            return activation;
        }

        @Override
        public Module create(int[] in, Random rng) {
            return module(in);
        }

        @Override
        public String toString() {
            return type;
        }
    }

    /** Max or average pooling. */
    private static final class Pool extends Simple {
        private final int kernel;
        private final int stride;
        private final int padding;

        Pool(String type, int kernel, int stride, int padding) {
            super(type, false, "kernel", kernel, "stride", stride, "padding", padding);
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
        }

        @Override
        public int[] outputShape(int[] in) {
            image(type(), in);
            if (padding > kernel / 2) {
                throw new LayerFault("padding", n -> type() + " padding " + padding + " is more than half the kernel "
                        + kernel);
            }
            int[] hw = spatial(kernel, stride, padding, in);
            return new int[] {in[0], hw[0], hw[1]};
        }

        @Override
        Module module(int[] in) {
            return type().equals("maxPool") ? new MaxPool2d(kernel, stride, padding) : new AvgPool2d(kernel, stride, padding);
        }
    }
}
