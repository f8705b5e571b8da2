package polyhead.nn;

import polyhead.tensor.Shape;

/**
 * Parameter initializers with PyTorch's definitions ({@code torch.nn.init}). Fans are computed from the weight's
 * shape as PyTorch does: for a weight [out, in, k...], fan_in = in·∏k and fan_out = out·∏k.
 */
public final class Initializers {
    private Initializers() {
    }

    /** How a Kaiming initializer scales: by fan_in (preserves forward variance) or fan_out (backward). */
    public enum Mode { FAN_IN, FAN_OUT }

    /** Fills with {@code value}. */
    public static Initializer constant(float value) {
        return (t, rng) -> t.fill(value);
    }

    public static Initializer zeros() {
        return constant(0f);
    }

    public static Initializer ones() {
        return constant(1f);
    }

    /** U(low, high). */
    public static Initializer uniform(float low, float high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform initializer needs low < high, got low=" + low + ", high=" + high);
        }
        return (t, rng) -> {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (low + (high - low) * rng.nextDouble());
            }
        };
    }

    /** N(mean, std²). */
    public static Initializer normal(float mean, float std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal initializer needs std >= 0, got " + std);
        }
        return (t, rng) -> {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (mean + std * rng.nextGaussian());
            }
        };
    }

    /**
     * Xavier/Glorot uniform (Glorot &amp; Bengio, 2010, eq. 16): U(−b, b) with b = gain·√(6/(fan_in + fan_out)).
     */
    public static Initializer xavierUniform(float gain) {
        return (t, rng) -> {
            int[] f = fans(t.shape());
            double b = gain * Math.sqrt(6.0 / (f[0] + f[1]));
            uniform((float) -b, (float) b).initialize(t, rng);
        };
    }

    /** Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2/(fan_in + fan_out)). */
    public static Initializer xavierNormal(float gain) {
        return (t, rng) -> {
            int[] f = fans(t.shape());
            normal(0f, (float) (gain * Math.sqrt(2.0 / (f[0] + f[1])))).initialize(t, rng);
        };
    }

    /**
     * Kaiming/He uniform (He et al., 2015) for a leaky-ReLU of negative slope {@code a} (0 for ReLU):
     * U(−b, b), b = gain·√(3/fan), gain = √(2/(1+a²)). With a = √5 and FAN_IN this is PyTorch's default for
     * {@code Linear} and {@code Conv2d} weights, b = 1/√fan_in.
     */
    public static Initializer kaimingUniform(float a, Mode mode) {
        return (t, rng) -> {
            double gain = Math.sqrt(2.0 / (1 + (double) a * a));
            double b = gain * Math.sqrt(3.0 / fan(t.shape(), mode));
            uniform((float) -b, (float) b).initialize(t, rng);
        };
    }

    /** Kaiming/He normal: N(0, σ²), σ = gain/√fan, gain = √(2/(1+a²)). */
    public static Initializer kaimingNormal(float a, Mode mode) {
        return (t, rng) -> {
            double gain = Math.sqrt(2.0 / (1 + (double) a * a));
            normal(0f, (float) (gain / Math.sqrt(fan(t.shape(), mode)))).initialize(t, rng);
        };
    }

    /**
     * PyTorch's default for the weight of {@code Linear} and {@code Conv2d}: Kaiming-uniform with a = √5 and fan_in,
     * i.e. U(−1/√fan_in, 1/√fan_in).
     */
    public static Initializer defaultWeight() {
        return kaimingUniform((float) Math.sqrt(5), Mode.FAN_IN);
    }

    /** PyTorch's default for the bias of {@code Linear} and {@code Conv2d}: U(−1/√fan_in, 1/√fan_in) of the weight. */
    public static Initializer defaultBias(int weightFanIn) {
        float bound = (float) (1 / Math.sqrt(weightFanIn));
        return uniform(-bound, bound);
    }

    /** The gain PyTorch's {@code calculate_gain} gives a nonlinearity: relu √2, tanh 5/3, linear/sigmoid 1. */
    public static float gain(String nonlinearity) {
        return switch (nonlinearity) {
            case "linear", "sigmoid", "identity" -> 1f;
            case "relu" -> (float) Math.sqrt(2);
            case "tanh" -> 5f / 3f;
            default -> throw new IllegalArgumentException("unknown nonlinearity '" + nonlinearity
                    + "' (expected linear, sigmoid, relu or tanh)");
        };
    }

    /** {fan_in, fan_out} of a weight shape [out, in, k...]. */
    public static int[] fans(Shape s) {
        if (s.rank() < 2) {
            throw new IllegalArgumentException("fan in and fan out need a weight of rank >= 2, got shape " + s);
        }
        int receptive = s.sizeBetween(2, s.rank());
        return new int[] {s.dim(1) * receptive, s.dim(0) * receptive};
    }

    private static int fan(Shape s, Mode mode) {
        int[] f = fans(s);
        return mode == Mode.FAN_IN ? f[0] : f[1];
    }
}
