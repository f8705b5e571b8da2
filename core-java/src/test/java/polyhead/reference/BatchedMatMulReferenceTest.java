package polyhead.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.MatMul;
import polyhead.testing.Fixtures;

/**
 * {@link MatMul#matmul} on 3-D and 4-D operands against {@code torch.matmul} (batched_matmul.json, written by
 * generate_sequence_reference.py): equal, broadcast (a batch dimension of 1 or a missing one) and shared 2-D batch
 * dimensions; the output and both operands' gradients, to 1e-5 relative to the float64 reference.
 */
class BatchedMatMulReferenceTest {
    static final double RTOL = 1e-5;

    @Test
    void matchesTorchMatmul() {
        Map<String, Object> cases = Fixtures.object(Fixtures.load("/reference/batched_matmul.json").get("cases"), "cases");
        assertEquals(7, cases.size());
        cases.forEach((name, c) -> {
            Var a = Var.parameter(Fixtures.tensor(Fixtures.get(c, "inputs", "a")));
            Var b = Var.parameter(Fixtures.tensor(Fixtures.get(c, "inputs", "b")));
            Var out = MatMul.matmul(a, b);
            Fixtures.assertClose(name + " output", out.value(), Fixtures.get(c, "float64", "output"), RTOL);
            out.backward(Fixtures.tensor(Fixtures.get(c, "inputs", "r")));
            Fixtures.assertClose(name + " grad a", a.grad(), Fixtures.get(c, "float64", "grad_a"), RTOL);
            Fixtures.assertClose(name + " grad b", b.grad(), Fixtures.get(c, "float64", "grad_b"), RTOL);
        });
    }
}
