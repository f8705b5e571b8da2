package polyhead.metrics;

import java.util.Locale;

/**
 * How precision, recall and F1 combine the classes (or, for binary labels [N, D], the D labels), as scikit-learn's
 * {@code average} argument.
 */
public enum Average {
    /**
     * The unweighted mean of the per-class scores over the classes present in the targets or the predictions
     * (scikit-learn's default label set); a class that occurs in neither is left out.
     */
    MACRO,
    /**
     * The score of the counts summed over all classes; for one class index per sample, micro precision, recall and
     * F1 all equal accuracy.
     */
    MICRO;

    /** "macro" or "micro", as metric names use it. */
    String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }
}
