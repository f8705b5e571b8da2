package polyhead.samples.shapes;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.nn.Module;
import polyhead.tensor.Tensor;

/**
 * Appends global context to a feature map (Liu, Rabinovich &amp; Berg, "ParseNet: Looking Wider to See Better",
 * 2015, with max instead of average pooling): [N, C, H, W] → [N, 2C, H, W], the input followed by its per-channel
 * maximum over all pixels, repeated at every pixel. A 1×1 conv on the result sees, at each pixel, both the local
 * features and what the whole image shows, so it can give a pixel the class of the shape it belongs to although
 * its receptive field covers only part of the shape. Composed of existing primitives: no backward code.
 */
final class GlobalContext extends Module {
    @Override
    protected Var forward(Var x) {
        int n = x.shape().dim(0);
        int c = x.shape().dim(1);
        int h = x.shape().dim(2);
        int w = x.shape().dim(3);
        Var global = x.reshape(n, c, h * w).max(2, true).reshape(n, c, 1, 1);
        Var everywhere = global.mul(Var.constant(Tensor.ones(1, 1, h, w)));
        return Shaping.concat(1, x, everywhere);
    }
}
