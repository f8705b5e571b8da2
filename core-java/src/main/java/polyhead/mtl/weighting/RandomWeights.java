package polyhead.mtl.weighting;

import java.util.Map;
import java.util.Random;

import polyhead.autodiff.Var;

/**
 * Random loss weighting, RLW (Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus Test for
 * Multi-Task Learning", TMLR 2022, arXiv:2111.10603; the variant with the standard normal distribution, LibMTL's
 * default): at every step, z_t ~ N(0, 1) independently for the tasks present, drawn from
 * {@link WeightingContext#rng()} in the order of the loss map, and λ = softmax(z), so the weights are positive and
 * SUM TO 1 (as in the paper and LibMTL). The objective is Σ_t λ_t L_t. Stateless; runs are reproducible from the
 * generator's seed.
 */
public final class RandomWeights implements LossWeighting {
    static final String NAME = "randomLossWeighting";

    RandomWeights() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** λ = softmax(z), z_t ~ N(0, 1) drawn from {@code rng}, for {@code tasks} tasks. */
    public static double[] draw(int tasks, Random rng) {
        double[] z = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            z[t] = rng.nextGaussian();
        }
        return LossTerms.scaledSoftmax(z, 1);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        if (ctx == null || ctx.rng() == null) {
            throw new IllegalArgumentException(NAME + ": needs ctx.rng() to draw the weights");
        }
        return LossTerms.weightedSum(losses, draw(losses.size(), ctx.rng()));
    }
}
