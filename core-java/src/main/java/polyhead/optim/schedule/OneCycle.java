package polyhead.optim.schedule;

import java.util.Objects;

/** {@link Schedules#oneCycle}. */
record OneCycle(double maxLr, int totalSteps, double pctStart, Anneal anneal, double divFactor,
        double finalDivFactor, boolean threePhase) implements Schedule {
    OneCycle {
        Arguments.nonNegative("oneCycle", "maxLr", maxLr);
        Arguments.positive("oneCycle", "totalSteps", totalSteps);
        Arguments.openFraction("oneCycle", "pctStart", pctStart);
        Objects.requireNonNull(anneal, "oneCycle: anneal must not be null");
        Arguments.positive("oneCycle", "divFactor", divFactor);
        Arguments.positive("oneCycle", "finalDivFactor", finalDivFactor);
        if (pctStart * totalSteps - 1 == 0) {
            // PyTorch divides 0 by 0 at step 0 here (ZeroDivisionError).
            throw new IllegalArgumentException("oneCycle: pctStart * totalSteps must not be 1 (the warm-up phase would"
                    + " have length 0), got pctStart=" + pctStart + ", totalSteps=" + totalSteps);
        }
    }

    @Override
    public double valueAt(long step) {
        // PyTorch extrapolates the last phase at step totalSteps (below the final rate, negative with LINEAR) and
        // raises beyond; holding the last rate of the cycle instead is our one deviation.
        double t = Math.min(Arguments.step(step), totalSteps - 1L);
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        // Phase i runs from ends[i-1] (0 for the first) to ends[i], annealing rates[i] → rates[i+1]. The ends are
        // PyTorch's, fractional when pctStart·totalSteps is; in the same operation order.
        double[] ends = threePhase
                ? new double[] {pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1}
                : new double[] {pctStart * totalSteps - 1, totalSteps - 1};
        double[] rates = threePhase ? new double[] {initial, maxLr, initial, min} : new double[] {initial, maxLr, min};
        int phase = 0;
        double start = 0;
        while (phase < ends.length - 1 && t > ends[phase]) {
            start = ends[phase];
            phase++;
        }
        return anneal.between(rates[phase], rates[phase + 1], (t - start) / (ends[phase] - start));
    }
}
