package polyhead.samples;

import java.util.Arrays;

import polyhead.train.History;

/** Time per epoch as the samples report it: the median over a run's epochs (the first pays for JIT warm-up). */
public final class EpochTimes {
    private EpochTimes() {
    }

    /** The median of the history's {@code seconds} column. */
    public static double median(History h) {
        double[] s = h.series("seconds").clone();
        if (s.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
