package polyhead.datasets;

import java.util.Map;
import java.util.Random;

import polyhead.data.Dataset;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The synthetic regression data of Ma, Zhao, Yi, Chen, Hong &amp; Chi, "Modeling Task Relationships in Multi-task
 * Learning with Multi-gate Mixture-of-Experts", KDD 2018, Sec. 3.2: two tasks whose correlation ρ is set by hand.
 *
 * <ol>
 *   <li>Orthogonal unit vectors u₁, u₂ ∈ ℝᵈ (here: two standard normal vectors, Gram–Schmidt).</li>
 *   <li>w₁ = c·u₁, w₂ = c·(ρ·u₁ + √(1−ρ²)·u₂), so cos(w₁, w₂) = ρ and, for x ~ N(0, I), the Pearson
 *       correlation of w₁ᵀx and w₂ᵀx is exactly ρ.</li>
 *   <li>x ∈ ℝᵈ with each element from N(0, 1).</li>
 *   <li>yᵢ = wᵢᵀx + Σₖ₌₁..ₘ sin(αₖ·wᵢᵀx + βₖ) + εᵢ, εᵢ ~ N(0, σ²), i = 1, 2 (tasks {@value #Y1}, {@value #Y2},
 *       REAL_VECTOR targets [N]).</li>
 * </ol>
 *
 * <p>The paper calls α, β "given parameters" and does not print c, m or d; the constants used here are in
 * {@link Constants#DEFAULT}: d = 100, c = 1, m = 10, αₖ and βₖ drawn once from N(0, 1) by the seed and shared by both
 * tasks (so ρ = 1 gives two copies of one function, up to noise), and σ = 0.1, reading the paper's ε ~ N(0, 0.01) as
 * a variance. Public reimplementations differ: {@code LongmaoTeamTf/deep_recommenders} uses d = 100, c = 0.3, m = 5,
 * α, β ~ N(0, 1) and noise standard deviation 0.01; other scripts use c = 1 or 3, m = 0 and d = 2 or 10.
 *
 * <p>The seed of {@link #generator} fixes u₁, u₂, α and β; generators with the same seed and different ρ differ
 * only in ρ, which is what an experiment across correlations needs. Samples ({@link Generator#sample}) have their
 * own seeds, so training, validation and test sets come from one generator.
 */
public final class MmoeSynthetic {
    public static final String Y1 = "y1";
    public static final String Y2 = "y2";

    /**
     * The generator's constants: input dimension d, scale c, number m of sinusoidal terms and noise standard
     * deviation σ.
     */
    public record Constants(int dimension, double scale, int sinusoids, double noiseStd) {
        /** d = 100, c = 1, m = 10, σ = 0.1 (see the class comment for why). */
        public static final Constants DEFAULT = new Constants(100, 1.0, 10, 0.1);

        public Constants {
            if (dimension < 2) {
                throw new IllegalArgumentException("dimension must be at least 2 (two orthogonal vectors), got " + dimension);
            }
            if (sinusoids < 0 || !(noiseStd >= 0) || !(scale > 0)) {
                throw new IllegalArgumentException("need m >= 0, sigma >= 0 and c > 0, got m = " + sinusoids
                        + ", sigma = " + noiseStd + ", c = " + scale);
            }
        }
    }

    /** One draw of the task structure: the weight vectors and the sinusoids' α and β. */
    public record Generator(double rho, Constants constants, double[] w1, double[] w2, double[] alpha, double[] beta) {
        /** {@code n} samples: inputs [n, d], targets {@value #Y1} and {@value #Y2} [n]. */
        public Dataset sample(int n, long seed) {
            if (n <= 0) {
                throw new IllegalArgumentException("sample size must be positive, got " + n);
            }
            int d = constants.dimension();
            Random rng = new Random(seed);
            float[] x = new float[n * d];
            float[] y1 = new float[n];
            float[] y2 = new float[n];
            for (int i = 0; i < n; i++) {
                double l1 = 0;
                double l2 = 0;
                for (int j = 0; j < d; j++) {
                    float v = (float) rng.nextGaussian();
                    x[i * d + j] = v;
                    l1 += w1[j] * v;
                    l2 += w2[j] * v;
                }
                y1[i] = (float) (label(l1) + constants.noiseStd() * rng.nextGaussian());
                y2[i] = (float) (label(l2) + constants.noiseStd() * rng.nextGaussian());
            }
            return Dataset.of(Tensor.wrap(Shape.of(n, d), x),
                    Map.of(Y1, Tensor.wrap(Shape.of(n), y1), Y2, Tensor.wrap(Shape.of(n), y2)));
        }

        /** The noise-free label of a sample whose linear part wᵢᵀx is {@code linear}. */
        public double label(double linear) {
            double y = linear;
            for (int k = 0; k < alpha.length; k++) {
                y += Math.sin(alpha[k] * linear + beta[k]);
            }
            return y;
        }
    }

    private MmoeSynthetic() {
    }

    /** A generator with the {@link Constants#DEFAULT} constants. */
    public static Generator generator(double rho, long seed) {
        return generator(rho, Constants.DEFAULT, seed);
    }

    /** A generator of task correlation {@code rho} ∈ [−1, 1]. */
    public static Generator generator(double rho, Constants k, long seed) {
        if (!(rho >= -1 && rho <= 1)) {
            throw new IllegalArgumentException("task correlation must be in [-1, 1], got " + rho);
        }
        Random rng = new Random(seed);
        int d = k.dimension();
        double[] u1 = gaussian(rng, d);
        double[] u2 = gaussian(rng, d);
        normalize(u1);
        double dot = dot(u1, u2);
        for (int j = 0; j < d; j++) {
            u2[j] -= dot * u1[j];
        }
        normalize(u2);
        double[] w1 = new double[d];
        double[] w2 = new double[d];
        double orth = Math.sqrt(1 - rho * rho);
        for (int j = 0; j < d; j++) {
            w1[j] = k.scale() * u1[j];
            w2[j] = k.scale() * (rho * u1[j] + orth * u2[j]);
        }
        return new Generator(rho, k, w1, w2, gaussian(rng, k.sinusoids()), gaussian(rng, k.sinusoids()));
    }

    /**
     * The Pearson correlation of the labels {@value #Y1} and {@value #Y2} of {@code sample} (a sample of a
     * generator): the quantity of Ma et al.'s Fig. 2, which the sinusoids make smaller than ρ in magnitude.
     */
    public static double labelCorrelation(Dataset sample) {
        float[] a = sample.targets(Y1).data();
        float[] b = sample.targets(Y2).data();
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void normalize(double[] v) {
        double n = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }
}
