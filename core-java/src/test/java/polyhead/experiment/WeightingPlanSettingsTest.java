package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.loss.Losses;
import polyhead.mtl.weighting.GradNorm;
import polyhead.mtl.weighting.Uncertainty;
import polyhead.optim.Optimizers.Adam;

/** Per-task initial values of weightings are typed settings of the Java builder, checked when it builds. */
class WeightingPlanSettingsTest {
    private static ExperimentBuilder twoTasks(WeightingPlan w) {
        return new ExperimentBuilder().input(2).trunk(Layers.dense(4))
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .task(TaskPlan.named("b").head(Layers.dense(3)).loss(Losses.crossEntropy()).weight(0.5))
                .weighting(w)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))));
    }

    @Test
    void initialValuesReachTheStrategy() {
        Uncertainty u = (Uncertainty) twoTasks(WeightingPlan.uncertainty(0.25).initialLogVariances(Map.of("b", 2.0)))
                .build().weighting();
        assertEquals(0.25f, u.parameters().get("logVariance.a").value().item());
        assertEquals(2f, u.parameters().get("logVariance.b").value().item());
        GradNorm g = (GradNorm) twoTasks(WeightingPlan.gradNorm().initialWeights(Map.of("a", 2.0))).build().weighting();
        assertEquals(Map.of("a", 2.0), g.initialWeights());
    }

    @Test
    void badInitialValuesAreRefusedNamingTheSetting() {
        assertEquals("weighting fixed has no initialWeights (gradNorm does)", assertThrows(IllegalArgumentException.class,
                () -> WeightingPlan.fixed().initialWeights(Map.of("a", 1.0))).getMessage());
        assertEquals("weighting gradNorm: initialWeights of task 'a' must be a finite number > 0, got -1.0",
                assertThrows(IllegalArgumentException.class,
                        () -> WeightingPlan.gradNorm().initialWeights(Map.of("a", -1.0))).getMessage());
        assertEquals("weighting uncertainty: initialLogVariances of task 'a' must be finite, got Infinity",
                assertThrows(IllegalArgumentException.class, () -> WeightingPlan.uncertainty()
                        .initialLogVariances(Map.of("a", Double.POSITIVE_INFINITY))).getMessage());
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> twoTasks(WeightingPlan.uncertainty().initialLogVariances(Map.of("c", 1.0))).build()).getMessage();
        assertTrue(unknown.contains("weighting: uncertainty gives an initial value to 'c', which is no task; tasks: [a, b]"),
                unknown);
    }
}
