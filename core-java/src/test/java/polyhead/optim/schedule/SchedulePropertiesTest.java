package polyhead.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** Shapes (monotone stretches, bounds), equivalences between schedules, and purity. */
class SchedulePropertiesTest {
    private static final int STEPS = 500;
    private static final double EPS = 1e-12;

    private static void assertNonIncreasing(Schedule s, long from, long to) {
        for (long t = from; t < to; t++) {
            assertTrue(s.valueAt(t + 1) <= s.valueAt(t) * (1 + EPS),
                    s + " rises from step " + t + ": " + s.valueAt(t) + " → " + s.valueAt(t + 1));
        }
    }

    private static void assertNonDecreasing(Schedule s, long from, long to) {
        for (long t = from; t < to; t++) {
            assertTrue(s.valueAt(t + 1) >= s.valueAt(t) * (1 - EPS),
                    s + " falls from step " + t + ": " + s.valueAt(t) + " → " + s.valueAt(t + 1));
        }
    }

    private static void assertWithin(Schedule s, double lo, double hi, long steps) {
        for (long t = 0; t < steps; t++) {
            double v = s.valueAt(t);
            // Slack relative to hi: PyTorch's linear annealing, (end − start)·1 + start, ends at min ± ulp(maxLr).
            assertTrue(v >= lo - EPS * hi && v <= hi * (1 + EPS), s + " at step " + t + ": " + v + " ∉ [" + lo
                    + ", " + hi + "]");
        }
    }

    @Test
    void decaysNeverRise() {
        assertNonIncreasing(Schedules.step(0.1, 7, 0.5), 0, STEPS);
        assertNonIncreasing(Schedules.multiStep(0.1, new int[] {3, 8, 8, 20}, 0.5), 0, STEPS);
        assertNonIncreasing(Schedules.exponential(0.1, 0.99), 0, STEPS);
        assertNonIncreasing(Schedules.linear(0.1, 1, 0.1, 50), 0, STEPS);
        assertNonDecreasing(Schedules.linear(0.1, 0.1, 1, 50), 0, STEPS);
    }

    @Test
    void cosineFallsToEtaMinThenRisesToLrAndStaysBetween() {
        for (int tMax : new int[] {1, 7, 10, 64}) {
            for (double etaMin : new double[] {0, 0.001, 0.05}) {
                Schedule s = Schedules.cosine(0.1, tMax, etaMin);
                assertNonIncreasing(s, 0, tMax);
                assertNonDecreasing(s, tMax, 2L * tMax);
                assertNonIncreasing(s, 2L * tMax, 3L * tMax);
                assertEquals(etaMin, s.valueAt(tMax), EPS);
                assertEquals(0.1, s.valueAt(2L * tMax), EPS);
                assertWithin(s, etaMin, 0.1, STEPS);
            }
        }
    }

    @Test
    void warmRestartsFallWithinEachPeriodAndStayBetweenEtaMinAndLr() {
        for (int tMult : new int[] {1, 2, 3}) {
            Schedule s = Schedules.cosineWarmRestarts(0.1, 5, tMult, 0.002);
            long restart = 0;
            long period = 5;
            while (restart < STEPS) {
                assertEquals(0.1, s.valueAt(restart), EPS, s + " at restart " + restart);
                assertNonIncreasing(s, restart, restart + period - 1);
                assertTrue(s.valueAt(restart + period - 1) > 0.002, s + " reaches etaMin");
                restart += period;
                period *= tMult;
            }
            assertWithin(s, 0.002, 0.1, STEPS);
        }
    }

    @Test
    void warmUpRisesToTheScheduleItLeadsInto() {
        Schedule after = Schedules.cosine(0.1, 30, 0.01);
        for (double startFactor : new double[] {0, 0.1, 1.0 / 3, 1}) {
            Schedule s = Schedules.linearWarmup(8, startFactor, after);
            assertNonDecreasing(s, 0, 8);
            assertEquals(startFactor * 0.1, s.valueAt(0), EPS);
            for (long t = 8; t < 100; t++) {
                assertEquals(after.valueAt(t - 8), s.valueAt(t), s + " at step " + t);
            }
        }
    }

