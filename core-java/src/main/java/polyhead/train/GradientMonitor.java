package polyhead.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.checkpoint.Checkpoint;

/**
 * Flags exploding gradients: keeps, for the global gradient norm and for each task's own gradient norm, a running
 * mean m (an exponential moving average, β = {@value #DECAY}, bias-corrected as in Adam) and reports a step whose
 * norm exceeds {@code factor · m} once {@value #WARM_UP} steps have been seen. A reported norm enters the mean only
 * up to the threshold, so one spike does not raise the bar for the next; a lasting rise still moves it, slowly.
 * The state is saved in checkpoints (doubles exactly) so a resumed run flags the same steps.
 */
final class GradientMonitor {
    static final double DECAY = 0.9;
    static final int WARM_UP = 1;
    private static final String GLOBAL = "";
    private static final String MEAN = "gradientMonitor.mean.";
    private static final String COUNT = "gradientMonitor.count.";

    private final double factor;
    /** Per key ("" for the global norm, else the task): the biased moving average and the steps seen. */
    private final Map<String, double[]> stats = new LinkedHashMap<>();

    GradientMonitor(double factor) {
        this.factor = factor;
    }

    /** The reports for one step (global first, then tasks in order); updates the running means. */
    List<ExplodingGradient> check(long step, int epoch, double globalNorm, Map<String, Double> taskNorms) {
        List<ExplodingGradient> out = new ArrayList<>();
        observe(GLOBAL, step, epoch, globalNorm, out);
        taskNorms.forEach((t, n) -> observe(t, step, epoch, n, out));
        return out;
    }

    private void observe(String key, long step, int epoch, double norm, List<ExplodingGradient> out) {
        double[] s = stats.computeIfAbsent(key, k -> new double[2]);
        double seen = s[1];
        double entered = norm;
        if (seen >= WARM_UP) {
            double mean = s[0] / (1 - Math.pow(DECAY, seen));
            double threshold = factor * mean;
            if (norm > threshold) {
                out.add(new ExplodingGradient(step, epoch, key.equals(GLOBAL) ? null : key, norm, threshold));
                entered = threshold;
            }
        }
        s[0] = DECAY * s[0] + (1 - DECAY) * entered;
        s[1] = seen + 1;
    }

    void write(Checkpoint.Builder b) {
        stats.forEach((k, s) -> b.value(MEAN + k, s[0]).counter(COUNT + k, (long) s[1]));
    }

    void read(Checkpoint c) {
        stats.clear();
        c.values().forEach((k, v) -> {
            if (k.startsWith(MEAN)) {
                String key = k.substring(MEAN.length());
                stats.put(key, new double[] {v, c.counters().getOrDefault(COUNT + key, 0L)});
            }
        });
    }
}
