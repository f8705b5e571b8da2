package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * MoCo: multi-objective gradient correction (Fernando, Shen, Liu, Chaudhury, Murugesan &amp; Chen, "Mitigating
 * Gradient Bias in Multi-objective Learning: A Provably Convergent Approach", ICLR 2023, Alg. 1; we could not check
 * its equation numbers). A tracking variable y_t per task averages the stochastic gradients, which removes the bias
 * of MGDA-style weights computed from one batch; the weights λ follow a projected-gradient step on ½‖Σ λ_t y_t‖².
 *
 * <p>At step k = 1, 2, … with the gradients g_t of L_t over the shared parameters and the losses L_t:
 * <pre>
 *   ĝ_t = L_t g_t / (‖g_t‖ + ε)                                    (normalized, as LibMTL)
 *   y_t ← y_t − β_k (y_t − ĝ_t),       β_k = β / k^σ_β,   y_t = 0 at first
 *   λ ← softmax(λ − γ_k (Y Yᵀ + ρ I) λ),  γ_k = γ / k^σ_γ,   λ = 1/T at first
 *   d = Σ_t λ_t y_t
 * </pre>
 * with ε = 1e-8; heads are weighted 1. Defaults are LibMTL's: β = {@link #DEFAULT_BETA}, σ_β =
 * {@link #DEFAULT_BETA_SIGMA}, γ = {@link #DEFAULT_GAMMA}, σ_γ = {@link #DEFAULT_GAMMA_SIGMA}, ρ =
 * {@link #DEFAULT_RHO}.
 *
 * <p>As LibMTL's {@code MoCo.py} (commit 4336804), which follows the authors' code: the normalization of g_t by its
 * norm times L_t and the softmax in place of the paper's projection onto the simplex are theirs. Deviation where
 * LibMTL has no answer: when a task has no label in a batch, only the present tasks' λ take the step, the softmax
 * runs over them, and the absent tasks keep their y_t and λ_t. Only gradients of the shared parameters
 * ({@link #acceptsRepresentationGradients()}: y_t needs the same row at every step; LibMTL refuses them as well).
 *
 * <p>State: y_t and λ_t per task seen (float, so {@link #stateDict()} restores them exactly) and k.
 *
 * <p>Measured (the repository's {@code RESULTS.md}): with Adam at 2e-3 and 5e-3 the decaying tracking rate (an
 * average over ~140 steps by step 4,700) costs 4–18 points of Δm against equal weighting on Multi-Fashion and the
 * MMoE tasks, and β = 1 (no tracking) comes level with it; LibMTL's benchmarks run at 1e-4.
 */
public final class MoCo implements GradientWeighting {
    /** β = 0.5, LibMTL's default rate of the tracking variables. */
    public static final double DEFAULT_BETA = 0.5;
    /** σ_β = 0.5, LibMTL's default decay of β. */
    public static final double DEFAULT_BETA_SIGMA = 0.5;
    /** γ = 0.1, LibMTL's default rate of λ. */
    public static final double DEFAULT_GAMMA = 0.1;
    /** σ_γ = 0.5, LibMTL's default decay of γ. */
    public static final double DEFAULT_GAMMA_SIGMA = 0.5;
    /** ρ = 0, LibMTL's default ℓ2 regularization of λ's step. */
    public static final double DEFAULT_RHO = 0;
    static final String NAME = "moCo";
    private static final double EPS = 1e-8;

    private final double beta;
    private final double betaSigma;
    private final double gamma;
    private final double gammaSigma;
    private final double rho;
    private final Map<String, float[]> tracking = new LinkedHashMap<>();
    private final Map<String, Float> lambda = new LinkedHashMap<>();
    private long steps;

    MoCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho) {
        if (!(beta >= 0 && beta <= 1) || !(gamma >= 0) || !(betaSigma >= 0) || !(gammaSigma >= 0) || !(rho >= 0)
                || Double.isInfinite(gamma) || Double.isInfinite(betaSigma) || Double.isInfinite(gammaSigma)
                || Double.isInfinite(rho)) {
            throw new IllegalArgumentException(NAME + ": needs beta in [0, 1] and finite gamma, betaSigma, gammaSigma,"
                    + " rho >= 0, got beta=" + beta + ", betaSigma=" + betaSigma + ", gamma=" + gamma + ", gammaSigma="
                    + gammaSigma + ", rho=" + rho);
        }
        this.beta = beta;
        this.betaSigma = betaSigma;
        this.gamma = gamma;
        this.gammaSigma = gammaSigma;
        this.rho = rho;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** β, σ_β, γ, σ_γ, ρ in that order. */
    public double[] settings() {
        return new double[] {beta, betaSigma, gamma, gammaSigma, rho};
    }

    @Override
    public boolean acceptsRepresentationGradients() {
        return false;
    }

    /** λ_t of every task seen so far (a copy). */
    public Map<String, Double> lambda() {
        Map<String, Double> r = new LinkedHashMap<>();
        lambda.forEach((k, v) -> r.put(k, v.doubleValue()));
        return r;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        GradientRows.checkLosses(NAME, gradients);
        List<String> tasks = gradients.tasks();
        float[][] g = gradients.grads();
        int n = g.length;
        int p = g[0].length;
        TaskVectors.checkLength(NAME, "tracking variable", tracking, tasks, p);
        steps++;
        double betaK = beta / Math.pow(steps, betaSigma);
        double gammaK = gamma / Math.pow(steps, gammaSigma);
        double[][] gram = GradientRows.gram(g);
        float[][] y = new float[n][];
        for (int t = 0; t < n; t++) {
            double scale = gradients.losses()[t] / (Math.sqrt(gram[t][t]) + EPS);
            // the tracking variable is updated in place: a new array only for a task's first step (it starts at 0)
            y[t] = tracking.computeIfAbsent(tasks.get(t), task -> new float[p]);
            for (int k = 0; k < p; k++) {
                double prev = y[t][k];
                y[t][k] = (float) (prev - betaK * (prev - g[t][k] * scale));
            }
        }
        double[][] yy = GradientRows.gram(y);
        double[] l = new double[n];
        for (int t = 0; t < n; t++) {
            l[t] = lambda.getOrDefault(tasks.get(t), (float) (1.0 / n));
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = rho * l[i];
            for (int j = 0; j < n; j++) {
                s += yy[i][j] * l[j];
            }
            z[i] = l[i] - gammaK * s;
        }
        double[] next = LossTerms.scaledSoftmax(z, 1);
        for (int t = 0; t < n; t++) {
            next[t] = (float) next[t];
            lambda.put(tasks.get(t), (float) next[t]);
        }
        return GradientRows.headsWeightedOne(GradientRows.combine(y, next), n);
    }

    /** {@code tracking.<task>} (y_t), {@code lambda.<task>} (λ_t) and {@code steps.count} (k). */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        TaskVectors.put(state, "tracking", tracking);
        NamedScalars.put(state, "lambda", lambda);
        state.put("steps.count", Tensor.scalar(steps));
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, float[]> y = new LinkedHashMap<>();
        Map<String, Float> l = new LinkedHashMap<>();
        float k = -1;
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            String task = TaskVectors.task("tracking", key, e.getValue());
            if (key.equals("steps.count")) {
                k = NamedScalars.value(NAME, key, e.getValue());
            } else if (task != null) {
                y.put(task, e.getValue().data().clone());
            } else if (key.startsWith("lambda.") && key.length() > 7) {
                l.put(key.substring(7), NamedScalars.value(NAME, key, e.getValue()));
            } else {
                throw new IllegalArgumentException(NAME + ": unexpected state entry '" + key
                        + "' (expected tracking.<task> vectors, lambda.<task> and steps.count)");
            }
        }
        if (k < 0 || k != Math.rint(k) || !y.keySet().equals(l.keySet())) {
            throw new IllegalArgumentException(NAME + ": state needs steps.count (a whole number >= 0) and both "
                    + "tracking and lambda for the same tasks, got tracking for " + y.keySet() + ", lambda for "
                    + l.keySet());
        }
        tracking.clear();
        tracking.putAll(y);
        lambda.clear();
        lambda.putAll(l);
        steps = (long) k;
    }
}
