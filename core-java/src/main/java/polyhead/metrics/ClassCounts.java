package polyhead.metrics;

/**
 * Per-class (or per-label) true positives, false positives and false negatives, what precision, recall, F1 and IoU
 * are computed from. A class is <em>present</em> if it occurs in the targets or the predictions: tp + fp + fn > 0.
 */
record ClassCounts(long[] tp, long[] fp, long[] fn) {
    int classes() {
        return tp.length;
    }

    boolean present(int c) {
        return tp[c] + fp[c] + fn[c] > 0;
    }
}
