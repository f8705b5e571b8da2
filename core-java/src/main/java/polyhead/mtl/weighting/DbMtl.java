package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * DB-MTL: dual balancing (Lin, Ye &amp; Zhang, "Dual-Balancing for Multi-Task Learning", arXiv 2308.12029, 2023,
 * Sec. 3 and Alg. 1; we could not check its equation numbers). It balances the loss scales by training on log L_t
 * and the gradient magnitudes by scaling every task's (averaged) gradient to the largest one's norm.
 *
 * <p>At step k = 1, 2, … with the gradients g_t of L_t over the shared parameters and the losses L_t:
 * <pre>
 *   ĝ_t = ∇ log(L_t + ε) = g_t / (L_t + ε)                        (loss-scale balancing)
 *   m_t ← ĝ_t + β_k (m_t − ĝ_t),   β_k = β / k^σ,   m_t = 0 at first  (exponential moving average)
 *   α_t = max_j ‖m_j‖ / (‖m_t‖ + ε),   d = Σ_t α_t m_t              (gradient-magnitude balancing)
 * </pre>
 * with ε = 1e-8. Heads are trained on log L_t too: their weight is 1/(L_t + ε) ({@link Combination#taskWeights()}).
 * β and σ are {@link #DEFAULT_BETA} and {@link #DEFAULT_BETA_SIGMA} unless given, LibMTL's defaults.
 *
 * <p>As LibMTL's {@code DB_MTL.py} (commit 4336804), including its ε terms. Only gradients of the shared
 * parameters: the average m_t needs the same row from step to step, while a gradient of the shared representation
 * belongs to the samples of one batch ({@link #acceptsRepresentationGradients()}; LibMTL refuses them as well).
 *
 * <p>State: m_t per task seen (float, so {@link #stateDict()} restores it exactly) and k. A task first seen later
 * starts from m_t = 0; a task absent from a batch keeps its m_t. Losses must be positive.
 *
 * <p>Measured (the repository's {@code RESULTS.md}): with Adam at 2e-3 and 5e-3 the average costs 7–27 points of Δm
 * against equal weighting on Multi-Fashion and the MMoE tasks, and β = 0 comes level with it; LibMTL's benchmarks run
 * at 1e-4.
 */
public final class DbMtl implements GradientWeighting {
    /** β = 0.9, LibMTL's default. */
    public static final double DEFAULT_BETA = 0.9;
    /** σ = 0 (β_k = β at every step), LibMTL's default. */
    public static final double DEFAULT_BETA_SIGMA = 0;
    static final String NAME = "dbMtl";
    private static final double EPS = 1e-8;

    private final double beta;
    private final double betaSigma;
    private final Map<String, float[]> averages = new LinkedHashMap<>();
    private long steps;

    DbMtl(double beta, double betaSigma) {
        if (!(beta >= 0 && beta <= 1) || !(betaSigma >= 0) || Double.isInfinite(betaSigma)) {
            throw new IllegalArgumentException(NAME + ": needs beta in [0, 1] and a finite betaSigma >= 0, got beta="
                    + beta + ", betaSigma=" + betaSigma);
        }
        this.beta = beta;
        this.betaSigma = betaSigma;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double beta() {
        return beta;
    }

    public double betaSigma() {
        return betaSigma;
    }

    @Override
    public boolean acceptsRepresentationGradients() {
        return false;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        GradientRows.checkLosses(NAME, gradients);
        List<String> tasks = gradients.tasks();
        float[][] g = gradients.grads();
        int n = g.length;
        int p = g[0].length;
        for (int t = 0; t < n; t++) {
            if (!(gradients.losses()[t] > 0)) {
                throw new IllegalArgumentException(NAME + ": loss of task '" + tasks.get(t) + "' is "
                        + gradients.losses()[t] + "; log-loss balancing needs positive losses");
            }
        }
        TaskVectors.checkLength(NAME, "running average", averages, tasks, p);
        steps++;
        double rate = beta / Math.pow(steps, betaSigma);
        float[][] m = new float[n][];
        double[] heads = new double[n];
        double[] norm = new double[n];
        double maxNorm = 0;
        for (int t = 0; t < n; t++) {
            heads[t] = 1 / (gradients.losses()[t] + EPS);
            // the average is updated in place: a new array only for a task's first step (it starts at 0)
            m[t] = averages.computeIfAbsent(tasks.get(t), task -> new float[p]);
            double s = 0;
            for (int k = 0; k < p; k++) {
                double logGrad = g[t][k] * heads[t];
                m[t][k] = (float) (logGrad + rate * (m[t][k] - logGrad));
                s += (double) m[t][k] * m[t][k];
            }
            norm[t] = Math.sqrt(s);
            maxNorm = Math.max(maxNorm, norm[t]);
        }
        double[] alpha = new double[n];
        for (int t = 0; t < n; t++) {
            alpha[t] = maxNorm / (norm[t] + EPS);
        }
        return new Combination(GradientRows.combine(m, alpha), heads);
    }

    /** {@code average.<task>} (m_t, one element per shared gradient element) and {@code steps.count} (k). */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        TaskVectors.put(state, "average", averages);
        state.put("steps.count", Tensor.scalar(steps));
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, float[]> read = new LinkedHashMap<>();
        Tensor count = null;
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            String task = TaskVectors.task("average", key, e.getValue());
            if (key.equals("steps.count")) {
                count = e.getValue();
            } else if (task != null) {
                read.put(task, e.getValue().data().clone());
            } else {
                throw new IllegalArgumentException(NAME + ": unexpected state entry '" + key
                        + "' (expected average.<task> vectors and steps.count)");
            }
        }
        float k = count == null ? -1 : NamedScalars.value(NAME, "steps.count", count);
        if (k < 0 || k != Math.rint(k)) {
            throw new IllegalArgumentException(NAME + ": state needs one entry steps.count holding a whole number >= 0");
        }
        averages.clear();
        averages.putAll(read);
        steps = (long) k;
    }
}
