package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Masked mean, max, last and first pooling: against PyTorch's masked reductions (sequence_pooling.json, written by
 * generate_sequence_reference.py; output and input gradient to 1e-5 relative to the float64 reference), by GradCheck,
 * and their errors.
 */
class SequencePoolingTest {
    private static final int[] LENGTHS = {4, 1, 3};
    private static final Map<String, BiFunction<Var, int[], Var>> MODES = Map.of(
            "mean", SequencePooling::mean,
            "max", SequencePooling::max,
            "last", SequencePooling::last,
            "first", (x, l) -> SequencePooling.first(x));

    @Test
    void matchesPyTorchsMaskedReductions() {
        Map<String, Object> fx = Fixtures.load("/reference/sequence_pooling.json");
        Tensor x = Fixtures.tensor(Fixtures.get(fx, "inputs", "x"));
        int[] lengths = Fixtures.list(Fixtures.get(fx, "inputs", "lengths"), "lengths").stream()
                .mapToInt(v -> (int) Fixtures.number(v, "length")).toArray();
        Map<String, Object> cases = Fixtures.object(fx.get("cases"), "cases");
        assertEquals(MODES.keySet(), cases.keySet());
        cases.forEach((mode, c) -> {
            Var xv = Var.parameter(x.copy());
            Var out = MODES.get(mode).apply(xv, lengths);
            Fixtures.assertClose(mode, out.value(), Fixtures.get(c, "float64", "output"), 1e-5);
            out.backward(Fixtures.tensor(Fixtures.get(c, "inputs", "r")));
            Fixtures.assertClose(mode + " grad x", xv.grad(), Fixtures.get(c, "float64", "grad_x"), 1e-5);
        });
    }

    @Test
    void gradients() {
        Tensor x = Tensor.randn(3, 3, 4, 5);
        for (Map.Entry<String, BiFunction<Var, int[], Var>> m : MODES.entrySet()) {
            for (int[] lengths : new int[][] {LENGTHS, null}) {
                GradCheck.Result r = GradCheck.defaults().withEps(1e-3).check(v -> m.getValue().apply(v[0], lengths), x);
                assertTrue(r.passed(), m.getKey() + ": " + r.worst());
            }
        }
    }

    @Test
    void paddingDoesNotReachTheResult() {
        Tensor x = Tensor.randn(4, 3, 4, 2);
        Tensor poisoned = x.copy();
        for (int b = 0; b < 3; b++) {
            for (int t = LENGTHS[b]; t < 4; t++) {
                poisoned.set(1e6f, b, t, 0);
                poisoned.set(Float.NaN, b, t, 1);
            }
        }
        for (Map.Entry<String, BiFunction<Var, int[], Var>> m : MODES.entrySet()) {
            Tensor a = m.getValue().apply(Var.constant(x), LENGTHS).value();
            Tensor b = m.getValue().apply(Var.constant(poisoned), LENGTHS).value();
            assertEquals(List.of(a.shape(), a.data().length), List.of(b.shape(), b.data().length));
            Fixtures.assertClose(m.getKey(), b, a, 0);
        }
    }

    @Test
    void badInputsNameTheShape() {
        Var x = Var.constant(Tensor.zeros(3, 4, 2));
        ShapeException e = assertThrows(ShapeException.class, () -> SequencePooling.mean(x, new int[] {4, 1}));
        assertEquals("mean pooling: lengths has 2 values for input [3, 4, 2] (one per sequence: 3)", e.getMessage());
        e = assertThrows(ShapeException.class, () -> SequencePooling.max(x, new int[] {4, 0, 1}));
        assertEquals("max pooling: lengths[1] = 0 is outside [1, 4] for input [3, 4, 2]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> SequencePooling.last(x, new int[] {5, 1, 1}));
        assertEquals("last pooling: lengths[0] = 5 is outside [1, 4] for input [3, 4, 2]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> SequencePooling.first(Var.constant(Tensor.zeros(3, 4))));
        assertEquals("first pooling: input [3, 4] is not [batch, time, features] with at least one step",
                e.getMessage());
    }
}
