package polyhead.optim.schedule;

/** {@link Schedules#constant}. */
record Constant(double lr) implements Schedule {
    Constant {
        Arguments.nonNegative("constant", "lr", lr);
    }

    @Override
    public double valueAt(long step) {
        Arguments.step(step);
        return lr;
    }
}
