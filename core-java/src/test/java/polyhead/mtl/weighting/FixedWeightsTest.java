package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Fixed, equal and scheduled loss weights. */
class FixedWeightsTest {
    @Test
    void fixedWeightsMultiplyTheirTasksLosses() {
        Map<String, Var> losses = losses("a", 3, "b", 4);
        Var out = Weightings.fixed(Map.of("a", 2.0, "b", 0.5)).combine(losses, Grads.ctx(0));
        assertEquals(2 * 3 + 0.5 * 4, out.value().item(), 1e-6);
        out.backward();
        assertEquals(2f, losses.get("a").grad().item());
        assertEquals(0.5f, losses.get("b").grad().item());
    }

    @Test
    void aWeightedTaskMissingFromTheBatchIsSkipped() {
        // "c" has a weight but no label in this batch: Σ over the tasks present only
        Var out = Weightings.fixed(Map.of("a", 2.0, "b", 0.5, "c", 7.0)).combine(losses("a", 3, "b", 4),
                Grads.ctx(0));
        assertEquals(8, out.value().item(), 1e-6);
    }

    @Test
    void aTaskWithoutAWeightWeighsOne() {
        Var out = Weightings.fixed(Map.of("a", 2.0)).combine(losses("a", 3, "d", 1.5), Grads.ctx(0));
        assertEquals(2 * 3 + 1.5, out.value().item(), 1e-6);
        assertEquals(1.0, Weightings.fixed(Map.of("a", 2.0)).weight("d"));
    }

    @Test
    void equalIsThePlainSum() {
        Var out = Weightings.equal().combine(losses("a", 3, "b", 4), Grads.ctx(0));
        assertEquals(7, out.value().item(), 1e-6);
        assertEquals("equal", Weightings.equal().name());
        assertEquals("fixed", Weightings.fixed(Map.of()).name());
    }

    @Test
    void weightsMustBeFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Weightings.fixed(Map.of("a", Double.NaN)));
        assertEquals("fixed: weight of task 'a' must be finite, got NaN", e.getMessage());
    }

    @Test
    void scheduledWeightsReadTheStepOrTheEpoch() {
        Map<String, polyhead.optim.schedule.Schedule> s = Map.of("a", n -> 1.0 / (1 + n));
        WeightingContext ctx = new WeightingContext(3, 1, null); // step 3 of epoch 1
        Var byStep = Weightings.scheduled(s, ScheduledWeights.Unit.STEP).combine(losses("a", 2, "b", 1), ctx);
        Var byEpoch = Weightings.scheduled(s, ScheduledWeights.Unit.EPOCH).combine(losses("a", 2, "b", 1), ctx);
        assertEquals(0.25 * 2 + 1, byStep.value().item(), 1e-6);
        assertEquals(0.5 * 2 + 1, byEpoch.value().item(), 1e-6);
    }

    @Test
    void aScheduleGivingNaNIsAnError() {
        ScheduledWeights w = Weightings.scheduled(Map.of("a", n -> n < 2 ? 1 : Double.NaN), ScheduledWeights.Unit.STEP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.combine(losses("a", 1, "b", 1), new WeightingContext(5, 0, null)));
        assertEquals("scheduled: weight of task 'a' at step 5 is not finite (NaN)", e.getMessage());
    }

    private static Map<String, Var> losses(String t1, double l1, String t2, double l2) {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put(t1, Var.parameter(Tensor.scalar((float) l1)));
        m.put(t2, Var.parameter(Tensor.scalar((float) l2)));
        return m;
    }
}
