package polyhead.loss;

/**
 * How a {@link Loss} combines its per-element losses, as PyTorch's {@code reduction} argument. Entries of samples
 * whose mask is 0 are left out of every reduction.
 */
public enum Reduction {
    /**
     * The sum over valid elements divided by their number: {@code Σ_valid ℓ / |valid|}. With no valid element the
     * result is 0 with a zero gradient (PyTorch's mean of nothing is NaN).
     */
    MEAN,
    /** The sum over valid elements, {@code Σ_valid ℓ}. */
    SUM,
    /**
     * No reduction: the tensor of per-element losses (per sample, or per sample and position for cross-entropy),
     * with 0 at masked entries.
     */
    NONE
}
