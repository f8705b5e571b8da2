package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Pooling;

/** Mean over the spatial dimensions: [N, C, H, W] → [N, C]. */
public final class GlobalAvgPool2d extends Module {
    @Override
    protected Var forward(Var x) {
        return Pooling.globalAvgPool2d(x);
    }
}
