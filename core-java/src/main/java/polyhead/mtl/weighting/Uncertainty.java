package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * Uncertainty weighting (Kendall, Gal &amp; Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses for Scene
 * Geometry and Semantics", CVPR 2018, eq. 7).
 *
 * <p>Each task has a learned log-variance s_t = log σ_t², and the objective is the regression form of eq. 7
 * generalized to T tasks:
 * <pre>
 *   Σ_t ½ (e^{−s_t} L_t + s_t)          ( = Σ_t L_t/(2σ_t²) + log σ_t )
 * </pre>
 * for every task, whatever its loss. The paper's classification form (eq. 10) has e^{−s}L + ½s, a factor 2 on the
 * loss term; we do not switch forms by task type. LibMTL uses this same ½(e^{−s}L + s); Gal's example notebook uses
 * e^{−s}L + s, twice ours, with the same optimum. For a fixed L &gt; 0 the objective is minimized at s* = log L.
 *
 * <p>The log-variances are parameters ({@link #parameters()}, named {@code logVariance.<task>}, scalars) that the
 * trainer gives to the optimizer; they start at s = 0 (σ² = 1, the initialization of the authors' example code; LibMTL
 * starts at −0.5). They are created for the task names given to the factory, because the optimizer must know them
 * before the first batch. {@link #stateDict()} holds their values too, for checkpoints; loading writes into the
 * same parameter objects.
 */
public final class Uncertainty implements LossWeighting {
    /** s_t = log σ_t² = 0 at the start. */
    public static final double DEFAULT_INITIAL_LOG_VARIANCE = 0;
    static final String NAME = "uncertainty";
    static final String PREFIX = "logVariance";

    private final LearnedScalars logVariances;

    /**
     * @param initialLogVariance s_t at the start of every task not in {@code perTask}
     * @param perTask            s_t at the start of the tasks named here (each one of {@code tasks})
     */
    Uncertainty(List<String> tasks, double initialLogVariance, Map<String, Double> perTask) {
        logVariances = new LearnedScalars(NAME, PREFIX, "log-variance", tasks, initialLogVariance, perTask);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * ½(e^{−s}·L + s) for a scalar loss L and log-variance s (pure; differentiable in both). Its derivative in s is
     * ½(1 − e^{−s}L), zero at s = log L.
     */
    public static Var objective(Var loss, Var logVariance) {
        return logVariance.neg().exp().mul(loss).add(logVariance).mul(0.5f);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        Var sum = null;
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            Var term = objective(e.getValue(), logVariances.of(e.getKey()));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /** {@code logVariance.<task>} → the learned s_t (the live parameter, not a copy). */
    @Override
    public Map<String, Var> parameters() {
        return logVariances.parameters();
    }

    /** The current loss weight ½e^{−s_t} of every task (what multiplies L_t in the objective). */
    public Map<String, Double> weights() {
        Map<String, Double> r = new LinkedHashMap<>();
        logVariances.current().forEach((task, s) -> r.put(task, 0.5 * Math.exp(-s)));
        return r;
    }

    /** {@code logVariance.<task>} → a copy of s_t. */
    @Override
    public Map<String, Tensor> stateDict() {
        return logVariances.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        logVariances.loadStateDict(state);
    }
}
