package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * IMTL-L: the loss balance of impartial multi-task learning (Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang,
 * "Towards Impartial Multi-task Learning", ICLR 2021, Sec. 3, loss balance; we could not check its equation numbers).
 *
 * <p>Each task has a learned loss scale s_t, and the objective is
 * <pre>
 *   Σ_t (e^{s_t} L_t − s_t)
 * </pre>
 * whose derivative in s_t, e^{s_t} L_t − 1, vanishes when the scaled loss e^{s_t} L_t is 1: the scales drive every
 * task's scaled loss toward the same value, whatever its units, while the shared and task-specific parameters follow
 * Σ_t e^{s_t} ∇L_t. The paper trains s_t by gradient descent on this objective together with the model (as LibMTL's
 * {@code IMTL.py} does with its {@code loss_scale}), and so do we: the scales are {@link #parameters()} named
 * {@code lossScale.<task>} that the trainer gives to the optimizer, starting at s_t = 0 (scale 1, as LibMTL). Where
 * uncertainty weighting ({@link Uncertainty}) divides by a learned variance, IMTL-L multiplies by a learned scale and
 * has no factor ½.
 *
 * <p>For a loss that can be negative the objective is unbounded below in s_t; like the paper and LibMTL we assume
 * positive losses and do not check (a loss reaches here as a graph, its value known only inside the step).
 * {@link #stateDict()} holds the scales' values for checkpoints; loading writes into the same parameter objects.
 * Loss-level, so it works with any architecture and reads no gradients. The gradient half is {@link ImtlG}, the hybrid
 * {@link ImtlH}.
 */
public final class ImtlL implements LossWeighting {
    static final String NAME = "imtlL";
    static final String PREFIX = "lossScale";

    private final LearnedScalars scales;

    ImtlL(List<String> tasks) {
        scales = new LearnedScalars(NAME, PREFIX, "loss scale", tasks, 0, Map.of());
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * e^{s}·L − s for a scalar loss L and loss scale s (pure; differentiable in both). Its derivative in s is
     * e^{s}L − 1, zero at s = −log L.
     */
    public static Var objective(Var loss, Var scale) {
        return scale.exp().mul(loss).sub(scale);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        Var sum = null;
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            Var term = objective(e.getValue(), scales.of(e.getKey()));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /** {@code lossScale.<task>} → the learned s_t (the live parameter, not a copy). */
    @Override
    public Map<String, Var> parameters() {
        return scales.parameters();
    }

    /** The current factor e^{s_t} of every task (what multiplies L_t in the objective). */
    public Map<String, Double> weights() {
        return exponentials(scales);
    }

    /** {@code lossScale.<task>} → a copy of s_t. */
    @Override
    public Map<String, Tensor> stateDict() {
        return scales.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        scales.loadStateDict(state);
    }

    /** task → e^{s_t}. */
    static Map<String, Double> exponentials(LearnedScalars scales) {
        Map<String, Double> r = new LinkedHashMap<>();
        scales.current().forEach((task, s) -> r.put(task, Math.exp(s)));
        return r;
    }
}
