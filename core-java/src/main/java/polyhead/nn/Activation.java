package polyhead.nn;

import java.util.function.UnaryOperator;

import polyhead.autodiff.Var;

/** A parameter-free element-wise (or softmax) layer; see {@code polyhead.autodiff.ops.Activations} for the math. */
public final class Activation extends Module {
    private final String type;
    private final UnaryOperator<Var> f;

    private Activation(String type, UnaryOperator<Var> f) {
        this.type = type;
        this.f = f;
    }

    public static Activation relu() {
        return new Activation("ReLU", Var::relu);
    }

    /** Leaky ReLU; PyTorch's default slope is 0.01. */
    public static Activation leakyRelu(float slope) {
        return new Activation("LeakyReLU", x -> x.leakyRelu(slope));
    }

    public static Activation sigmoid() {
        return new Activation("Sigmoid", Var::sigmoid);
    }

    public static Activation tanh() {
        return new Activation("Tanh", Var::tanh);
    }

    public static Activation gelu() {
        return new Activation("GELU", Var::gelu);
    }

    public static Activation softmax(int axis) {
        return new Activation("Softmax", x -> x.softmax(axis));
    }

    public static Activation logSoftmax(int axis) {
        return new Activation("LogSoftmax", x -> x.logSoftmax(axis));
    }

    /**
     * True for {@link #relu()}, which {@link Sequential} fuses with a preceding {@link Linear} or a following
     * {@link MaxPool2d}.
     */
    boolean isRelu() {
        return type.equals("ReLU");
    }

    @Override
    public String typeName() {
        return type;
    }

    @Override
    protected Var forward(Var x) {
        return f.apply(x);
    }
}
