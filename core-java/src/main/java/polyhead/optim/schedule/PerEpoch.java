package polyhead.optim.schedule;

import java.util.Objects;

/** {@link Schedules#perEpoch}. */
record PerEpoch(Schedule epochs, int stepsPerEpoch) implements Schedule {
    PerEpoch {
        Objects.requireNonNull(epochs, "perEpoch: epochs must not be null");
        Arguments.positive("perEpoch", "stepsPerEpoch", stepsPerEpoch);
    }

    @Override
    public double valueAt(long step) {
        return epochs.valueAt(Arguments.step(step) / stepsPerEpoch);
    }
}
