package polyhead.mtl.weighting;

/**
 * When an iterative simplex solver ({@link SimplexFrankWolfe}) of a gradient-level strategy stops: once its duality
 * gap is at most {@code tolerance}·max_t‖g_t‖², or after {@code maxIterations} iterations.
 */
record SolverLimits(double tolerance, int maxIterations) {
    /** Fails with a one-line message naming {@code strategy} unless tolerance ≥ 0 and maxIterations ≥ 1. */
    static SolverLimits of(String strategy, double tolerance, int maxIterations) {
        if (!(tolerance >= 0) || maxIterations < 1) {
            throw new IllegalArgumentException(strategy + ": needs tolerance >= 0 and maxIterations >= 1, got "
                    + tolerance + " and " + maxIterations);
        }
        return new SolverLimits(tolerance, maxIterations);
    }
}
