package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

import polyhead.tensor.Tensor;

/**
 * GradVac: gradient vaccine (Wang, Tsvetkov, Firat &amp; Cao, "Gradient Vaccine: Investigating and Improving
 * Multi-task Optimization in Massively Multilingual Models", ICLR 2021, Sec. 3.3; we could not check its equation
 * numbers). Where PCGrad only removes negative similarity, GradVac raises the cosine similarity of each pair of task
 * gradients to a target φ̂_ij that tracks the pair's similarity seen in training.
 *
 * <p>For each task i, starting from g_i' = g_i, and for each other task j in an order drawn uniformly at random
 * (independently for each i, from {@link WeightingContext#rng()}, as {@link PcGrad}):
 * <pre>
 *   φ_ij = g_i'·g_j / (‖g_i'‖ ‖g_j‖ + ε)
 *   if φ_ij &lt; φ̂_ij:   g_i' ← g_i' + w g_j,   w = ‖g_i'‖ (φ̂_ij √(1 − φ_ij²) − φ_ij √(1 − φ̂_ij²))
 *                                                  / (‖g_j‖ √(1 − φ̂_ij²) + ε)
 *   φ̂_ij ← (1 − β) φ̂_ij + β φ_ij                    (exponential moving average, every step)
 * </pre>
 * with ε = 1e-8. The update is the sum d = Σ_i g_i'; heads are weighted 1. The targets start at 0, so the first
 * step of a pair projects a conflicting gradient onto the other's normal plane, as PCGrad. β is
 * {@link #DEFAULT_BETA} unless given.
 *
 * <p>As LibMTL's {@code GradVac.py} (commit 4336804): φ_ij is measured with the already-altered g_i' (as the
 * paper's Alg. 1), the target is updated after every pair, and the ε terms are theirs. LibMTL can also keep one
 * target per layer or per weight matrix ({@code GradVac_group_type} 1 and 2; the paper's per-layer variant); we keep
 * one target per ordered pair of tasks over the whole gradient row (their group type 0), because a gradient row
 * here does not say where layers begin. LibMTL refuses gradients of the shared representation; nothing in the
 * method needs parameters, so both sources work here (the targets then track the similarity of representation
 * gradients). Deviation: φ_ij is clamped to [−1, 1] before the square root (rounding can push it past 1).
 *
 * <p>State: one target per ordered pair of task names that has appeared together, kept as float so that
 * {@link #stateDict()} restores it exactly; a pair not seen yet starts at 0. With T = 1, d = g; with T = 2 no random
 * number is drawn.
 */
public final class GradVac implements GramDeterminedWeighting {
    /** β = 0.5, LibMTL's default for the EMA of the targets. */
    public static final double DEFAULT_BETA = 0.5;
    static final String NAME = "gradVac";
    private static final double EPS = 1e-8;

    private final double beta;
    /** φ̂ by "i.j" (task names hold no dots). */
    private final Map<String, Float> targets = new LinkedHashMap<>();

    GradVac(double beta) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException(NAME + ": beta must be in [0, 1], got " + beta);
        }
        this.beta = beta;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double beta() {
        return beta;
    }

    @Override
    public GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        int tasks = gram.taskCount();
        if (tasks > 2 && (ctx == null || ctx.rng() == null)) {
            throw new IllegalArgumentException(NAME + ": needs ctx.rng() to draw the order of " + tasks + " tasks");
        }
        Random rng = ctx == null ? null : ctx.rng();
        return combineGram(gram, i -> PcGrad.otherTasksShuffled(i, tasks, rng));
    }

    /** {@link #combine(TaskGradients, WeightingContext)} with task i's partners in the order {@code order.apply(i)}. */
    Combination combine(TaskGradients gradients, IntFunction<int[]> order) {
        return GradientRows.combineThroughGram(NAME, gradients, gram -> combineGram(gram, order));
    }

    /**
     * The alterations on coefficient vectors, as {@link PcGrad}'s projections: g_i' = Σ_k c_k g_k, so
     * g_i'·g_j = (Mc)_j and ‖g_i'‖² = cᵀMc, and adding w g_j adds w to c_j.
     */
    GramCombination combineGram(TaskGram gram, IntFunction<int[]> order) {
        GradientRows.check(NAME, gram);
        double[][] m = gram.gram();
        List<String> names = gram.tasks();
        int tasks = m.length;
        double[] norm = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            norm[t] = Math.sqrt(Math.max(0, m[t][t]));
        }
        double[] total = new double[tasks];
        double[] c = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            java.util.Arrays.fill(c, 0);
            c[i] = 1;
            for (int j : order.apply(i)) {
                String pair = names.get(i) + "." + names.get(j);
                double target = targets.getOrDefault(pair, 0f);
                double[] mc = GradientRows.times(m, c);
                double dot = mc[j];
                double squared = 0;
                for (int k = 0; k < tasks; k++) {
                    squared += c[k] * mc[k];
                }
                double alteredNorm = Math.sqrt(Math.max(0, squared));
                double phi = Math.max(-1, Math.min(1, dot / (alteredNorm * norm[j] + EPS)));
                if (phi < target) {
                    double w = alteredNorm * (target * Math.sqrt(1 - phi * phi) - phi * Math.sqrt(1 - target * target))
                            / (norm[j] * Math.sqrt(1 - target * target) + EPS);
                    c[j] += w;
                }
                targets.put(pair, (float) ((1 - beta) * target + beta * phi));
            }
            for (int k = 0; k < tasks; k++) {
                total[k] += c[k];
            }
        }
        return GramCombination.headsWeightedOne(total);
    }

    /** The target φ̂ of every ordered pair (i, j) seen so far, keyed "i.j" (a copy). */
    public Map<String, Double> targets() {
        Map<String, Double> r = new LinkedHashMap<>();
        targets.forEach((k, v) -> r.put(k, v.doubleValue()));
        return r;
    }

    /** {@code target.<i>.<j>} for every ordered pair of tasks seen together. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "target", targets);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Float> read = NamedScalars.read(NAME, state, "target").get("target");
        for (Map.Entry<String, Float> e : read.entrySet()) {
            String[] pair = e.getKey().split("\\.", -1);
            if (pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty() || pair[0].equals(pair[1])) {
                throw new IllegalArgumentException(NAME + ": state entry 'target." + e.getKey()
                        + "' must name two different tasks, as target.<task>.<other task>");
            }
            if (!(Math.abs(e.getValue()) <= 1)) {
                throw new IllegalArgumentException(NAME + ": state entry 'target." + e.getKey()
                        + "' is a cosine similarity and must be in [-1, 1], got " + e.getValue());
            }
        }
        targets.clear();
        targets.putAll(read);
    }
}
