package polyhead.optim;

/**
 * Settings of {@link Transforms#reduceOnPlateau}, with the meaning and defaults of PyTorch's
 * {@code ReduceLROnPlateau}: {@code factor} 0.1, {@code patience} 10, {@code threshold} 1e-4 relative,
 * {@code cooldown} 0, {@code minLr} 0, {@code eps} 1e-8. Start from {@link #min} or {@link #max} and change what you
 * need: {@code Plateau.min(1e-3).patience(2).cooldown(1)}.
 *
 * @param lr            the learning rate of the optimizer the block follows (its {@code scaleByLearningRate}); the
 *                      block tracks the reduced learning rate from it, so that {@code minLr} and {@code eps} mean
 *                      what they mean in PyTorch
 * @param mode          whether the monitored metric should go down (a loss) or up (an accuracy)
 * @param factor        the learning rate is multiplied by this on a plateau; in [0, 1)
 * @param patience      evaluations without improvement tolerated; the reduction comes on the next bad one
 * @param threshold     how much better a value must be to count as an improvement
 * @param thresholdMode relative ({@code best·(1 ∓ threshold)}) or absolute ({@code best ∓ threshold})
 * @param cooldown      evaluations after a reduction during which bad evaluations are not counted
 * @param minLr         the learning rate is not reduced below this
 * @param eps           a reduction smaller than this is not applied
 */
public record Plateau(double lr, Mode mode, double factor, int patience, double threshold,
        ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {

    public enum Mode { MIN, MAX }

    public enum ThresholdMode { REL, ABS }

    public Plateau {
        Check.lr("reduceOnPlateau", lr);
        Check.notNull("reduceOnPlateau", "mode", mode);
        Check.notNull("reduceOnPlateau", "thresholdMode", thresholdMode);
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("reduceOnPlateau: factor must be in [0, 1), got " + factor);
        }
        Check.atLeast("reduceOnPlateau", "patience", patience, 0);
        Check.nonNegative("reduceOnPlateau", "threshold", threshold);
        Check.atLeast("reduceOnPlateau", "cooldown", cooldown, 0);
        Check.nonNegative("reduceOnPlateau", "minLr", minLr);
        Check.nonNegative("reduceOnPlateau", "eps", eps);
    }

    /** For a metric that should decrease, following an optimizer with learning rate {@code lr}; torch defaults. */
    public static Plateau min(double lr) {
        return new Plateau(lr, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }

    /** For a metric that should increase; otherwise as {@link #min}. */
    public static Plateau max(double lr) {
        return min(lr).mode(Mode.MAX);
    }

    public Plateau mode(Mode v) {
        return new Plateau(lr, v, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
    }

    public Plateau factor(double v) {
        return new Plateau(lr, mode, v, patience, threshold, thresholdMode, cooldown, minLr, eps);
    }

    public Plateau patience(int v) {
        return new Plateau(lr, mode, factor, v, threshold, thresholdMode, cooldown, minLr, eps);
    }

    public Plateau threshold(double v, ThresholdMode m) {
        return new Plateau(lr, mode, factor, patience, v, m, cooldown, minLr, eps);
    }

    public Plateau cooldown(int v) {
        return new Plateau(lr, mode, factor, patience, threshold, thresholdMode, v, minLr, eps);
    }

    public Plateau minLr(double v) {
        return new Plateau(lr, mode, factor, patience, threshold, thresholdMode, cooldown, v, eps);
    }

    public Plateau eps(double v) {
        return new Plateau(lr, mode, factor, patience, threshold, thresholdMode, cooldown, minLr, v);
    }

    /** PyTorch's {@code is_better}: whether {@code value} improves on {@code best}. NaN never does. */
    boolean isBetter(double value, double best) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? value < best * (1 - threshold) : value < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? value > best * (1 + threshold) : value > best + threshold;
    }
}
