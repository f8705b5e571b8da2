package polyhead.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every rejected argument, with its exact message; negative steps; the edge values that are accepted. */
class ScheduleArgumentsTest {
    private static final Schedule AFTER = Schedules.constant(0.1);

    private static DynamicTest rejects(String message, Supplier<Schedule> build) {
        return DynamicTest.dynamicTest(message, () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
            assertEquals(message, e.getMessage());
        });
    }

    @TestFactory
    Stream<DynamicTest> badArgumentsAreNamedWithTheirValue() {
        return Stream.of(
                rejects("constant: lr must be finite and >= 0, got -0.1", () -> Schedules.constant(-0.1)),
                rejects("constant: lr must be finite and >= 0, got NaN", () -> Schedules.constant(Double.NaN)),
                rejects("constant: lr must be finite and >= 0, got Infinity",
                        () -> Schedules.constant(Double.POSITIVE_INFINITY)),

                rejects("step: lr must be finite and >= 0, got -1.0", () -> Schedules.step(-1, 3)),
                rejects("step: stepSize must be > 0, got 0", () -> Schedules.step(0.1, 0)),
                rejects("step: stepSize must be > 0, got -2", () -> Schedules.step(0.1, -2)),
                rejects("step: gamma must be finite and > 0, got 0.0", () -> Schedules.step(0.1, 3, 0)),
                rejects("step: gamma must be finite and > 0, got -0.5", () -> Schedules.step(0.1, 3, -0.5)),

                rejects("multiStep: lr must be finite and >= 0, got -1.0",
                        () -> Schedules.multiStep(-1, new int[] {3})),
                rejects("multiStep: milestones must not be empty, got []",
                        () -> Schedules.multiStep(0.1, new int[0])),
                rejects("multiStep: milestones must be sorted (non-decreasing), got [5, 10, 3]",
                        () -> Schedules.multiStep(0.1, new int[] {5, 10, 3})),
                rejects("multiStep: milestones[0] must be >= 0, got -1",
                        () -> Schedules.multiStep(0.1, new int[] {-1, 3})),
                rejects("multiStep: gamma must be finite and > 0, got 0.0",
                        () -> Schedules.multiStep(0.1, new int[] {3}, 0)),

                rejects("exponential: lr must be finite and >= 0, got -1.0", () -> Schedules.exponential(-1, 0.9)),
                rejects("exponential: gamma must be finite and > 0, got 0.0", () -> Schedules.exponential(0.1, 0)),
                rejects("exponential: gamma must be finite and > 0, got NaN",
                        () -> Schedules.exponential(0.1, Double.NaN)),

                rejects("cosine: lr must be finite and >= 0, got -1.0", () -> Schedules.cosine(-1, 10)),
                rejects("cosine: tMax must be > 0, got 0", () -> Schedules.cosine(0.1, 0)),
                rejects("cosine: tMax must be > 0, got -5", () -> Schedules.cosine(0.1, -5)),
                rejects("cosine: etaMin must be finite and >= 0, got -0.001", () -> Schedules.cosine(0.1, 10, -0.001)),

                rejects("cosineWarmRestarts: lr must be finite and >= 0, got -1.0",
                        () -> Schedules.cosineWarmRestarts(-1, 10)),
                rejects("cosineWarmRestarts: t0 must be > 0, got 0", () -> Schedules.cosineWarmRestarts(0.1, 0)),
                rejects("cosineWarmRestarts: tMult must be >= 1, got 0",
                        () -> Schedules.cosineWarmRestarts(0.1, 10, 0, 0)),
                rejects("cosineWarmRestarts: etaMin must be finite and >= 0, got -1.0",
                        () -> Schedules.cosineWarmRestarts(0.1, 10, 2, -1)),

                rejects("linear: lr must be finite and >= 0, got -1.0", () -> Schedules.linear(-1, 0.5, 1, 5)),
                rejects("linear: startFactor must be in [0, 1], got 1.5", () -> Schedules.linear(0.1, 1.5, 1, 5)),
                rejects("linear: startFactor must be in [0, 1], got -0.1", () -> Schedules.linear(0.1, -0.1, 1, 5)),
                rejects("linear: endFactor must be in [0, 1], got 2.0", () -> Schedules.linear(0.1, 0.5, 2, 5)),
                rejects("linear: totalIters must be > 0, got 0", () -> Schedules.linear(0.1, 0.5, 1, 0)),

                rejects("linearWarmup: warmupSteps must be >= 0, got -1", () -> Schedules.linearWarmup(-1, 0.1, AFTER)),
                rejects("linearWarmup: startFactor must be in [0, 1], got 1.1",
                        () -> Schedules.linearWarmup(5, 1.1, AFTER)),

                rejects("oneCycle: maxLr must be finite and >= 0, got -1.0", () -> Schedules.oneCycle(-1, 100)),
                rejects("oneCycle: totalSteps must be > 0, got 0", () -> Schedules.oneCycle(0.1, 0)),
                rejects("oneCycle: pctStart must be in (0, 1), got 0.0",
                        () -> Schedules.oneCycle(0.1, 100, 0, Anneal.COSINE, 25, 1e4, false)),
                rejects("oneCycle: pctStart must be in (0, 1), got 1.0",
                        () -> Schedules.oneCycle(0.1, 100, 1, Anneal.COSINE, 25, 1e4, false)),
                rejects("oneCycle: divFactor must be finite and > 0, got 0.0",
                        () -> Schedules.oneCycle(0.1, 100, 0.3, Anneal.COSINE, 0, 1e4, false)),
                rejects("oneCycle: finalDivFactor must be finite and > 0, got -1.0",
                        () -> Schedules.oneCycle(0.1, 100, 0.3, Anneal.COSINE, 25, -1, false)),
                rejects("oneCycle: pctStart * totalSteps must not be 1 (the warm-up phase would have length 0), got "
                        + "pctStart=0.1, totalSteps=10",
                        () -> Schedules.oneCycle(0.1, 10, 0.1, Anneal.LINEAR, 25, 1e4, true)));
    }

    @Test
    void nullArgumentsAreNamed() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Schedules.linearWarmup(5, 0.1, null));
        assertEquals("linearWarmup: after must not be null", e.getMessage());
        e = assertThrows(NullPointerException.class,
                () -> Schedules.oneCycle(0.1, 100, 0.3, null, 25, 1e4, false));
        assertEquals("oneCycle: anneal must not be null", e.getMessage());
        assertThrows(NullPointerException.class, () -> Schedules.multiStep(0.1, null));
    }

    @Test
    void negativeStepsAreRejectedByEverySchedule() {
        for (Schedule s : ScheduleSamples.all()) {
            for (long step : new long[] {-1, Long.MIN_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.valueAt(step));
                assertEquals("step must be >= 0, got " + step, e.getMessage(), s.toString());
            }
        }
    }

    @Test
    void edgeValuesAreAccepted() {
        // Zero rates, γ > 1, η_min above lr, repeated milestones, factors 0 and 1, no warm-up: all as in PyTorch
        // (startFactor 0, which PyTorch 1.13 accepts but then divides by zero with, works here).
        Schedules.constant(0);
        Schedules.step(0.1, 1, 2);
        Schedules.multiStep(0.1, new int[] {0, 0, 5}, 0.5);
        Schedules.cosine(0.1, 1, 0.5);
        Schedules.cosineWarmRestarts(0, 1, 1, 0);
        Schedules.linear(0.1, 0, 0, 1);
        Schedules.linear(0.1, 1, 1, 1);
        Schedules.linearWarmup(0, 0, AFTER);
        Schedules.oneCycle(0.1, 1);
        Schedules.oneCycle(0.1, 10, 0.05, Anneal.LINEAR, 1, 1, true);
    }
}
