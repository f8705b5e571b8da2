package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * ExcessMTL (He et al., ICML 2024): two steps worked out by hand, and LibMTL's own {@code ExcessMTL.py} over
 * sequences of six steps ({@code reference/generate_libmtl_methods_reference.py}).
 */
class ExcessMtlTest {
    @Test
    void twoStepsByHand() {
        ExcessMtl w = Weightings.excessMtl(1);
        // step 1: S_a = (1, 0), e_a = 1/√(1 + 1e-7); S_b = (0, 4), e_b = 4/√(4 + 1e-7): the first values, weights 1
        Combination s1 = w.combine(Grads.of(new double[] {1, 0}, new double[] {0, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 2}, s1.shared(), 1e-6, "d at step 1");
        Grads.assertVector(new double[] {1, 1}, s1.taskWeights(), 0, "λ at step 1");
        // step 2, g_a = (2, 0), g_b = (0, 1): S_a = (5, 0), e_a/e_a⁰ = 4/√5; S_b = (0, 5), e_b/e_b⁰ = (1/√5)/2;
        // λ ∝ (e^{4/√5}, e^{1/(2√5)}) normalized to sum 2: λ_a = 2/(1 + e^{1/(2√5) − 4/√5})
        double la = 2 / (1 + Math.exp(1 / (2 * Math.sqrt(5)) - 4 / Math.sqrt(5)));
        Combination s2 = w.combine(Grads.of(new double[] {2, 0}, new double[] {0, 1}), Grads.ctx(1));
        Grads.assertVector(new double[] {la, 2 - la}, s2.taskWeights(), 1e-6, "λ at step 2");
        Grads.assertVector(new double[] {2 * la, 2 - la}, s2.shared(), 1e-6, "d at step 2");
    }

    @Test
    void matchesLibMtlOverSequencesOfSteps() {
        // LibMTL computes in float32, we partly in double: weights within 1e-5 relative, the update within 2e-5 of
        // its largest element
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_methods.json").get("excessmtl"), "excessmtl");
        assertEquals(2, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            ExcessMtl w = Weightings.excessMtl(Fixtures.number(Fixtures.get(c, "step_size"), "step_size"));
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                Combination out = w.combine(Grads.of(Grads.names(tasks), GradVacTest.rows(Fixtures.get(step, "grads")),
                        Fixtures.doubles(Fixtures.get(step, "losses"))), Grads.ctx(s));
                Grads.assertVector(Fixtures.doubles(Fixtures.get(step, "weights")), out.taskWeights(), 1e-5,
                        tasks + " tasks, step " + s + ": weights");
                double[] expected = Fixtures.doubles(Fixtures.get(step, "direction"));
                double scale = Grads.maxAbs(expected);
                Grads.assertVector(expected, out.shared(), 2e-5 * scale, tasks + " tasks, step " + s);
            }
        }
    }

    @Test
    void aTaskJoiningLateStartsAtOneAndOnlyThePresentTasksAreNormalized() {
        ExcessMtl w = Weightings.excessMtl(1);
        w.combine(Grads.of(List.of("a", "b"), new double[][] {{1, 0}, {0, 2}}, new double[] {1, 1}), Grads.ctx(0));
        w.combine(Grads.of(List.of("a", "b"), new double[][] {{2, 0}, {0, 1}}, new double[] {1, 1}), Grads.ctx(1));
        double a = w.weights().get("a");
        double b = w.weights().get("b");
        // c's first step: its weight stays 1 before normalization; a and c are normalized to sum 2, b is left alone
        Combination out = w.combine(Grads.of(List.of("a", "c"), new double[][] {{2, 0}, {1, 1}}, new double[] {1, 1}),
                Grads.ctx(2));
        assertEquals(2, out.taskWeights()[0] + out.taskWeights()[1], 1e-6);
        assertEquals(b, w.weights().get("b"), 0);
        assertFalse(a == w.weights().get("a"));
    }

    @Test
    void stateRoundTripsAndARestoredCopyContinuesAlike() {
        Random rng = new Random(3);
        List<TaskGradients> steps = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            steps.add(Grads.of(Grads.names(3), Grads.random(rng, 3, 5), new double[] {1, 1, 1}));
        }
        ExcessMtl first = Weightings.excessMtl(0.3);
        first.combine(steps.get(0), Grads.ctx(0));
        first.combine(steps.get(1), Grads.ctx(1));
        Map<String, Tensor> saved = first.stateDict();
        assertEquals(List.of("weight.t0", "weight.t1", "weight.t2", "initial.t0", "initial.t1", "initial.t2",
                "squares.t0", "squares.t1", "squares.t2"), List.copyOf(saved.keySet()));
        ExcessMtl second = Weightings.excessMtl(0.3);
        second.loadStateDict(saved);
        for (int s = 2; s < 4; s++) {
            Grads.assertVector(Grads.toDouble(first.combine(steps.get(s), Grads.ctx(s)).shared()),
                    second.combine(steps.get(s), Grads.ctx(s)).shared(), 0, "step " + s);
        }
    }

    @Test
    void refusesRepresentationGradientsBadSettingsAndBadStateInOneLine() {
        assertFalse(Weightings.excessMtl().acceptsRepresentationGradients());
        assertEquals("excessMtl: stepSize must be a finite number >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> Weightings.excessMtl(-1)).getMessage());
        ExcessMtl w = Weightings.excessMtl();
        w.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        assertEquals("excessMtl: gradient of task 't0' has length 3, its sum of squares 2; the shared parameters "
                + "changed", assertThrows(IllegalArgumentException.class,
                        () -> w.combine(Grads.of(new double[] {1, 0, 0}, new double[] {0, 1, 0}), Grads.ctx(1)))
                .getMessage());
        assertEquals("excessMtl: state entry 'weight.a' must be > 0, got 0.0", assertThrows(
                IllegalArgumentException.class, () -> w.loadStateDict(Map.of("weight.a", Tensor.scalar(0f))))
                .getMessage());
    }
}
