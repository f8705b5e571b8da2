package polyhead.metrics;

/**
 * The per-class ratios num/den and their averages, as scikit-learn's {@code precision_score}, {@code recall_score},
 * {@code f1_score} and {@code jaccard_score} with {@code zero_division=0}:
 * <pre>
 * precision_c = tp/(tp + fp)    recall_c = tp/(tp + fn)    F1_c = 2tp/(2tp + fp + fn)    IoU_c = tp/(tp + fp + fn)
 * macro = (1/|P|)·Σ_{c ∈ P} num_c/den_c        micro = Σ_c num_c / Σ_c den_c
 * </pre>
 * with P the present classes ({@link ClassCounts#present}) and every 0/0 taken as 0 (a class never predicted has
 * precision 0, a label that never occurs and is never predicted has recall 0; macro over no present class is 0).
 */
enum ClassScore {
    PRECISION, RECALL, F1, IOU;

    double average(ClassCounts counts, Average average) {
        if (average == Average.MICRO) {
            long num = 0;
            long den = 0;
            for (int c = 0; c < counts.classes(); c++) {
                num += numerator(counts, c);
                den += denominator(counts, c);
            }
            return ratio(num, den);
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < counts.classes(); c++) {
            if (counts.present(c)) {
                sum += ratio(numerator(counts, c), denominator(counts, c));
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    private long numerator(ClassCounts k, int c) {
        return this == F1 ? 2 * k.tp()[c] : k.tp()[c];
    }

    private long denominator(ClassCounts k, int c) {
        return switch (this) {
            case PRECISION -> k.tp()[c] + k.fp()[c];
            case RECALL -> k.tp()[c] + k.fn()[c];
            case F1 -> 2 * k.tp()[c] + k.fp()[c] + k.fn()[c];
            case IOU -> k.tp()[c] + k.fp()[c] + k.fn()[c];
        };
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }
}
