package polyhead.nn;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Batch normalization (Ioffe &amp; Szegedy, 2015) over the channel dimension 1 of [N, C] or [N, C, L]
 * ({@link #oneD}) or [N, C, H, W] ({@link #twoD}):
 * {@code y = (x − μ) / √(σ² + ε) · γ + β}, with μ, σ² the batch mean and biased variance in training mode, and the
 * running estimates in evaluation mode. The running estimates are updated in training mode as PyTorch does:
 * {@code r ← (1 − momentum)·r + momentum·batch}, with the unbiased variance n/(n−1)·σ² for the running variance.
 * Defaults as PyTorch: ε = 1e-5, momentum = 0.1, γ = 1, β = 0, running mean 0 and variance 1.
 */
public final class BatchNorm extends Module {
    private final int features;
    private final int spatialDims;
    private final float eps;
    private final float momentum;
    private final Var weight;
    private final Var bias;
    private final Tensor runningMean;
    private final Tensor runningVar;

    private BatchNorm(int features, int spatialDims, float eps, float momentum) {
        if (features <= 0) {
            throw new IllegalArgumentException("BatchNorm needs a positive number of features, got " + features);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm eps must be > 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm momentum must be in [0, 1], got " + momentum);
        }
        this.features = features;
        this.spatialDims = spatialDims;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = registerParameter("weight", Tensor.full(1f, Shape.of(features)));
        this.bias = registerParameter("bias", Tensor.zeros(features));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(features));
        this.runningVar = registerBuffer("running_var", Tensor.full(1f, Shape.of(features)));
    }

    /** BatchNorm1d over [N, C] or [N, C, L]. */
    public static BatchNorm oneD(int features) {
        return new BatchNorm(features, 1, 1e-5f, 0.1f);
    }

    /** BatchNorm2d over [N, C, H, W]. */
    public static BatchNorm twoD(int features) {
        return new BatchNorm(features, 2, 1e-5f, 0.1f);
    }

    /** A copy of this layer's settings with other ε and momentum, for a freshly built layer. */
    public BatchNorm withEpsAndMomentum(float newEps, float newMomentum) {
        return new BatchNorm(features, spatialDims, newEps, newMomentum);
    }

    @Override
    public String typeName() {
        return spatialDims == 2 ? "BatchNorm2d" : "BatchNorm1d";
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    protected Var forward(Var x) {
        Shape s = x.shape();
        boolean rankOk = spatialDims == 2 ? s.rank() == 4 : s.rank() == 2 || s.rank() == 3;
        if (!rankOk || s.dim(1) != features) {
            throw new ShapeException(typeName() + "(" + features + ") expects input "
                    + (spatialDims == 2 ? "[N, " + features + ", H, W]" : "[N, " + features + "] or [N, " + features + ", L]")
                    + ", got " + s);
        }
        int[] axes = new int[s.rank() - 1];
        axes[0] = 0;
        for (int i = 2; i < s.rank(); i++) {
            axes[i - 1] = i;
        }
        int[] channelShape = new int[s.rank()];
        java.util.Arrays.fill(channelShape, 1);
        channelShape[1] = features;
        Var y;
        if (actsAsTraining()) {
            int n = s.size() / features;
            if (n <= 1) {
                throw new ShapeException(typeName() + " needs more than one value per channel in training mode, got input " + s);
            }
            Normalization.Standardized st = Normalization.standardize(x, axes, eps);
            updateRunning(st.mean().value(), st.variance().value(), n);
            y = st.output();
        } else {
            Var mean = Var.constant(runningMean.reshape(channelShape));
            Var std = Var.constant(runningVar.reshape(channelShape)).add(eps).sqrt();
            y = x.sub(mean).div(std);
        }
        return y.mul(Shaping.reshape(weight, channelShape)).add(Shaping.reshape(bias, channelShape));
    }

    private void updateRunning(Tensor batchMean, Tensor batchVar, int n) {
        try (var scope = GradMode.noGrad()) {
            float[] rm = runningMean.data();
            float[] rv = runningVar.data();
            float[] m = batchMean.data();
            float[] v = batchVar.data();
            double unbias = (double) n / (n - 1);
            for (int c = 0; c < features; c++) {
                rm[c] = (float) ((1 - momentum) * rm[c] + momentum * m[c]);
                rv[c] = (float) ((1 - momentum) * rv[c] + momentum * v[c] * unbias);
            }
        }
    }
}
