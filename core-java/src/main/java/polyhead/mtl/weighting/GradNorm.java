package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * GradNorm: gradient normalization for adaptive loss balancing (Chen, Badrinarayanan, Lee &amp; Rabinovich,
 * "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask Networks", ICML 2018, Sec. 3,
 * eq. 1–2 and Alg. 1).
 *
 * <p>Learned task weights w_t (1 at first, Σ_t w_t = T). At each step, on the shared gradients g_t we are given:
 * <pre>
 *   G_t = w_t ‖g_t‖,   Ḡ = mean_t G_t,
 *   L̃_t = L_t(step) / L_t(0),   r_t = L̃_t / mean_j L̃_j          (relative inverse training rate)
 *   L_grad = Σ_t | G_t − Ḡ · r_t^α |                               (eq. 2, Ḡ·r_t^α held constant)
 *   ∂L_grad/∂w_t = sign(G_t − Ḡ r_t^α) · ‖g_t‖
 * </pre>
 * The combined gradient is d = Σ_t w_t g_t with the current weights, heads receive w_t
 * ({@link Combination#taskWeights()}), and then w_t ← w_t − lr·∂L_grad/∂w_t, renormalized so that the weights of
 * the tasks present sum to their number (Alg. 1). L_t(0) is the loss of task t in the first batch it appears in.
 *
 * <p>Default α: {@link #DEFAULT_ALPHA}. The learning rate of the weights has no default: the paper uses the
 * network's.
 *
 * <p>Deviations: the paper uses the gradients of the last shared layer's weights; we use whatever shared gradients
 * (or representation gradients) the trainer gives. Weights are kept ≥ 1e-6 before renormalizing (the paper does not
 * say what happens if a step makes one negative, which would reverse that task's gradient). Weights and initial
 * losses are kept as float so that {@link #stateDict()} restores them exactly. State is keyed by task name; a task
 * first seen later starts at weight 1 (or its given initial weight) and its first loss as L(0).
 *
 * <p>Initial weights other than 1 may be given per task ({@link Weightings#gradNorm(double, double, Map)}); like
 * every set of weights here they are renormalized to sum to T before they are used, so only their ratios matter.
 */
public final class GradNorm implements GramDeterminedWeighting {
    /** α = 1.5, the asymmetry of the paper's NYUv2 experiments. */
    public static final double DEFAULT_ALPHA = 1.5;
    static final double MIN_WEIGHT = 1e-6;
    static final String NAME = "gradNorm";

    private final double alpha;
    private final double lr;
    private final Map<String, Float> weights = new LinkedHashMap<>();
    private final Map<String, Float> initialLosses = new LinkedHashMap<>();

    /** The weight each named task starts at (others start at 1). */
    private final Map<String, Double> initialWeights;

    GradNorm(double alpha, double lr, Map<String, Double> initialWeights) {
        InitialValues.check(NAME, "initial weight", null, initialWeights, true);
        this.initialWeights = Map.copyOf(initialWeights);
        if (!(alpha >= 0) || Double.isInfinite(alpha) || !(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(NAME + ": needs finite alpha >= 0 and lr >= 0, got alpha=" + alpha
                    + ", lr=" + lr);
        }
        this.alpha = alpha;
        this.lr = lr;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The weights tasks start at where they are not 1. */
    public Map<String, Double> initialWeights() {
        return initialWeights;
    }

    /** The current weight of every task seen so far (a copy). */
    public Map<String, Double> weights() {
        Map<String, Double> r = new LinkedHashMap<>();
        weights.forEach((k, v) -> r.put(k, v.doubleValue()));
        return r;
    }

    @Override
    public GramCombination combineGram(TaskGram gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        GradientRows.checkLosses(NAME, gradients);
        List<String> tasks = gradients.tasks();
        int n = tasks.size();
        double[] losses = gradients.losses();
        for (int t = 0; t < n; t++) {
            if (!initialLosses.containsKey(tasks.get(t)) && !(losses[t] > 0)) {
                throw new IllegalArgumentException(NAME + ": first loss of task '" + tasks.get(t) + "' is " + losses[t]
                        + "; the loss ratios L(t)/L(0) need a positive first loss");
            }
        }
        for (int t = 0; t < n; t++) {
            initialLosses.putIfAbsent(tasks.get(t), (float) losses[t]);
            weights.putIfAbsent(tasks.get(t), initialWeights.getOrDefault(tasks.get(t), 1.0).floatValue());
        }
        double[] w = new double[n];
        for (int t = 0; t < n; t++) {
            w[t] = weights.get(tasks.get(t));
        }
        renormalize(w);
        GramCombination result = new GramCombination(w.clone(), w.clone());

        double[] next = nextWeights(w, norms(gradients.gram()), lossRatios(tasks, losses), alpha, lr);
        for (int t = 0; t < n; t++) {
            weights.put(tasks.get(t), (float) next[t]);
        }
        return result;
    }

    /**
     * One GradNorm step on the weights (pure; see the class comment): from weights w, gradient norms ‖g_t‖ and
     * L̃_t = L_t/L_t(0), the new weights, clamped to ≥ 1e-6 and renormalized to sum to T.
     */
    static double[] nextWeights(double[] w, double[] gradNorms, double[] lossRatios, double alpha, double lr) {
        int n = w.length;
        double meanG = 0;
        double meanRatio = 0;
        for (int t = 0; t < n; t++) {
            meanG += w[t] * gradNorms[t] / n;
            meanRatio += lossRatios[t] / n;
        }
        double[] next = new double[n];
        for (int t = 0; t < n; t++) {
            double target = meanG * Math.pow(lossRatios[t] / meanRatio, alpha);
            double gradient = Math.signum(w[t] * gradNorms[t] - target) * gradNorms[t];
            next[t] = Math.max(MIN_WEIGHT, w[t] - lr * gradient);
        }
        renormalize(next);
        return next;
    }

    private double[] lossRatios(List<String> tasks, double[] losses) {
        double[] r = new double[tasks.size()];
        for (int t = 0; t < r.length; t++) {
            r[t] = losses[t] / initialLosses.get(tasks.get(t));
        }
        return r;
    }

    private static double[] norms(double[][] gram) {
        double[] r = new double[gram.length];
        for (int t = 0; t < gram.length; t++) {
            r[t] = Math.sqrt(Math.max(0, gram[t][t]));
        }
        return r;
    }

    /** Scales w in place so that it sums to its length. */
    private static void renormalize(double[] w) {
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        for (int t = 0; t < w.length; t++) {
            w[t] *= w.length / sum;
        }
    }

    /** {@code weight.<task>} and {@code initialLoss.<task>} for every task seen. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "weight", weights);
        NamedScalars.put(state, "initialLoss", initialLosses);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Map<String, Float>> parts = NamedScalars.read(NAME, state, "weight", "initialLoss");
        Map<String, Float> w = parts.get("weight");
        Map<String, Float> l = parts.get("initialLoss");
        if (!w.keySet().equals(l.keySet())) {
            throw new IllegalArgumentException(NAME + ": state has weights for " + w.keySet()
                    + " but initial losses for " + l.keySet());
        }
        for (Map.Entry<String, Float> e : w.entrySet()) {
            if (!(e.getValue() > 0) || !(l.get(e.getKey()) > 0)) {
                throw new IllegalArgumentException(NAME + ": state of task '" + e.getKey()
                        + "' needs a positive weight and initial loss, got " + e.getValue() + " and " + l.get(e.getKey()));
            }
        }
        weights.clear();
        weights.putAll(w);
        initialLosses.clear();
        initialLosses.putAll(l);
    }
}
