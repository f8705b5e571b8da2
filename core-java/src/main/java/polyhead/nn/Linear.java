package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.MatMul;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}, x [..., in] → y [..., out]; W is [out, in] as in PyTorch.
 * Default initialization as PyTorch's: W ~ Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in), and
 * b ~ U(−1/√in, 1/√in).
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Var weight;
    private final Var bias;

    public Linear(int in, int out, Random rng) {
        this(in, out, true, rng);
    }

    public Linear(int in, int out, boolean bias, Random rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", Tensor.zeros(out, in));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        initialize(Initializers.defaultWeight(), Initializers.defaultBias(in), rng);
    }

    /** Re-initializes the weight and (if present) the bias. */
    public Linear initialize(Initializer weightInit, Initializer biasInit, Random rng) {
        weightInit.initialize(weight.value(), rng);
        if (bias != null) {
            biasInit.initialize(bias.value(), rng);
        }
        return this;
    }

    public Var weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Var bias() {
        return bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    protected Var forward(Var x) {
        return MatMul.linear(x, weight, bias);
    }

    /** This layer followed by a ReLU, as one fused node ({@link MatMul#linearRelu}); for {@link Sequential}. */
    Var callWithRelu(Var x) {
        try {
            return MatMul.linearRelu(x, weight, bias);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }
}
