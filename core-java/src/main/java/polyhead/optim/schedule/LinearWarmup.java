package polyhead.optim.schedule;

import java.util.Objects;

/** {@link Schedules#linearWarmup}. */
record LinearWarmup(int warmupSteps, double startFactor, Schedule after) implements Schedule {
    LinearWarmup {
        Arguments.nonNegative("linearWarmup", "warmupSteps", warmupSteps);
        Arguments.fraction("linearWarmup", "startFactor", startFactor);
        Objects.requireNonNull(after, "linearWarmup: after must not be null");
    }

    @Override
    public double valueAt(long step) {
        if (Arguments.step(step) >= warmupSteps) {
            return after.valueAt(step - warmupSteps);
        }
        return after.valueAt(0) * (startFactor + (1 - startFactor) * step / warmupSteps);
    }
}
