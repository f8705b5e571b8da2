package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * IMTL-L and IMTL-H (Liu et al., ICLR 2021): two-task cases worked out by hand, and LibMTL's own {@code IMTL.py}
 * over sequences of five steps with the loss scales trained by SGD ({@code reference/generate_libmtl_methods_reference.py}).
 * IMTL-L's scales follow the same gradient e^{s}L − 1 as the hybrid's, so the one fixture checks both.
 */
class ImtlLAndHTest {
    private static final List<Object> CASES = Fixtures.list(
            Fixtures.load("/reference/libmtl_methods.json").get("imtl"), "imtl");

    @Test
    void imtlLObjectiveAndGradientsByHand() {
        ImtlL w = Weightings.imtlL(List.of("a", "b"));
        Var la = Var.parameter(Tensor.scalar(2f));
        Var lb = Var.parameter(Tensor.scalar(0.5f));
        // s = (0, 0): objective 2 + 0.5 = 2.5; ∂/∂L = e^s = (1, 1); ∂/∂s = e^s L − 1 = (1, −0.5)
        Var out = w.combine(Map.of("a", la, "b", lb), Grads.ctx(0));
        assertEquals(2.5, out.value().item(), 1e-6);
        out.backward();
        assertEquals(1, la.grad().item(), 1e-7);
        assertEquals(1, lb.grad().item(), 1e-7);
        assertEquals(1, w.parameters().get("lossScale.a").grad().item(), 1e-7);
        assertEquals(-0.5, w.parameters().get("lossScale.b").grad().item(), 1e-7);
        // s = (ln ½, ln 2): both scaled losses are 1, so the scales sit at their optimum (gradient 0); objective
        // 1 − ln ½ + 1 − ln 2 = 2; the losses weigh (½, 2)
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("lossScale.a", Tensor.scalar((float) Math.log(0.5)));
        state.put("lossScale.b", Tensor.scalar((float) Math.log(2)));
        w.loadStateDict(state);
        w.parameters().values().forEach(Var::zeroGrad);
        la.zeroGrad();
        Var again = w.combine(Map.of("a", la, "b", lb), Grads.ctx(1));
        assertEquals(2, again.value().item(), 1e-6);
        again.backward();
        assertEquals(0.5, la.grad().item(), 1e-7);
        assertEquals(0, w.parameters().get("lossScale.a").grad().item(), 1e-7);
        assertEquals(0, w.parameters().get("lossScale.b").grad().item(), 1e-6);
        assertEquals(Map.of("a", 0.5, "b", 2.0), round(w.weights()));
    }

    @Test
    void imtlHScalesTheRowsThroughItsTaskObjectivesByHand() {
        ImtlH w = Weightings.imtlH(List.of("t0", "t1"));
        // s = (0, 0): rows are g_a = (1, 0), g_b = (0, 2), IMTL-G's α = (⅔, ⅓) and d = (⅔, ⅔)
        Grads.assertVector(new double[] {2.0 / 3, 2.0 / 3},
                step(w, new double[][] {{1, 0}, {0, 2}}, new double[] {2, 0.5}).shared(), 1e-7, "d at s = 0");
        assertEquals(1, scaleGrad(w, "t0"), 1e-6, "e^0·2 − 1");
        assertEquals(-0.5, scaleGrad(w, "t1"), 1e-6, "e^0·0.5 − 1");
        // s_a = ln 2: row a = (2, 0), M = diag(4, 4), n = (2, 2), α = (½, ½), d = (1, 1); s_a gets 2·2 − 1 = 3
        w.loadStateDict(Map.of("lossScale.t0", Tensor.scalar((float) Math.log(2)), "lossScale.t1", Tensor.scalar(0f)));
        Combination c = step(w, new double[][] {{1, 0}, {0, 2}}, new double[] {2, 0.5});
        Grads.assertVector(new double[] {1, 1}, c.shared(), 1e-6, "d at s_a = ln 2");
        Grads.assertVector(new double[] {1, 1}, c.taskWeights(), 0, "heads keep their scaled gradients");
        assertEquals(3, scaleGrad(w, "t0"), 1e-6);
    }

