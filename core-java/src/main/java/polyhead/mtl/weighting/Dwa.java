package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * Dynamic weight average (Liu, Johns &amp; Davison, "End-to-End Multi-Task Learning with Attention", CVPR 2019, the
 * "Dynamic Weight Average" equations; we could not check their numbering against the paper).
 *
 * <p>With L̄_k(e) the mean training loss of task k over epoch e (given by {@link #epochEnd}), the weights during
 * epoch e are
 * <pre>
 *   r_k = L̄_k(e−1) / L̄_k(e−2),    λ_k = K · exp(r_k / T) / Σ_i exp(r_i / T),
 * </pre>
 * with K the number of tasks in the batch (so Σ λ_k = K) and T the temperature
 * ({@link #DEFAULT_TEMPERATURE} unless given). The objective is Σ_k λ_k L_k. Until two epochs have ended, every
 * r_k = 1, i.e. equal weights λ_k = 1 (the paper's "w_k(1) = w_k(2) = 1").
 *
 * <p>The two epochs are the last two reported through {@link #epochEnd}, whatever their numbers. State is kept per
 * task name; a task missing from either epoch, or whose older mean is not positive, gets r_k = 1. The epoch means are
 * kept as float so that {@link #stateDict()} restores them exactly.
 */
public final class Dwa implements LossWeighting {
    /** T = 2, the paper's temperature. */
    public static final double DEFAULT_TEMPERATURE = 2;
    static final String NAME = "dwa";

    private final double temperature;
    private Map<String, Float> last = new LinkedHashMap<>();
    private Map<String, Float> beforeLast = new LinkedHashMap<>();
    private int epochsSeen;

    Dwa(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(NAME + ": temperature must be finite and > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void epochEnd(int epoch, Map<String, Double> meanTaskLosses) {
        Map<String, Float> means = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : meanTaskLosses.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException(NAME + ": mean loss of task '" + e.getKey() + "' in epoch " + epoch
                        + " is not finite (" + e.getValue() + ")");
            }
            means.put(e.getKey(), e.getValue().floatValue());
        }
        beforeLast = last;
        last = means;
        epochsSeen++;
    }

    /** The weights λ for {@code tasks} (those present in a batch), in their order. */
    public double[] weights(Iterable<String> tasks) {
        int k = 0;
        for (String ignored : tasks) {
            k++;
        }
        double[] z = new double[k];
        int i = 0;
        for (String task : tasks) {
            z[i++] = ratio(task) / temperature;
        }
        return LossTerms.scaledSoftmax(z, k);
    }

    private double ratio(String task) {
        if (epochsSeen < 2) {
            return 1;
        }
        Float now = last.get(task);
        Float before = beforeLast.get(task);
        if (now == null || before == null || !(before > 0)) {
            return 1;
        }
        return (double) now / before;
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        return LossTerms.weightedSum(losses, weights(losses.keySet()));
    }

    /** {@code last.<task>}, {@code beforeLast.<task>} (epoch means) and {@code epochsSeen.count}. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "last", last);
        NamedScalars.put(state, "beforeLast", beforeLast);
        state.put("epochsSeen.count", Tensor.scalar(epochsSeen));
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Map<String, Float>> parts = NamedScalars.read(NAME, state, "last", "beforeLast", "epochsSeen");
        int count = (int) NamedScalars.count(NAME, "epochsSeen", parts.get("epochsSeen"));
        last = new LinkedHashMap<>(parts.get("last"));
        beforeLast = new LinkedHashMap<>(parts.get("beforeLast"));
        epochsSeen = count;
    }
}