    @Test
    void oneCycleRisesToMaxLrThenFallsAndStaysBetweenMinAndMaxLr() {
        for (Anneal anneal : Anneal.values()) {
            for (int n : new int[] {10, 37, 100}) {
                for (double pctStart : new double[] {0.15, 0.3, 0.45, 0.9}) {
                    Schedule s = Schedules.oneCycle(0.1, n, pctStart, anneal, 25, 1e4, false);
                    long peak = (long) Math.floor(pctStart * n - 1);
                    assertNonDecreasing(s, 0, peak);
                    assertNonIncreasing(s, peak + 1, n + 10);
                    assertWithin(s, 0.1 / 25 / 1e4, 0.1, n + 10);
                    assertEquals(0.1 / 25 / 1e4, s.valueAt(n - 1), EPS);
                }
            }
            Schedule three = Schedules.oneCycle(0.1, 100, 0.3, anneal, 25, 1e4, true);
            assertNonDecreasing(three, 0, 29);
            assertNonIncreasing(three, 29, 58);
            assertEquals(0.1 / 25, three.valueAt(58), EPS);
            assertNonIncreasing(three, 58, 110);
            assertWithin(three, 0.1 / 25 / 1e4, 0.1, 110);
        }
    }

    @Test
    void equivalentFormsAgree() {
        Schedule step = Schedules.step(0.1, 5, 0.7);
        Schedule milestones = Schedules.multiStep(0.1, new int[] {5, 10, 15, 20, 25}, 0.7);
        Schedule everyStep = Schedules.step(0.1, 1, 0.9);
        Schedule exponential = Schedules.exponential(0.1, 0.9);
        Schedule linear = Schedules.linear(0.1, 0.2, 1, 12);
        Schedule warmup = Schedules.linearWarmup(12, 0.2, Schedules.constant(0.1));
        Schedule cosine = Schedules.cosine(0.1, 12, 0.001);
        Schedule restarts = Schedules.cosineWarmRestarts(0.1, 12, 3, 0.001);
        Schedule periodic = Schedules.cosineWarmRestarts(0.1, 12, 1, 0.001);
        for (long t = 0; t < 30; t++) {
            assertEquals(step.valueAt(t), milestones.valueAt(t), EPS, "step vs multiStep at " + t);
            assertEquals(exponential.valueAt(t), everyStep.valueAt(t), EPS, "exponential vs step at " + t);
            assertEquals(linear.valueAt(t), warmup.valueAt(t), EPS, "linear vs linearWarmup at " + t);
            assertEquals(periodic.valueAt(t % 12), periodic.valueAt(t), EPS, "warm restarts period at " + t);
            if (t < 12) {
                assertEquals(cosine.valueAt(t), restarts.valueAt(t), EPS, "cosine vs first period at " + t);
            }
        }
    }

    @Test
    void valuesDependOnlyOnTheStep() {
        for (Schedule s : ScheduleSamples.all()) {
            double[] forward = LongStream.range(0, 200).mapToDouble(s::valueAt).toArray();
            for (int t = 199; t >= 0; t--) {
                assertEquals(forward[t], s.valueAt(t), s + " at step " + t + " backwards");
            }
            double[] parallel = LongStream.range(0, 200).parallel().mapToDouble(s::valueAt).toArray();
            for (int t = 0; t < 200; t++) {
                assertEquals(forward[t], parallel[t], s + " at step " + t + " in parallel");
            }
        }
    }

    @Test
    void everyScheduleIsFiniteAndNonNegativeAtAnyStep() {
        List<Long> steps = List.of(0L, 1L, 1000L, (long) Integer.MAX_VALUE + 1, Long.MAX_VALUE / 2, Long.MAX_VALUE);
        for (Schedule s : ScheduleSamples.all()) {
            for (long t : steps) {
                double v = s.valueAt(t);
                assertTrue(Double.isFinite(v) && v >= 0, s + " at step " + t + ": " + v);
            }
        }
    }
}
