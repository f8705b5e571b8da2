package polyhead.tensor;

/**
 * Derived seeds: one independent generator per (seed, stream) pair — per epoch, per step, per training call — so
 * that a run's randomness is a function of its seed and its position, and a resumed run draws exactly what an
 * uninterrupted one would, with no generator state to save.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A seed for stream {@code stream} of {@code seed}: SplitMix64's finalizer (Steele, Lea &amp; Flood, 2014). */
    public static long derive(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
