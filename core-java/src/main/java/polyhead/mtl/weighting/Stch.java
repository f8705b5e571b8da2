package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * Smooth Tchebycheff scalarization (Lin, Zhang, Zhang, Liu, Wang &amp; Zhang, "Smooth Tchebycheff Scalarization for
 * Multi-Objective Optimization", ICML 2024, eq. 9 with the preference λ_t = 1), as LibMTL's {@code STCH.py} and the
 * authors' {@code STCH_MTL} code run it for multi-task learning: on log-losses normalized by a nadir vector z_t,
 * <pre>
 *   l_t = log(L_t / z_t + 10⁻²⁰),    objective = T · μ log Σ_t exp(l_t / μ),
 * </pre>
 * a smooth maximum of the normalized log-losses (μ → 0 gives T·max_t l_t, the Tchebycheff scalarization) whose
 * gradient weights task t by T·softmax(l/μ)_t / L_t: the task that is worst relative to its nadir value gets most.
 * The smoothing μ is {@link #DEFAULT_MU} unless given.
 *
 * <p>The nadir vector comes from a warm-up counted in epochs ({@link WeightingContext#epoch()}), W =
 * {@link #DEFAULT_WARMUP_EPOCHS} unless given: during epochs 0 … W the objective is Σ_t log(L_t + 10⁻²⁰) (each
 * task weighted by 1/L_t); during epoch W every batch's losses are also summed, and from epoch W + 1 on z_t is
 * their mean over the batches of epoch W in which task t had a loss, fixed for the rest of the run. So a run needs
 * at least W + 2 epochs to reach the Tchebycheff phase (W = 4, LibMTL's default: from epoch 5, the sixth).
 *
 * <p>A loss weighting: it works with every architecture and has no gradient source. Deviations: the objective's
 * value includes the term T·max_t l_t that LibMTL subtracts for stability and does not add back (same gradient; the
 * value here is the scalarization itself); T is the number of tasks in the batch, and sums and counts are kept per
 * task, which is LibMTL's one counter when every batch has every task; a task with no loss in epoch W, or a mean
 * of 0 there, has z_t = 1. Losses must be ≥ 0; others are refused. State — the sums, counts and the nadir vector,
 * as float (LibMTL sums in float32 too) — is saved in checkpoints, so a run resumed inside or after the averaging
 * epoch continues exactly.
 */
public final class Stch implements LossWeighting {
    /** μ = 1, LibMTL's default smoothing. */
    public static final double DEFAULT_MU = 1;
    /** W = 4, LibMTL's default warm-up epoch. */
    public static final int DEFAULT_WARMUP_EPOCHS = 4;
    static final String NAME = "stch";
    private static final float TINY = 1e-20f;

    private final double mu;
    private final int warmupEpochs;
    private final Map<String, Float> sums = new LinkedHashMap<>();
    private final Map<String, Float> counts = new LinkedHashMap<>();
    private final Map<String, Float> nadir = new LinkedHashMap<>();

    Stch(double mu, int warmupEpochs) {
        if (!(mu > 0) || Double.isInfinite(mu) || warmupEpochs < 0) {
            throw new IllegalArgumentException(NAME + ": needs a finite mu > 0 and warmupEpochs >= 0, got mu=" + mu
                    + ", warmupEpochs=" + warmupEpochs);
        }
        this.mu = mu;
        this.warmupEpochs = warmupEpochs;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The nadir vector z by task (empty until the averaging epoch has ended; a copy). */
    public Map<String, Double> nadir() {
        return NamedScalars.doubles(nadir);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            float v = e.getValue().value().item();
            if (!(v >= 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException(NAME + ": loss of task '" + e.getKey() + "' is " + v
                        + "; stch takes the log of each loss, so losses must be finite and >= 0");
            }
        }
        if (ctx.epoch() <= warmupEpochs) {
            if (ctx.epoch() == warmupEpochs) {
                losses.forEach((task, loss) -> {
                    sums.merge(task, loss.value().item(), Float::sum);
                    counts.merge(task, 1f, Float::sum);
                });
            }
            Var sum = null;
            for (Var loss : losses.values()) {
                Var term = loss.add(TINY).log();
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }
        if (nadir.isEmpty()) {
            sums.forEach((task, s) -> {
                if (s > 0) {
                    nadir.put(task, s / counts.get(task));
                }
            });
        }
        Map<String, Var> logs = new LinkedHashMap<>();
        double max = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            float z = nadir.getOrDefault(e.getKey(), 1f);
            Var l = e.getValue().mul(1 / z).add(TINY).log();
            logs.put(e.getKey(), l);
            max = Math.max(max, l.value().item());
        }
        // T · (max + μ log Σ exp((l_t − max)/μ)): the shift keeps exp from overflowing and adds back what it took
        Var sum = null;
        for (Var l : logs.values()) {
            Var term = l.add((float) -max).mul((float) (1 / mu)).exp();
            sum = sum == null ? term : sum.add(term);
        }
        return sum.log().mul((float) mu).add((float) max).mul(losses.size());
    }

    /** {@code sum.<task>}, {@code count.<task>} (the averaging epoch's) and {@code nadir.<task>} once fixed. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "sum", sums);
        NamedScalars.put(state, "count", counts);
        NamedScalars.put(state, "nadir", nadir);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Map<String, Float>> parts = NamedScalars.read(NAME, state, "sum", "count", "nadir");
        if (!parts.get("sum").keySet().equals(parts.get("count").keySet())) {
            throw new IllegalArgumentException(NAME + ": state has sums for " + parts.get("sum").keySet()
                    + " but counts for " + parts.get("count").keySet());
        }
        for (Map.Entry<String, Float> e : parts.get("count").entrySet()) {
            if (!(e.getValue() > 0) || e.getValue() != Math.rint(e.getValue())) {
                throw new IllegalArgumentException(NAME + ": state entry 'count." + e.getKey()
                        + "' must be a whole number > 0, got " + e.getValue());
            }
        }
        for (Map.Entry<String, Float> e : parts.get("nadir").entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException(NAME + ": state entry 'nadir." + e.getKey() + "' must be > 0, got "
                        + e.getValue());
            }
        }
        sums.clear();
        sums.putAll(parts.get("sum"));
        counts.clear();
        counts.putAll(parts.get("count"));
        nadir.clear();
        nadir.putAll(parts.get("nadir"));
    }
}
