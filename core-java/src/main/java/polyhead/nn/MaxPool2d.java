package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Pooling;
import polyhead.tensor.ShapeException;

/** Max pooling over square windows of [N, C, H, W]; the stride defaults to the kernel size, as in PyTorch. */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Var forward(Var x) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
    }

    /** Whether this is the 2×2 pooling at stride 2 without padding that a convolution can fuse. */
    boolean isTwoByTwo() {
        return kernel == 2 && stride == 2 && padding == 0;
    }

    /** A ReLU then this layer, as one fused node ({@link Pooling#reluMaxPool2d}); for {@link Sequential}. */
    Var callAfterRelu(Var x) {
        try {
            return Pooling.reluMaxPool2d(x, kernel, kernel, stride, stride, padding, padding);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }
}
