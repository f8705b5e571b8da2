package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * SDMGrad (Xiao, Ban &amp; Ji, NeurIPS 2023): a step worked out by hand, the simplex projection, and LibMTL's own
 * {@code SDMGrad.py} given the one batch three times, over sequences of five steps
 * ({@code reference/generate_libmtl_methods_reference.py}).
 */
class SdmGradTest {
    @Test
    void oneIterationByHand() {
        // g_a = (1, 0), g_b = (0, 3): s = mean(1, 3) = 2, M = diag(1, 9)/4 = diag(¼, 9/4), row means (⅛, 9/8).
        // w = (½, ½): gradient M w + 0.3·(⅛, 9/8) = (0.1625, 1.4625); w − 5·that = (−0.3125, −6.8125), projected:
        // θ = −0.3125 − 1 = −1.3125 → w = (1, 0). d = (1·g_a + 0.3·(g_a + g_b)/2)/1.3 = (1.15, 0.45)/1.3
        SdmGrad w = Weightings.sdmGrad(0.3, 1);
        Combination c = w.combine(Grads.of(new double[] {1, 0}, new double[] {0, 3}), Grads.ctx(0));
        Grads.assertVector(new double[] {1.15 / 1.3, 0.45 / 1.3}, c.shared(), 1e-6, "d");
        Grads.assertVector(new double[] {1, 1}, c.taskWeights(), 0, "heads");
        assertEquals(Map.of("t0", 1.0, "t1", 0.0), w.weights());
    }

    @Test
    void projectionOntoTheSimplex() {
        Grads.assertVector(new double[] {0.2, 0.3, 0.5}, SdmGrad.projectOntoSimplex(new double[] {0.2, 0.3, 0.5}),
                1e-15, "a point of the simplex stays");
        // (2, 1, −1): θ = (2 + 1 − 1)/2 = 1 → (1, 0, 0); (0.5, 0.5, 0.5): θ = ⅙ → ⅓ each
        Grads.assertVector(new double[] {1, 0, 0}, SdmGrad.projectOntoSimplex(new double[] {2, 1, -1}), 1e-15, "vertex");
        Grads.assertVector(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                SdmGrad.projectOntoSimplex(new double[] {0.5, 0.5, 0.5}), 1e-15, "centre");
        Grads.assertVector(new double[] {0.75, 0.25}, SdmGrad.projectOntoSimplex(new double[] {1, 0.5}), 1e-15, "edge");
    }

    @Test
    void matchesLibMtlGivenTheOneBatchThreeTimes() {
        // LibMTL keeps M and w in float32, we M in double and w in float: w within 1e-5, the update within 2e-5 of
        // its largest element
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_methods.json").get("sdmgrad"), "sdmgrad");
        assertEquals(2, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            SdmGrad w = Weightings.sdmGrad(Fixtures.number(Fixtures.get(c, "lambda"), "lambda"),
                    (int) Fixtures.number(Fixtures.get(c, "iterations"), "iterations"));
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                Combination out = w.combine(Grads.of(Grads.names(tasks), GradVacTest.rows(Fixtures.get(step, "grads")),
                        Fixtures.doubles(Fixtures.get(step, "losses"))), Grads.ctx(s));
                double[] expectedW = Fixtures.doubles(Fixtures.get(step, "weights"));
                for (int t = 0; t < tasks; t++) {
                    assertEquals(expectedW[t], w.weights().get("t" + t), 1e-5, tasks + " tasks, step " + s + ": w_" + t);
                }
                double[] expected = Fixtures.doubles(Fixtures.get(step, "direction"));
                double scale = Grads.maxAbs(expected);
                Grads.assertVector(expected, out.shared(), 2e-5 * scale, tasks + " tasks, step " + s);
            }
        }
    }

    @Test
    void stateRoundTripsAndARestoredCopyContinuesAlike() {
        Random rng = new Random(5);
        List<TaskGradients> steps = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            steps.add(Grads.of(Grads.names(3), Grads.random(rng, 3, 5), new double[] {1, 1, 1}));
        }
        SdmGrad first = Weightings.sdmGrad(0.5, 3);
        first.combine(steps.get(0), Grads.ctx(0));
        first.combine(steps.get(1), Grads.ctx(1));
        SdmGrad second = Weightings.sdmGrad(0.5, 3);
        second.loadStateDict(first.stateDict());
        assertEquals(List.of("weight.t0", "weight.t1", "weight.t2"), List.copyOf(first.stateDict().keySet()));
        for (int s = 2; s < 4; s++) {
            Grads.assertVector(Grads.toDouble(first.combine(steps.get(s), Grads.ctx(s)).shared()),
                    second.combine(steps.get(s), Grads.ctx(s)).shared(), 0, "step " + s);
        }
    }

    @Test
    void badSettingsAndStateInOneLine() {
        assertEquals("sdmGrad: needs a finite lambda >= 0 and iterations >= 1, got lambda=-0.1, iterations=20",
                assertThrows(IllegalArgumentException.class, () -> Weightings.sdmGrad(-0.1, 20)).getMessage());
        assertEquals("sdmGrad: state entry 'weight.a' is a simplex weight and must be in [0, 1], got 2.0",
                assertThrows(IllegalArgumentException.class,
                        () -> Weightings.sdmGrad().loadStateDict(Map.of("weight.a", Tensor.scalar(2f)))).getMessage());
    }
}
