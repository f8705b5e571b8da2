package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Pooling;

/**
 * Average pooling over square windows of [N, C, H, W], padding counted in the average (PyTorch's default); the
 * stride defaults to the kernel size.
 */
public final class AvgPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Var forward(Var x) {
        return Pooling.avgPool2d(x, kernel, stride, padding);
    }
}
