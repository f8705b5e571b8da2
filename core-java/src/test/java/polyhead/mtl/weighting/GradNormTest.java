package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** GradNorm (Chen et al., 2018): two steps worked out by hand, α = 1.5, lr = 0.1. */
class GradNormTest {
    private static final double[] G1 = {1, 0};
    private static final double[] G2 = {-1, 0.5};

    @Test
    void twoStepsByHand() {
        GradNorm gradNorm = Weightings.gradNorm(0.1);
        double n1 = 1;
        double n2 = Math.sqrt(1.25);

        // step 0, losses (2, 1): the first losses are L(0). Weights (1, 1): d = g1 + g2 = (0, 0.5).
        Combination s0 = gradNorm.combine(Grads.of(List.of("a", "b"), new double[][] {G1, G2}, new double[] {2, 1}),
                Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0.5}, s0.shared(), 1e-7, "d at step 0");
        Grads.assertVector(new double[] {1, 1}, s0.taskWeights(), 0, "w at step 0");
        // update: G = (1, √1.25), Ḡ = (1 + √1.25)/2; L̃ = (1, 1), r = (1, 1), targets Ḡ.
        // ∂/∂w = (sign(1 − Ḡ)·1, sign(√1.25 − Ḡ)·√1.25) = (−1, +√1.25)
        // w = (1 + 0.1, 1 − 0.1√1.25) = (1.1, 0.888197), renormalized to sum 2 ⇒ ≈ (1.106530, 0.893470)
        double[] w1 = {1.1, 1 - 0.1 * n2};
        double sum1 = w1[0] + w1[1];
        w1 = new double[] {2 * w1[0] / sum1, 2 * w1[1] / sum1};
        assertEquals(1.106530, w1[0], 1e-6);
        assertEquals(w1[0], gradNorm.weights().get("a"), 1e-6);
        assertEquals(w1[1], gradNorm.weights().get("b"), 1e-6);

        // step 1, losses (1, 0.9): d = w_a g1 + w_b g2 ≈ (0.213060, 0.446735)
        Combination s1 = gradNorm.combine(Grads.of(List.of("a", "b"), new double[][] {G1, G2}, new double[] {1, 0.9}),
                Grads.ctx(1));
        Grads.assertVector(new double[] {w1[0] - w1[1], 0.5 * w1[1]}, s1.shared(), 1e-6, "d at step 1");
        Grads.assertVector(w1, s1.taskWeights(), 1e-6, "w at step 1");
        // update: L̃ = (1/2, 0.9/1) = (0.5, 0.9), mean 0.7, r = (5/7, 9/7);
        // G = (w_a·1, w_b·√1.25) ≈ (1.106530, 0.998930), Ḡ ≈ 1.052730;
        // targets Ḡ·r^1.5 ≈ (0.635514, 1.534736): G_a above its target, G_b below ⇒ ∂/∂w = (+1, −√1.25)
        // w = (w_a − 0.1, w_b + 0.1√1.25), renormalized to sum 2
        double[] g = {w1[0] * n1, w1[1] * n2};
        double gBar = (g[0] + g[1]) / 2;
        assertEquals(0.635514, gBar * Math.pow(5.0 / 7, 1.5), 1e-6);
        assertEquals(1.534736, gBar * Math.pow(9.0 / 7, 1.5), 1e-6);
        double[] w2 = {w1[0] - 0.1, w1[1] + 0.1 * n2};
        double sum2 = w2[0] + w2[1];
        assertEquals(2 * w2[0] / sum2, gradNorm.weights().get("a"), 1e-6);
        assertEquals(2 * w2[1] / sum2, gradNorm.weights().get("b"), 1e-6);
    }

    @Test
    void stateIsKeptPerTaskName() {
        GradNorm gradNorm = Weightings.gradNorm(0.1);
        gradNorm.combine(Grads.of(List.of("a", "b"), new double[][] {G1, G2}, new double[] {2, 1}), Grads.ctx(0));
        double wb = gradNorm.weights().get("b");
        // "b" is absent from this batch: its weight and first loss stay; "c" starts at weight 1 with L(0) = 4
        Combination out = gradNorm.combine(Grads.of(List.of("a", "c"), new double[][] {G1, G2}, new double[] {1, 4}),
                Grads.ctx(1));
        assertEquals(wb, gradNorm.weights().get("b"), 0);
        double wa = 1.106530;
        // the present weights (w_a, 1) are renormalized to sum 2 before use
        assertEquals(2 * wa / (wa + 1), out.taskWeights()[0], 1e-6);
        assertEquals(2 * 1 / (wa + 1), out.taskWeights()[1], 1e-6);
        Map<String, polyhead.tensor.Tensor> state = gradNorm.stateDict();
        assertEquals(4f, state.get("initialLoss.c").item());
        assertEquals(2f, state.get("initialLoss.a").item());
        assertEquals(List.of("weight.a", "weight.b", "weight.c", "initialLoss.a", "initialLoss.b", "initialLoss.c"),
                List.copyOf(state.keySet()));
    }

    @Test
    void oneTaskKeepsWeightOne() {
        GradNorm gradNorm = Weightings.gradNorm(0.5);
        for (int step = 0; step < 3; step++) {
            Combination out = gradNorm.combine(Grads.of(List.of("a"), new double[][] {G2}, new double[] {1.0 / (1 + step)}),
                    Grads.ctx(step));
            assertEquals(1, out.taskWeights()[0], 0);
        }
    }

    @Test
    void aFirstLossMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weightings.gradNorm(0.1)
                .combine(Grads.of(List.of("a", "b"), new double[][] {G1, G2}, new double[] {2, 0}), Grads.ctx(0)));
        assertEquals("gradNorm: first loss of task 'b' is 0.0; the loss ratios L(t)/L(0) need a positive first loss",
                e.getMessage());
    }
}
