package polyhead.mtl.weighting;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * SDMGrad: stochastic direction-oriented multi-objective gradient descent (Xiao, Ban &amp; Ji, "Direction-oriented
 * Multi-objective Learning: Simple and Provable Stochastic Algorithms", NeurIPS 2023, Sec. 3 and Alg. 1; we could not
 * check its equation numbers). The update stays close to the average gradient g₀ = (1/T) Σ_t g_t while improving
 * every task, through simplex weights w found by a few projected gradient steps on
 * <pre>
 *   min_{w ∈ simplex}  ½ ‖G w‖² + λ ⟨G w, g₀⟩,         d = (G w + λ g₀) / (1 + λ),
 * </pre>
 * with G = [g_1 … g_T] and regularization λ ({@link #DEFAULT_LAMBDA}).
 *
 * <p>As LibMTL's {@code SDMGrad.py} (commit 4336804; adapted there from the authors' code): M = GᵀG with negative
 * diagonal entries set to 0 is divided by s² + 1e-8, s the mean of √M_tt; starting from the previous step's w
 * (1/T at first), {@link #DEFAULT_ITERATIONS} steps of SGD with learning rate 5 and momentum 0.5 (PyTorch's rule,
 * the momentum buffer fresh at every training step) on the gradient M w + λ·(row means of M), each followed by the
 * Euclidean projection onto the simplex (Duchi, Shalev-Shwartz, Singer &amp; Chandra, ICML 2008); w is kept in float,
 * as LibMTL's float32 tensor. Heads are weighted 1.
 *
 * <p>Deviation — one batch instead of three. The paper's estimator, and LibMTL's trainer, draw three independent
 * batches per step: ξ₁ and ξ₂ for an unbiased M = G(ξ₁)ᵀG(ξ₂), ζ for the update. Polyhead's step has one batch, so
 * all three are its gradients: M is the batch's own Gram matrix (biased as an estimate of the population Gram
 * matrix, the deterministic form of the method), the step costs one pass instead of three, and a head gets its
 * task's gradient once where LibMTL's per-batch backward passes leave the sum over the three batches in it.
 *
 * <p>Other deviations: w is kept per task name; a task not seen before enters at 1/T before the projection (the
 * same as LibMTL when every task is in every batch). LibMTL refuses gradients of the shared representation; the
 * method reads only the Gram matrix and the rows, so both sources work here. State: w, saved by
 * {@link #stateDict()}.
 */
public final class SdmGrad implements GradientWeighting {
    /** λ = 0.3, LibMTL's default {@code SDMGrad_lamda}. */
    public static final double DEFAULT_LAMBDA = 0.3;
    /** 20 projected steps per training step, LibMTL's default {@code SDMGrad_niter}. */
    public static final int DEFAULT_ITERATIONS = 20;
    static final String NAME = "sdmGrad";
    private static final double LR = 5;
    private static final double MOMENTUM = 0.5;

    private final double lambda;
    private final int iterations;
    private final Map<String, Float> weights = new LinkedHashMap<>();

    SdmGrad(double lambda, int iterations) {
        if (!(lambda >= 0) || Double.isInfinite(lambda) || iterations < 1) {
            throw new IllegalArgumentException(NAME + ": needs a finite lambda >= 0 and iterations >= 1, got lambda="
                    + lambda + ", iterations=" + iterations);
        }
        this.lambda = lambda;
        this.iterations = iterations;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double lambda() {
        return lambda;
    }

    public int iterations() {
        return iterations;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        double[][] m = GradientRows.checkedGram(NAME, gradients);
        List<String> tasks = gradients.tasks();
        int n = m.length;
        double scale = 0;
        for (int t = 0; t < n; t++) {
            scale += Math.sqrt(Math.max(0, m[t][t]));
        }
        scale /= n;
        double[] rowMeans = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = i == j ? Math.max(0, m[i][j]) : m[i][j];
                m[i][j] /= scale * scale + 1e-8;
                rowMeans[i] += m[i][j] / n;
            }
        }
        double[] w = new double[n];
        for (int t = 0; t < n; t++) {
            w[t] = weights.getOrDefault(tasks.get(t), (float) (1.0 / n));
        }
        double[] buffer = null;
        for (int it = 0; it < iterations; it++) {
            double[] grad = GradientRows.times(m, w);
            for (int t = 0; t < n; t++) {
                grad[t] += lambda * rowMeans[t];
            }
            if (buffer == null) {
                buffer = grad;
            } else {
                for (int t = 0; t < n; t++) {
                    buffer[t] = MOMENTUM * buffer[t] + grad[t];
                }
            }
            for (int t = 0; t < n; t++) {
                w[t] -= LR * buffer[t];
            }
            w = projectOntoSimplex(w);
            for (int t = 0; t < n; t++) {
                w[t] = (float) w[t];
            }
        }
        double[] coefficients = new double[n];
        for (int t = 0; t < n; t++) {
            weights.put(tasks.get(t), (float) w[t]);
            coefficients[t] = (w[t] + lambda / n) / (1 + lambda);
        }
        return GradientRows.headsWeightedOne(GradientRows.combine(gradients.grads(), coefficients), n);
    }

    /**
     * The Euclidean projection of {@code v} onto the probability simplex {w ≥ 0, Σ w = 1} (Duchi et al., 2008, Fig. 1):
     * w = max(v − θ, 0) with θ from the sorted values.
     */
    static double[] projectOntoSimplex(double[] v) {
        int n = v.length;
        double[] u = v.clone();
        Arrays.sort(u);
        double cumulative = 0;
        double theta = 0;
        for (int j = 1; j <= n; j++) {
            double x = u[n - j]; // the j-th largest
            cumulative += x;
            if (x * j > cumulative - 1) {
                theta = (cumulative - 1) / j;
            }
        }
        double[] w = new double[n];
        for (int t = 0; t < n; t++) {
            w[t] = Math.max(v[t] - theta, 0);
        }
        return w;
    }

    /** The current weight w_t of every task seen so far (a copy). */
    public Map<String, Double> weights() {
        return NamedScalars.doubles(weights);
    }

    /** {@code weight.<task>}: w_t. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "weight", weights);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Float> read = NamedScalars.read(NAME, state, "weight").get("weight");
        for (Map.Entry<String, Float> e : read.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException(NAME + ": state entry 'weight." + e.getKey()
                        + "' is a simplex weight and must be in [0, 1], got " + e.getValue());
            }
        }
        weights.clear();
        weights.putAll(read);
    }
}
