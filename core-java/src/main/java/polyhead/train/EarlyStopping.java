package polyhead.train;

import polyhead.mtl.arch.Architecture;

/**
 * Stops training when a monitored value has not improved for {@code patience} epochs, as Keras's EarlyStopping:
 * an epoch improves when its value beats the best so far by more than {@code minDelta}. With {@code restoreBest},
 * the weights of the best epoch are put back at the end.
 *
 * @param monitor    a history key, e.g. {@code val.item.accuracy} or {@code val.loss}
 * @param higherIsBetter direction; null = decided from the monitored metric ({@code loss} keys: lower is better)
 */
public record EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest, Boolean higherIsBetter) {
    public EarlyStopping {
        if (monitor == null || monitor.isBlank()) {
            throw new IllegalArgumentException("early stopping needs a monitored key such as val.loss");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("early stopping: patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("early stopping: minDelta must be >= 0, got " + minDelta);
        }
    }

    /** Patience 5, no minimum delta, best weights restored, direction from the metric. */
    public static EarlyStopping on(String monitor) {
        return new EarlyStopping(monitor, 5, 0, true, null);
    }

    /** The direction on {@code arch}: as stated, or else the monitored key's ({@link History#higherIsBetter}). */
    public boolean higherIsBetter(Architecture arch) {
        return higherIsBetter != null ? higherIsBetter : History.higherIsBetter(monitor, arch);
    }

    public EarlyStopping withPatience(int p) {
        return new EarlyStopping(monitor, p, minDelta, restoreBest, higherIsBetter);
    }
}
