package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Tensor;

/**
 * Checks every architecture must pass: its parameters split into shared and per-task without overlap or gap; a task's
 * own parameters reach no other task's output (a gradient-level weighting gives them that task's gradient only, so a
 * parameter that reached two tasks would lose part of its gradient); and the gradients of every parameter and of the
 * input match central differences.
 */
final class ArchitectureContract {
    private ArchitectureContract() {
    }

    /** Every parameter is shared or belongs to exactly one task. */
    static void assertPartition(Architecture arch) {
        Set<String> seen = new HashSet<>(arch.sharedParameters().keySet());
        for (Map.Entry<String, Map<String, Var>> e : arch.taskParameters().entrySet()) {
            for (String name : e.getValue().keySet()) {
                assertTrue(seen.add(name), name + " is listed twice (task " + e.getKey() + ")");
            }
        }
        assertEquals(arch.namedParameters().keySet(), seen, "shared and per-task parameters cover the model");
        arch.sharedParameters().forEach((k, v) -> assertTrue(v == arch.namedParameters().get(k), k));
    }

    /** No task's own parameter gets a gradient from another task's output on {@code x}. */
    static void assertOwnParametersReachOnlyTheirTask(Architecture arch, Tensor x) {
        for (String u : arch.taskNames()) {
            arch.zeroGrad();
            // every task's output is computed, only u's is differentiated (with a random projection)
            Var o = arch.outputs(Var.constant(x)).get(u);
            o.mul(Var.constant(Tensor.randn(7, o.shape().dims()))).sum().backward();
            for (String t : arch.taskNames()) {
                if (t.equals(u)) {
                    continue;
                }
                arch.taskParameters().get(t).forEach((name, p) -> {
                    if (p.grad() != null) {
                        for (float g : p.grad().data()) {
                            if (g != 0f) {
                                fail(name + " (task " + t + ") gets a gradient from task " + u + "'s output");
                            }
                        }
                    }
                });
            }
        }
        arch.zeroGrad();
    }

    /** The gradients of all outputs (flattened and concatenated) with respect to every parameter and to the input. */
    static void assertGradients(Architecture arch, Tensor x) {
        GradCheck.assertParameterGradients(() -> all(arch, Var.constant(x)), new ArrayList<>(arch.parameters()));
        GradCheck.assertGradients(v -> all(arch, v[0]), x);
    }

    private static Var all(Architecture arch, Var x) {
        List<Var> flat = new ArrayList<>();
        arch.outputs(x).values().forEach(o -> flat.add(o.reshape(-1)));
        return Shaping.concat(0, flat.toArray(new Var[0]));
    }
}
