package polyhead.optim.schedule;

/** {@link Schedules#exponential}. */
record Exponential(double lr, double gamma) implements Schedule {
    Exponential {
        Arguments.nonNegative("exponential", "lr", lr);
        Arguments.positive("exponential", "gamma", gamma);
    }

    @Override
    public double valueAt(long step) {
        return lr * Math.pow(gamma, Arguments.step(step));
    }
}
