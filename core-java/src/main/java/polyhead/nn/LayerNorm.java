package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.LayerNorms;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Layer normalization (Ba, Kiros &amp; Hinton, 2016) over the trailing {@code normalizedShape} dimensions:
 * {@code y = (x − E[x]) / √(Var[x] + ε) · γ + β} with the biased variance, γ = 1 and β = 0 initially, ε = 1e-5
 * (PyTorch's defaults). Over one trailing dimension one fused node ({@link LayerNorms#layerNorm}); over several,
 * composed from differentiable primitives.
 */
public final class LayerNorm extends Module {
    private final Shape normalizedShape;
    private final float eps;
    private final Var weight;
    private final Var bias;

    public LayerNorm(int... normalizedShape) {
        this(1e-5f, true, normalizedShape);
    }

    public LayerNorm(float eps, boolean elementwiseAffine, int... normalizedShape) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm needs at least one normalized dimension");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
        }
        this.normalizedShape = Shape.of(normalizedShape);
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.full(1f, this.normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(this.normalizedShape)) : null;
    }

    @Override
    protected Var forward(Var x) {
        Shape s = x.shape();
        int k = normalizedShape.rank();
        boolean fits = s.rank() >= k;
        for (int i = 0; fits && i < k; i++) {
            fits = s.dim(s.rank() - k + i) == normalizedShape.dim(i);
        }
        if (!fits) {
            throw new ShapeException("LayerNorm over " + normalizedShape + " cannot normalize input " + s);
        }
        if (k == 1) {
            return LayerNorms.layerNorm(x, weight, bias, eps); // the usual case, fused
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = s.rank() - k + i;
        }
        Var y = Normalization.standardize(x, axes, eps).output();
        return weight == null ? y : y.mul(weight).add(bias);
    }
}
