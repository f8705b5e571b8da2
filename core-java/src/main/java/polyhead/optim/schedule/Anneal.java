package polyhead.optim.schedule;

/**
 * How {@link Schedules#oneCycle} moves from one rate to the next within a phase, as a function of the fraction
 * p ∈ [0, 1] of the phase done; PyTorch's {@code OneCycleLR(anneal_strategy=...)}.
 */
public enum Anneal {
    /** {@code 'cos'}: end + (start − end)/2 · (cos(π·p) + 1). */
    COSINE {
        @Override
        double between(double start, double end, double p) {
            return end + (start - end) / 2.0 * (Math.cos(Math.PI * p) + 1);
        }
    },
    /** {@code 'linear'}: (end − start)·p + start. */
    LINEAR {
        @Override
        double between(double start, double end, double p) {
            return (end - start) * p + start;
        }
    };

    /**
     * The rate a fraction {@code p} of the way from {@code start} to {@code end}, with PyTorch's operation order
     * (so that, e.g., p = 0 under {@link #COSINE} gives start only up to rounding, as PyTorch does).
     */
    abstract double between(double start, double end, double p);
}
