package polyhead.optim.schedule;

import java.util.List;

/** One or more schedules of every kind, for the tests that hold for all of them. */
final class ScheduleSamples {
    private ScheduleSamples() {
    }

    static List<Schedule> all() {
        return List.of(
                Schedules.constant(0.1),
                Schedules.step(0.1, 7, 0.5),
                Schedules.multiStep(0.1, new int[] {3, 8, 8, 20}, 0.5),
                Schedules.exponential(0.1, 0.9),
                Schedules.cosine(0.1, 10, 0.001),
                Schedules.cosineWarmRestarts(0.1, 3, 2, 0.001),
                Schedules.cosineWarmRestarts(0.1, 4),
                Schedules.linear(0.1, 0.2, 1, 10),
                Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 30)),
                Schedules.oneCycle(0.1, 50),
                Schedules.oneCycle(0.1, 37, 0.25, Anneal.LINEAR, 10, 100, true));
    }
}
