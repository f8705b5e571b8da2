package polyhead.train;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.checkpoint.Checkpoint;
import polyhead.mtl.arch.Architecture;
import polyhead.tensor.Tensor;

/**
 * Early stopping's running state over a run, as {@link EarlyStopping} configures it: the best monitored value so far,
 * the epochs since it, whether the run is to stop, and (with {@code restoreBest}) the weights of the best epoch. It
 * judges each epoch's history row, writes itself into a checkpoint and reads itself back, so that a resumed run stops
 * where an uninterrupted one would. Without settings it never stops, but still writes its (empty) state: every
 * checkpoint has the same keys.
 */
final class EarlyStoppingTracker {
    private static final String BEST_VALUE = "earlyStopping.bestValue";
    private static final String SINCE_BEST = "earlyStopping.sinceBest";
    private static final String STOPPED = "earlyStopping.stopped";
    private static final String BEST_WEIGHTS = "earlyStopping.best/";

    /** The settings, or null for a run without early stopping. */
    private final EarlyStopping settings;
    private final Architecture arch;
    private Map<String, Tensor> best;
    private double bestValue = Double.NaN;
    private int sinceBest;
    private boolean stopped;

    EarlyStoppingTracker(EarlyStopping settings, Architecture arch) {
        this.settings = settings;
        this.arch = arch;
    }

    /** Whether the run is to stop: {@code patience} epochs in a row did not improve on the best. */
    boolean stopped() {
        return stopped;
    }

    /** An epoch's verdict: a new best (kept, with its weights if they are to be restored), or one more epoch without. */
    void judge(Map<String, Double> row) {
        if (settings == null) {
            return;
        }
        Double v = row.get(settings.monitor());
        if (v == null) {
            throw new IllegalArgumentException("early stopping monitors '" + settings.monitor()
                    + "', which the history does not record; recorded: " + row.keySet());
        }
        boolean higher = settings.higherIsBetter(arch);
        boolean improved = Double.isNaN(bestValue)
                || (higher ? v > bestValue + settings.minDelta() : v < bestValue - settings.minDelta());
        if (improved) {
            bestValue = v;
            sinceBest = 0;
            if (settings.restoreBest()) {
                best = snapshot();
            }
        } else if (++sinceBest >= settings.patience()) {
            stopped = true;
        }
    }

    /** Puts the best epoch's weights back, if they were kept. */
    void restoreBest() {
        if (best != null) {
            arch.loadStateDict(best);
        }
    }

    /** Writes the state into {@code b}: the best value, the epochs since, the verdict and the best weights. */
    void write(Checkpoint.Builder b) {
        b.value(BEST_VALUE, bestValue)
                .counter(SINCE_BEST, sinceBest)
                .counter(STOPPED, stopped ? 1 : 0);
        if (best != null) {
            Map<String, Tensor> extra = new LinkedHashMap<>();
            best.forEach((k, v) -> extra.put(BEST_WEIGHTS + k, v));
            b.extra(extra);
        }
    }

    /** Reads the state {@link #write} wrote (a checkpoint without it starts afresh). */
    void read(Checkpoint c) {
        bestValue = c.values().getOrDefault(BEST_VALUE, Double.NaN);
        sinceBest = c.counters().getOrDefault(SINCE_BEST, 0L).intValue();
        stopped = c.counters().getOrDefault(STOPPED, 0L) == 1;
        Map<String, Tensor> restored = new LinkedHashMap<>();
        c.extra().forEach((k, v) -> {
            if (k.startsWith(BEST_WEIGHTS)) {
                restored.put(k.substring(BEST_WEIGHTS.length()), v.copy());
            }
        });
        best = restored.isEmpty() ? null : restored;
    }

    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        arch.stateDict().forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }
}
