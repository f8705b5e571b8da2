package polyhead.optim.schedule;

/** {@link Schedules#cosine}. */
record Cosine(double lr, int tMax, double etaMin) implements Schedule {
    Cosine {
        Arguments.nonNegative("cosine", "lr", lr);
        Arguments.positive("cosine", "tMax", tMax);
        Arguments.nonNegative("cosine", "etaMin", etaMin);
    }

    @Override
    public double valueAt(long step) {
        // PyTorch steps a recursive form; it equals this closed form at every step, beyond tMax too (both are
        // periodic with period 2·tMax), and the reference test checks that to 1e-9 relative.
        return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * Arguments.step(step) / tMax)) / 2;
    }
}
