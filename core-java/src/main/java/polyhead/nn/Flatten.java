package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;

/** Merges the dimensions from {@code startAxis} on into one; PyTorch's default keeps the batch dimension (1). */
public final class Flatten extends Module {
    private final int startAxis;

    public Flatten() {
        this(1);
    }

    public Flatten(int startAxis) {
        this.startAxis = startAxis;
    }

    @Override
    protected Var forward(Var x) {
        return Shaping.flatten(x, startAxis);
    }
}
