package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Convolution;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * 2-D convolution over [N, C, H, W] with a square kernel, stride and zero padding (dilation 1, one group).
 * Weight [out, in, k, k]; default initialization as PyTorch's: Kaiming-uniform with a = √5, i.e.
 * U(−1/√fan_in, 1/√fan_in) with fan_in = in·k², and the bias from the same range.
 */
public final class Conv2d extends Module {
    private final Var weight;
    private final Var bias;
    private final int stride;
    private final int padding;

    public Conv2d(int in, int out, int kernel, Random rng) {
        this(in, out, kernel, 1, 0, true, rng);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Random rng) {
        if (in <= 0 || out <= 0 || kernel <= 0) {
            throw new IllegalArgumentException("Conv2d needs positive sizes, got in=" + in + ", out=" + out + ", kernel=" + kernel);
        }
        if (stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs stride >= 1 and padding >= 0, got stride=" + stride + ", padding=" + padding);
        }
        this.stride = stride;
        this.padding = padding;
        this.weight = registerParameter("weight", Tensor.zeros(out, in, kernel, kernel));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        initialize(Initializers.defaultWeight(), Initializers.defaultBias(in * kernel * kernel), rng);
    }

    /** Re-initializes the weight and (if present) the bias. */
    public Conv2d initialize(Initializer weightInit, Initializer biasInit, Random rng) {
        weightInit.initialize(weight.value(), rng);
        if (bias != null) {
            biasInit.initialize(bias.value(), rng);
        }
        return this;
    }

    public Var weight() {
        return weight;
    }

    public Var bias() {
        return bias;
    }

    @Override
    protected Var forward(Var x) {
        return Convolution.conv2d(x, weight, bias, stride, padding);
    }

    /**
     * This layer, a ReLU and a 2×2 max pooling, as one fused node ({@link Convolution#conv2dReluMaxPool2x2}); for
     * {@link Sequential}.
     */
    Var callWithReluMaxPool2x2(Var x) {
        try {
            return Convolution.conv2dReluMaxPool2x2(x, weight, bias, stride, padding);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }
}