    @Test
    void imtlHMatchesLibMtlOverSequencesOfSteps() {
        // LibMTL computes in float32, we in double: the update within 2e-5 of its largest element, the scales'
        // gradients and trajectory within 1e-5
        assertEquals(2, CASES.size());
        for (Object c : CASES) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            double lr = Fixtures.number(Fixtures.get(c, "scale_lr"), "scale_lr");
            ImtlH w = Weightings.imtlH(Grads.names(tasks));
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                String at = tasks + " tasks, step " + s;
                Grads.assertVector(Fixtures.doubles(Fixtures.get(step, "scales")), scales(w, tasks), 1e-5, at + " scales");
                Combination out = step(w, GradVacTest.rows(Fixtures.get(step, "grads")),
                        Fixtures.doubles(Fixtures.get(step, "losses")));
                double[] expected = Fixtures.doubles(Fixtures.get(step, "direction"));
                Grads.assertVector(expected, out.shared(), 2e-5 * Grads.maxAbs(expected), at + " direction");
                double[] grads = new double[tasks];
                for (int t = 0; t < tasks; t++) {
                    grads[t] = scaleGrad(w, "t" + t);
                }
                Grads.assertVector(Fixtures.doubles(Fixtures.get(step, "scale_grads")), grads, 1e-5, at + " scale grads");
                sgd(w.parameters(), lr);
            }
        }
    }

    @Test
    void imtlLFollowsTheSameScaleTrajectoryAsLibMtl() {
        for (Object c : CASES) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            double lr = Fixtures.number(Fixtures.get(c, "scale_lr"), "scale_lr");
            ImtlL w = Weightings.imtlL(Grads.names(tasks));
            for (Object step : Fixtures.list(Fixtures.get(c, "steps"), "steps")) {
                double[] s = Fixtures.doubles(Fixtures.get(step, "scales"));
                Grads.assertVector(s, scales(w, tasks), 1e-5, tasks + " tasks: scales");
                double[] losses = Fixtures.doubles(Fixtures.get(step, "losses"));
                Map<String, Var> named = new LinkedHashMap<>();
                for (int t = 0; t < tasks; t++) {
                    named.put("t" + t, Var.parameter(Tensor.scalar((float) losses[t])));
                }
                w.combine(named, Grads.ctx(0)).backward();
                double[] grads = new double[tasks];
                for (int t = 0; t < tasks; t++) {
                    grads[t] = w.parameters().get("lossScale.t" + t).grad().item();
                    assertEquals(Math.exp(s[t]), named.get("t" + t).grad().item(), 1e-5, "the loss weighs e^s");
                }
                Grads.assertVector(Fixtures.doubles(Fixtures.get(step, "scale_grads")), grads, 1e-5, tasks + " tasks");
                sgd(w.parameters(), lr);
            }
        }
    }

    @Test
    void faultsAndStateInOneLine() {
        assertEquals("imtlL: needs the task names (T = 0 given)",
                assertThrows(IllegalArgumentException.class, () -> Weightings.imtlL(List.of())).getMessage());
        ImtlH h = Weightings.imtlH(List.of("a"));
        assertEquals("imtlH: task 'zz' has no loss scale (tasks: [a])", assertThrows(IllegalArgumentException.class,
                () -> h.taskObjective("zz", Var.constant(Tensor.scalar(1f)))).getMessage());
        assertEquals("imtlH: state has loss scales for [b], this strategy has tasks [a]",
                assertThrows(IllegalArgumentException.class,
                        () -> h.loadStateDict(Map.of("lossScale.b", Tensor.scalar(1f)))).getMessage());
        assertEquals(List.of("lossScale.a"), List.copyOf(h.stateDict().keySet()));
    }

    /**
     * One IMTL-H step as the trainer takes it: for each task, L_t = c_t + g_t·θ at θ = 0, its task objective
     * differentiated for the row (e^{s_t} g_t), then the combination. The scales keep their gradients.
     */
    static Combination step(ImtlH w, double[][] g, double[] c) {
        w.parameters().values().forEach(Var::zeroGrad);
        List<String> names = Grads.names(g.length);
        Var theta = Var.parameter(Tensor.zeros(g[0].length));
        float[][] rows = new float[g.length][];
        for (int t = 0; t < g.length; t++) {
            theta.zeroGrad();
            Var loss = Var.constant(Tensor.of(GradientRows.toFloat(g[t]), g[t].length)).mul(theta).sum()
                    .add((float) c[t]);
            w.taskObjective(names.get(t), loss).backward();
            rows[t] = theta.grad().data().clone();
        }
        return w.combine(new TaskGradients(names, rows, c), Grads.ctx(0));
    }

    private static double scaleGrad(Weighting w, String task) {
        return w.parameters().get("lossScale." + task).grad().item();
    }

    private static double[] scales(Weighting w, int tasks) {
        double[] s = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            s[t] = w.parameters().get("lossScale.t" + t).value().item();
        }
        return s;
    }

    private static void sgd(Map<String, Var> params, double lr) {
        for (Var p : params.values()) {
            p.value().data()[0] -= (float) (lr * p.grad().item());
            p.zeroGrad();
        }
    }

    private static Map<String, Double> round(Map<String, Double> m) {
        Map<String, Double> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, Math.round(v * 1e6) / 1e6));
        return r;
    }
}
