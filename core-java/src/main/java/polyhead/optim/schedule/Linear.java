package polyhead.optim.schedule;

/** {@link Schedules#linear}. */
record Linear(double lr, double startFactor, double endFactor, int totalIters) implements Schedule {
    Linear {
        Arguments.nonNegative("linear", "lr", lr);
        Arguments.fraction("linear", "startFactor", startFactor);
        Arguments.fraction("linear", "endFactor", endFactor);
        Arguments.positive("linear", "totalIters", totalIters);
    }

    @Override
    public double valueAt(long step) {
        long t = Math.min(Arguments.step(step), totalIters);
        return lr * (startFactor + (endFactor - startFactor) * t / totalIters);
    }
}
