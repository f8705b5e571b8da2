package polyhead.optim.schedule;

/** {@link Schedules#step}. */
record Step(double lr, int stepSize, double gamma) implements Schedule {
    Step {
        Arguments.nonNegative("step", "lr", lr);
        Arguments.positive("step", "stepSize", stepSize);
        Arguments.positive("step", "gamma", gamma);
    }

    @Override
    public double valueAt(long step) {
        return lr * Math.pow(gamma, Arguments.step(step) / stepSize);
    }
}
