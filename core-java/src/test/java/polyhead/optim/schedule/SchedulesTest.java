package polyhead.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Small cases worked out by hand, one group per schedule; the defaults; {@code toString} and equality. */
class SchedulesTest {
    private static final double EPS = 1e-12;
    private static final double COS_QUARTER = Math.cos(Math.PI / 4); // √2/2

    private static void assertValues(Schedule s, double... expected) {
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], s.valueAt(t), EPS, s + " at step " + t);
        }
    }

    @Test
    void constant() {
        Schedule s = Schedules.constant(0.1);
        assertValues(s, 0.1, 0.1, 0.1);
        assertEquals(0.1, s.valueAt(1_000_000_000_000L));
        assertEquals(0.0, Schedules.constant(0).valueAt(5));
    }

    @Test
    void step() {
        assertValues(Schedules.step(1, 3, 0.5), 1, 1, 1, 0.5, 0.5, 0.5, 0.25);
        assertValues(Schedules.step(2, 1, 0.5), 2, 1, 0.5, 0.25);
        assertValues(Schedules.step(1, 2, 2), 1, 1, 2, 2, 4);
        assertEquals(0.0, Schedules.step(1, 3, 0.5).valueAt(3_000_000_000L));
    }

    @Test
    void multiStep() {
        assertValues(Schedules.multiStep(1, new int[] {2, 5}, 0.1), 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01);
        // A repeated milestone applies γ once per repeat, as PyTorch's Counter does.
        assertValues(Schedules.multiStep(1, new int[] {2, 4, 4}, 0.5), 1, 1, 0.5, 0.5, 0.125, 0.125);
        // A milestone 0 applies before any step.
        assertValues(Schedules.multiStep(1, new int[] {0, 1}, 0.5), 0.5, 0.25, 0.25);
        assertEquals(0.01, Schedules.multiStep(1, new int[] {2, 5}, 0.1).valueAt(Long.MAX_VALUE), EPS);
    }

    @Test
    void multiStepCopiesItsMilestones() {
        int[] milestones = {2, 5};
        Schedule s = Schedules.multiStep(1, milestones, 0.5);
        milestones[0] = 100;
        assertEquals(0.5, s.valueAt(2));
    }

    @Test
    void exponential() {
        assertValues(Schedules.exponential(2, 0.5), 2, 1, 0.5, 0.25, 0.125);
        assertValues(Schedules.exponential(1, 1.5), 1, 1.5, 2.25);
    }

    @Test
    void cosine() {
        double q = (1 + COS_QUARTER) / 2; // 0.8535…
        assertValues(Schedules.cosine(1, 4), 1, q, 0.5, 1 - q, 0);
        // Beyond tMax it climbs back up, period 2·tMax.
        Schedule s = Schedules.cosine(1, 4);
        assertEquals(1 - q, s.valueAt(5), EPS);
        assertEquals(0.5, s.valueAt(6), EPS);
        assertEquals(1, s.valueAt(8), EPS);
        assertEquals(0, s.valueAt(12), EPS);
        assertValues(Schedules.cosine(1, 2, 0.2), 1, 0.6, 0.2, 0.6, 1);
        assertValues(Schedules.cosine(1, 1), 1, 0, 1, 0);
    }

    @Test
    void cosineWarmRestarts() {
        double q = (1 + COS_QUARTER) / 2;
        // tMult 2, t0 2: periods [0, 2), [2, 6), [6, 14), [14, 30) …
        assertValues(Schedules.cosineWarmRestarts(1, 2, 2, 0), 1, 0.5, 1, q, 0.5, 1 - q, 1);
        Schedule doubling = Schedules.cosineWarmRestarts(1, 2, 2, 0);
        assertEquals(0.5, doubling.valueAt(10), EPS);
        assertEquals(1, doubling.valueAt(14), EPS);
        assertEquals(1, doubling.valueAt(30), EPS);
        // tMult 1: the same period of 3 over and over; 0.75 = (1 + cos(π/3))/2.
        assertValues(Schedules.cosineWarmRestarts(1, 3), 1, 0.75, 0.25, 1, 0.75, 0.25, 1);
        assertValues(Schedules.cosineWarmRestarts(1, 2, 1, 0.2), 1, 0.6, 1, 0.6);
        assertValues(Schedules.cosineWarmRestarts(0.3, 1), 0.3, 0.3, 0.3);
    }

    @Test
    void cosineWarmRestartsAtHugeSteps() {
        // tMult 3 from t0 1: restarts at (3^k − 1)/2; 3^39 would overflow a long, so the last period saturates.
        Schedule s = Schedules.cosineWarmRestarts(1, 1, 3, 0);
        long restart = (long) ((Math.pow(3, 20) - 1) / 2);
        assertEquals(1, s.valueAt(restart), EPS);
        double far = s.valueAt(Long.MAX_VALUE);
        assertEquals(true, far >= 0 && far <= 1, "value at Long.MAX_VALUE: " + far);
    }

    @Test
    void linear() {
        assertValues(Schedules.linear(1, 0.25, 1, 3), 0.25, 0.5, 0.75, 1, 1, 1);
        assertValues(Schedules.linear(2, 1, 0, 4), 2, 1.5, 1, 0.5, 0, 0);
        assertValues(Schedules.linear(1, 0, 1, 2), 0, 0.5, 1);
        assertEquals(0.5, Schedules.linear(1, 0.5, 0.5, 10).valueAt(7), EPS);
    }

    @Test
    void linearWarmup() {
        assertValues(Schedules.linearWarmup(4, 0, Schedules.constant(1)), 0, 0.25, 0.5, 0.75, 1, 1);
        // Into a step decay: the decay starts from its own step 0 at the end of the warm-up.
        assertValues(Schedules.linearWarmup(2, 0.5, Schedules.step(1, 1, 0.5)), 0.5, 0.75, 1, 0.5, 0.25);
        // Into a cosine: η_2 = cosine(0), η_3 = cosine(1).
        assertValues(Schedules.linearWarmup(2, 0.2, Schedules.cosine(1, 4)), 0.2, 0.6, 1, (1 + COS_QUARTER) / 2);
        // The ramp ends at after(0), whatever after's base rate is: a one-cycle starts at maxLr/divFactor.
        Schedule cycle = Schedules.oneCycle(1, 100);
        assertEquals(0.5 * cycle.valueAt(0), Schedules.linearWarmup(10, 0.5, cycle).valueAt(0), EPS);
    }

    @Test
    void linearWarmupOfZeroStepsIsTheScheduleItself() {
        Schedule after = Schedules.exponential(1, 0.9);
        Schedule s = Schedules.linearWarmup(0, 0.3, after);
        for (long t = 0; t < 20; t++) {
            assertEquals(after.valueAt(t), s.valueAt(t));
        }
    }

    @Test
    void oneCycleTwoPhases() {
        // N = 10, pctStart 0.5: up over [0, 4], down over [4, 9]; initial 0.25, min 0.125.
        Schedule linear = Schedules.oneCycle(1, 10, 0.5, Anneal.LINEAR, 4, 2, false);
        assertValues(linear, 0.25, 0.4375, 0.625, 0.8125, 1, 0.825, 0.65, 0.475, 0.3, 0.125);
        Schedule cos = Schedules.oneCycle(1, 10, 0.5, Anneal.COSINE, 4, 2, false);
        assertEquals(0.25, cos.valueAt(0), EPS);
        assertEquals(1 - 0.375 * (1 + COS_QUARTER), cos.valueAt(1), EPS);
        assertEquals(0.625, cos.valueAt(2), EPS);
        assertEquals(1, cos.valueAt(4), EPS);
        assertEquals(0.125, cos.valueAt(9), EPS);
    }

    @Test
    void oneCycleThreePhases() {
        // N = 10, pctStart 0.3: up over [0, 2], down to initial over [2, 4], down to min over [4, 9].
        Schedule s = Schedules.oneCycle(1, 10, 0.3, Anneal.LINEAR, 4, 2, true);
        assertValues(s, 0.25, 0.625, 1, 0.625, 0.25, 0.225, 0.2, 0.175, 0.15, 0.125);
    }

    @Test
    void oneCycleHoldsItsLastRateAfterTheCycle() {
        Schedule s = Schedules.oneCycle(1, 10, 0.5, Anneal.LINEAR, 4, 2, false);
        assertEquals(0.125, s.valueAt(10), EPS); // PyTorch: 0.125 − 0.875/5 = −0.05, then an error
        assertEquals(0.125, s.valueAt(Long.MAX_VALUE), EPS);
        // Three phases with pctStart ≥ 0.5 never reach the third phase: the held rate is the one at N − 1.
        Schedule truncated = Schedules.oneCycle(1, 10, 0.6, Anneal.LINEAR, 4, 2, true);
        assertEquals(truncated.valueAt(9), truncated.valueAt(10));
        assertNotEquals(0.125, truncated.valueAt(10), EPS);
    }

    @Test
    void oneCycleWithATinyPctStartSkipsTheWarmUp() {
        // pctStart·N − 1 = −0.5: step 0 already lies in the descent, 0.5/2.5 of the way from −0.5 to N − 1 = 2.
        Schedule s = Schedules.oneCycle(1, 3, 0.5 / 3, Anneal.LINEAR, 4, 2, false);
        assertEquals(1 + (0.125 - 1) * 0.2, s.valueAt(0), EPS);
        assertEquals(0.125, s.valueAt(2), EPS);
    }

    @Test
    void defaultsAreThoseOfPyTorch() {
        assertEquals(0.1, Schedules.DEFAULT_GAMMA);
        assertEquals(0.0, Schedules.DEFAULT_ETA_MIN);
        assertEquals(1, Schedules.DEFAULT_T_MULT);
        assertEquals(0.3, Schedules.DEFAULT_PCT_START);
        assertEquals(Anneal.COSINE, Schedules.DEFAULT_ANNEAL);
        assertEquals(25.0, Schedules.DEFAULT_DIV_FACTOR);
        assertEquals(1e4, Schedules.DEFAULT_FINAL_DIV_FACTOR);
        assertEquals(false, Schedules.DEFAULT_THREE_PHASE);
        assertEquals(Schedules.step(0.1, 3, 0.1), Schedules.step(0.1, 3));
        assertEquals(Schedules.multiStep(0.1, new int[] {3}, 0.1), Schedules.multiStep(0.1, new int[] {3}));
        assertEquals(Schedules.cosine(0.1, 3, 0), Schedules.cosine(0.1, 3));
        assertEquals(Schedules.cosineWarmRestarts(0.1, 3, 1, 0), Schedules.cosineWarmRestarts(0.1, 3));
        assertEquals(Schedules.oneCycle(0.1, 50, 0.3, Anneal.COSINE, 25, 1e4, false), Schedules.oneCycle(0.1, 50));
        Schedule cycle = Schedules.oneCycle(1, 100);
        assertEquals(1 / 25.0, cycle.valueAt(0), EPS);
        assertEquals(1, cycle.valueAt(29), EPS); // the peak, at pctStart·N − 1
        assertEquals(1 / 25.0 / 1e4, cycle.valueAt(99), EPS);
    }

    @Test
    void toStringNamesTheScheduleAndItsArguments() {
        assertEquals("Constant[lr=0.1]", Schedules.constant(0.1).toString());
        assertEquals("Step[lr=0.1, stepSize=30, gamma=0.1]", Schedules.step(0.1, 30).toString());
        assertEquals("MultiStep[lr=0.1, milestones=[5, 20, 20], gamma=0.5]",
                Schedules.multiStep(0.1, new int[] {5, 20, 20}, 0.5).toString());
        assertEquals("Exponential[lr=0.1, gamma=0.95]", Schedules.exponential(0.1, 0.95).toString());
        assertEquals("Cosine[lr=0.1, tMax=50, etaMin=0.0]", Schedules.cosine(0.1, 50).toString());
        assertEquals("CosineWarmRestarts[lr=0.1, t0=10, tMult=2, etaMin=0.001]",
                Schedules.cosineWarmRestarts(0.1, 10, 2, 0.001).toString());
        assertEquals("Linear[lr=0.1, startFactor=0.5, endFactor=1.0, totalIters=5]",
                Schedules.linear(0.1, 0.5, 1, 5).toString());
        assertEquals("LinearWarmup[warmupSteps=5, startFactor=0.1, after=Cosine[lr=0.1, tMax=50, etaMin=0.0]]",
                Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 50)).toString());
        assertEquals("OneCycle[maxLr=0.1, totalSteps=100, pctStart=0.3, anneal=COSINE, divFactor=25.0, "
                + "finalDivFactor=10000.0, threePhase=false]", Schedules.oneCycle(0.1, 100).toString());
    }

    @Test
    void equalArgumentsMakeEqualSchedules() {
        assertEquals(Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 50)),
                Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 50)));
        assertEquals(Schedules.multiStep(0.1, new int[] {1, 2}).hashCode(),
                Schedules.multiStep(0.1, new int[] {1, 2}).hashCode());
        assertNotEquals(Schedules.cosine(0.1, 50), Schedules.cosine(0.1, 51));
    }
}
