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
 * MoCo (Fernando et al., 2023): one step worked out by hand, and LibMTL's own {@code MoCo.py} over sequences of five
 * steps ({@code reference/generate_libmtl_sequences_reference.py}).
 */
class MoCoTest {
    @Test
    void oneStepByHand() {
        MoCo moCo = Weightings.moCo();
        // k = 1, β_1 = 0.5, γ_1 = 0.1, ρ = 0. ĝ_a = L_a g_a/‖g_a‖ = 1·(3, 0)/3 = (1, 0); ĝ_b = 2·(0, 2)/2 = (0, 2).
        // y = 0 − 0.5(0 − ĝ): y_a = (0.5, 0), y_b = (0, 1); Y Yᵀ = diag(0.25, 1).
        // λ = (½, ½): Y Yᵀ λ = (0.125, 0.5); λ − 0.1·(0.125, 0.5) = (0.4875, 0.45);
        // softmax: λ_a = 1/(1 + e^{−0.0375}) = 0.5093740, λ_b = 0.4906260; d = λ_a y_a + λ_b y_b = (0.2546870, 0.4906260).
        Combination out = moCo.combine(Grads.of(List.of("a", "b"), new double[][] {{3, 0}, {0, 2}}, new double[] {1, 2}),
                Grads.ctx(0));
        double la = 1 / (1 + Math.exp(-0.0375));
        assertEquals(0.5093740, la, 1e-7);
        Grads.assertVector(new double[] {0.5 * la, 1 - la}, out.shared(), 1e-6, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
        assertEquals(la, moCo.lambda().get("a"), 1e-7);
    }

    @Test
    void matchesLibMtlOverSequencesOfSteps() {
        // LibMTL computes in float32, we in double: agreement within 2e-5 relative to the largest update element,
        // λ within 2e-6
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_sequences.json").get("moco"), "moco");
        assertEquals(2, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            List<Object> s = Fixtures.list(Fixtures.get(c, "settings"), "settings");
            double[] v = new double[5];
            for (int i = 0; i < 5; i++) {
                v[i] = Fixtures.number(s.get(i), "settings[" + i + "]");
            }
            MoCo moCo = Weightings.moCo(v[0], v[1], v[2], v[3], v[4]);
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int k = 0; k < steps.size(); k++) {
                Object step = steps.get(k);
                Combination out = moCo.combine(Grads.of(Grads.names(tasks), GradVacTest.rows(Fixtures.get(step, "grads")),
                        Fixtures.doubles(Fixtures.get(step, "losses"))), Grads.ctx(k));
                double[] expected = Fixtures.doubles(Fixtures.get(step, "direction"));
                double scale = 0;
                for (double x : expected) {
                    scale = Math.max(scale, Math.abs(x));
                }
                Grads.assertVector(expected, out.shared(), 2e-5 * scale, tasks + " tasks, step " + k);
                double[] lambda = Fixtures.doubles(Fixtures.get(step, "lambda"));
                for (int t = 0; t < tasks; t++) {
                    assertEquals(lambda[t], moCo.lambda().get("t" + t), 2e-6, "λ_" + t + " at step " + k);
                }
            }
        }
    }

    @Test
    void stateRoundTripsAndARestoredCopyContinuesAlike() {
        Random rng = new Random(11);
        List<TaskGradients> steps = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            steps.add(Grads.of(Grads.names(3), Grads.random(rng, 3, 5), new double[] {0.5 + s, 1, 2}));
        }
        MoCo first = Weightings.moCo();
        first.combine(steps.get(0), Grads.ctx(0));
        first.combine(steps.get(1), Grads.ctx(1));
        Map<String, Tensor> saved = first.stateDict();
        MoCo second = Weightings.moCo();
        second.loadStateDict(saved);
        for (int s = 2; s < 4; s++) {
            Grads.assertVector(Grads.toDouble(first.combine(steps.get(s), Grads.ctx(s)).shared()),
                    second.combine(steps.get(s), Grads.ctx(s)).shared(), 0, "step " + s);
        }
        assertEquals(first.lambda(), second.lambda());
    }

    @Test
    void refusesRepresentationGradientsAndBadSettingsInOneLine() {
        assertFalse(Weightings.moCo().acceptsRepresentationGradients());
        assertEquals("moCo: needs beta in [0, 1] and finite gamma, betaSigma, gammaSigma, rho >= 0, got beta=0.5, "
                + "betaSigma=0.5, gamma=-0.1, gammaSigma=0.5, rho=0.0", assertThrows(IllegalArgumentException.class,
                        () -> Weightings.moCo(0.5, 0.5, -0.1, 0.5, 0)).getMessage());
        assertEquals("moCo: state needs steps.count (a whole number >= 0) and both tracking and lambda for the same "
                + "tasks, got tracking for [], lambda for [a]", assertThrows(IllegalArgumentException.class,
                        () -> Weightings.moCo().loadStateDict(Map.of("lambda.a", Tensor.scalar(0.5f),
                                "steps.count", Tensor.scalar(1f)))).getMessage());
    }
}
