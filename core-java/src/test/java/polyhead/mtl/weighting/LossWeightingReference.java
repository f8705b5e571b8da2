package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * The fixture of LibMTL's loss-level weightings ({@code reference/generate_loss_weighting_reference.py}) and what the
 * tests do with a step of it: the tasks are named t0, t1, … in the fixture's order.
 */
final class LossWeightingReference {
    private static final Map<String, Object> FIXTURE = Fixtures.load("/reference/loss_weightings_libmtl.json");

    private LossWeightingReference() {
    }

    /** The cases of {@code method} in the fixture. */
    static List<Object> cases(String method) {
        return Fixtures.list(FIXTURE.get(method), method);
    }

    static double[] numbers(Object node, String key) {
        List<Object> values = Fixtures.list(Fixtures.get(node, key), key);
        double[] r = new double[values.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = Fixtures.number(values.get(i), key + "[" + i + "]");
        }
        return r;
    }

    static List<String> tasks(int n) {
        return Grads.names(n);
    }

    /** Task name → loss value, in order. */
    static Map<String, Double> named(double[] values) {
        Map<String, Double> r = new LinkedHashMap<>();
        List<String> tasks = tasks(values.length);
        for (int t = 0; t < values.length; t++) {
            r.put(tasks.get(t), values[t]);
        }
        return r;
    }

    /**
     * The strategy's objective for the losses (float32 leaves) and its gradient with respect to each loss:
     * {value, ∂/∂L_1, …}.
     */
    static double[] objectiveAndGradient(LossWeighting w, double[] losses, WeightingContext ctx) {
        Map<String, Var> vars = new LinkedHashMap<>();
        List<String> tasks = tasks(losses.length);
        for (int t = 0; t < losses.length; t++) {
            vars.put(tasks.get(t), Var.parameter(Tensor.scalar((float) losses[t])));
        }
        Var out = w.combine(vars, ctx);
        out.backward();
        double[] r = new double[losses.length + 1];
        r[0] = out.value().item();
        for (int t = 0; t < losses.length; t++) {
            r[t + 1] = vars.get(tasks.get(t)).grad().item();
        }
        return r;
    }
}
