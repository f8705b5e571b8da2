package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Reductions;

/** The standardization shared by batch and layer normalization. */
final class Normalization {
    private Normalization() {
    }

    /** The batch mean and biased variance over the normalized axes (kept as size 1), and the standardized input. */
    record Standardized(Var mean, Var variance, Var output) {
    }

    /** {@code (x − mean) / √(var + eps)} over {@code axes}, with the biased variance. */
    static Standardized standardize(Var x, int[] axes, float eps) {
        Var mean = Reductions.mean(x, axes, true);
        Var centered = x.sub(mean);
        Var variance = Reductions.mean(centered.mul(centered), axes, true);
        return new Standardized(mean, variance, centered.div(variance.add(eps).sqrt()));
    }
}
