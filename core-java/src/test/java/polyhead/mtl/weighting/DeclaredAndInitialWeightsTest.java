package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.optim.schedule.Schedules;
import polyhead.tensor.Tensor;

/**
 * Static weightings read the weights the tasks declare unless given their own; uncertainty's log-variances and
 * GradNorm's weights start at per-task values when given.
 */
class DeclaredAndInitialWeightsTest {
    private static final WeightingContext DECLARED = new WeightingContext(0, 0, null, Map.of("a", 2.0, "b", 0.25));

    private static Map<String, Var> losses() {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("a", Var.parameter(Tensor.scalar(3f)));
        m.put("b", Var.parameter(Tensor.scalar(4f)));
        return m;
    }

    @Test
    void fixedReadsTheDeclaredWeightsOfTasksItIsNotGiven() {
        assertEquals(2 * 3 + 0.25 * 4, Weightings.fixed().combine(losses(), DECLARED).value().item(), 1e-6);
        assertEquals(5 * 3 + 0.25 * 4, Weightings.fixed(Map.of("a", 5.0)).combine(losses(), DECLARED).value().item(), 1e-6);
        assertEquals(3 + 4, Weightings.equal().combine(losses(), DECLARED).value().item(), 1e-6);
        assertEquals(3 + 4, Weightings.fixed().combine(losses(), new WeightingContext(0, 0, null)).value().item(), 1e-6);
        ScheduledWeights s = Weightings.scheduled(Map.of("a", Schedules.constant(10)), ScheduledWeights.Unit.STEP);
        assertEquals(10 * 3 + 0.25 * 4, s.combine(losses(), DECLARED).value().item(), 1e-6);
    }

    @Test
    void uncertaintyStartsEachNamedTaskAtItsOwnLogVariance() {
        Uncertainty u = Weightings.uncertainty(List.of("a", "b"), 0.5, Map.of("b", -1.0));
        assertEquals(0.5f, u.parameters().get("logVariance.a").value().item());
        assertEquals(-1f, u.parameters().get("logVariance.b").value().item());
        assertEquals("uncertainty: initial log-variance given for 'c', which is no task; tasks: [a, b]",
                assertThrows(IllegalArgumentException.class,
                        () -> Weightings.uncertainty(List.of("a", "b"), 0, Map.of("c", 1.0))).getMessage());
        assertEquals("uncertainty: initial log-variance of task 'a' must be finite, got NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> Weightings.uncertainty(List.of("a", "b"), 0, Map.of("a", Double.NaN))).getMessage());
    }

    @Test
    void gradNormStartsAtTheGivenWeightsRenormalized() {
        GradNorm g = Weightings.gradNorm(1.5, 0.0, Map.of("a", 3.0));
        TaskGradients grads = new TaskGradients(List.of("a", "b"), new float[][] {{1, 0}, {0, 1}}, new double[] {1, 1});
        Combination c = g.combine(grads, DECLARED);
        // weights 3 and 1, renormalized to sum to T = 2
        assertArrayEquals(new double[] {1.5, 0.5}, c.taskWeights(), 1e-12);
        assertArrayEquals(new float[] {1.5f, 0.5f}, c.shared());
        assertEquals("gradNorm: initial weight of task 'a' must be a finite number > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Weightings.gradNorm(1.5, 0.1, Map.of("a", 0.0)))
                        .getMessage());
    }
}
