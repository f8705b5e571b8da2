package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Kendall et al.'s uncertainty weighting in the form ½(e^{−s}L + s) (their eq. 7). */
class UncertaintyTest {
    @Test
    void objectiveGradientsPassGradCheck() {
        float[][] points = {{1.3f, 0.4f}, {0.2f, -1.5f}, {4.0f, 2.0f}, {0.05f, 0f}};
        for (float[] p : points) {
            GradCheck.Result r = GradCheck.defaults().withEps(1e-3)
                    .check(v -> Uncertainty.objective(v[0], v[1]), Tensor.scalar(p[0]), Tensor.scalar(p[1]));
            assertEquals(true, r.passed(), "L = " + p[0] + ", s = " + p[1] + ": " + r.worst());
        }
    }

    @Test
    void gradientsOfTheCombinedObjectiveAreTheDocumentedOnes() {
        Uncertainty u = Weightings.uncertainty(List.of("a", "b"));
        Var s = u.parameters().get("logVariance.a");
        s.value().data()[0] = 0.7f;
        Var la = Var.parameter(Tensor.scalar(2.5f));
        Var lb = Var.parameter(Tensor.scalar(0.5f));
        Map<String, Var> losses = new LinkedHashMap<>();
        losses.put("a", la);
        losses.put("b", lb);
        Var out = u.combine(losses, Grads.ctx(0));
        // ½(e^{−0.7}·2.5 + 0.7) + ½(e^0·0.5 + 0)
        assertEquals(0.5 * (Math.exp(-0.7) * 2.5 + 0.7) + 0.25, out.value().item(), 1e-6);
        out.backward();
        assertEquals(0.5 * (1 - Math.exp(-0.7) * 2.5), s.grad().item(), 1e-6, "∂/∂s = ½(1 − e^{−s}L)");
        assertEquals(0.5 * Math.exp(-0.7), la.grad().item(), 1e-6, "∂/∂L = ½e^{−s}");
        assertEquals(0.5, lb.grad().item(), 1e-6);
        assertEquals(0.5 * Math.exp(-0.7), u.weights().get("a"), 1e-6);
    }

    @Test
    void theOptimumIsTheLogOfTheLoss() {
        // with the losses held fixed, gradient descent on s alone settles at s* = log L for every task
        Uncertainty u = Weightings.uncertainty(List.of("a", "b", "c"));
        Map<String, Var> losses = new LinkedHashMap<>();
        losses.put("a", Var.constant(Tensor.scalar(2.5f)));
        losses.put("b", Var.constant(Tensor.scalar(0.1f)));
        losses.put("c", Var.constant(Tensor.scalar(1f)));
        for (int step = 0; step < 2000; step++) {
            u.combine(losses, Grads.ctx(step)).backward();
            for (Var p : u.parameters().values()) {
                p.value().data()[0] -= 0.5f * p.grad().item();
                p.zeroGrad();
            }
        }
        assertEquals(Math.log(2.5), u.parameters().get("logVariance.a").value().item(), 1e-5);
        assertEquals(Math.log(0.1), u.parameters().get("logVariance.b").value().item(), 1e-5);
        assertEquals(0, u.parameters().get("logVariance.c").value().item(), 1e-5);
    }

    @Test
    void parametersStartAtZeroOrAtTheGivenValue() {
        Uncertainty u = Weightings.uncertainty(List.of("a", "b"));
        assertEquals(List.of("logVariance.a", "logVariance.b"), List.copyOf(u.parameters().keySet()));
        assertEquals(0f, u.parameters().get("logVariance.a").value().item());
        assertEquals(true, u.parameters().get("logVariance.a").requiresGrad());
        assertEquals(-0.5f, Weightings.uncertainty(List.of("a"), -0.5).parameters().get("logVariance.a").value().item());
    }

    @Test
    void loadingWritesIntoTheSameParameters() {
        Uncertainty u = Weightings.uncertainty(List.of("a", "b"));
        Var before = u.parameters().get("logVariance.b");
        u.loadStateDict(Map.of("logVariance.a", Tensor.scalar(0.25f), "logVariance.b", Tensor.scalar(-1f)));
        assertSame(before, u.parameters().get("logVariance.b"), "the optimizer keeps its reference");
        assertEquals(-1f, before.value().item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> u.loadStateDict(Map.of("logVariance.a", Tensor.scalar(0f))));
        assertEquals("uncertainty: state has log-variances for [a], this strategy has tasks [a, b]", e.getMessage());
    }

    @Test
    void aTaskWithoutALogVarianceIsAnError() {
        Uncertainty u = Weightings.uncertainty(List.of("a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> u.combine(Map.of("zz", Var.constant(Tensor.scalar(1f))), Grads.ctx(0)));
        assertEquals("uncertainty: task 'zz' has no log-variance (tasks: [a])", e.getMessage());
    }
}
