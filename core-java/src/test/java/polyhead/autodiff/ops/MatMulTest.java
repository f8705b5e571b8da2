package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Parallel;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class MatMulTest {
    @Test
    void twoDimensionalForwardMatchesTripleLoop() {
        Tensor a = Tensor.randn(1, 5, 7);
        Tensor b = Tensor.randn(2, 7, 3);
        Tensor c = MatMul.matmul(Var.constant(a), Var.constant(b)).value();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 7; k++) {
                    s += (double) a.get(i, k) * b.get(k, j);
                }
                assertEquals(s, c.get(i, j), 1e-5);
            }
        }
    }

    @Test
    void batchedForwardMatchesPerBatchProducts() {
        Tensor a = Tensor.randn(3, 2, 3, 4, 5);
        Tensor b = Tensor.randn(4, 2, 3, 5, 2);
        Tensor c = MatMul.matmul(Var.constant(a), Var.constant(b)).value();
        assertEquals(polyhead.tensor.Shape.of(2, 3, 4, 2), c.shape());
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 3; q++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 2; j++) {
                        double s = 0;
                        for (int k = 0; k < 5; k++) {
                            s += (double) a.get(p, q, i, k) * b.get(p, q, k, j);
                        }
                        assertEquals(s, c.get(p, q, i, j), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void gradients() {
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 4, 3), Tensor.randn(2, 3, 5));
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 1, 3), Tensor.randn(2, 3, 1));
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 2, 4, 3), Tensor.randn(2, 2, 3, 2));
        // shared right operand (a layer's weight applied to a batch of sequences)
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 3, 2, 4), Tensor.randn(2, 4, 3));
        // shared left operand
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 2, 4), Tensor.randn(2, 3, 4, 2));
        // broadcast batch dimensions: ones on both sides, and a 3-D operand against a 4-D one
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 2, 1, 3, 4), Tensor.randn(2, 1, 3, 4, 2));
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 2, 3, 2, 4), Tensor.randn(2, 3, 4, 2));
        GradCheck.assertGradients(v -> MatMul.matmul(v[0], v[1]), Tensor.randn(1, 1, 2, 4), Tensor.randn(2, 2, 3, 4, 2));
    }

    @Test
    void broadcastBatchMatchesExplicitlyRepeatedOperands() {
        Tensor a = Tensor.randn(5, 2, 1, 3, 4);
        Tensor b = Tensor.randn(6, 1, 3, 4, 2);
        Tensor c = MatMul.matmul(Var.constant(a), Var.constant(b)).value();
        assertEquals(polyhead.tensor.Shape.of(2, 3, 3, 2), c.shape());
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 3; q++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 2; j++) {
                        double s = 0;
                        for (int k = 0; k < 4; k++) {
                            s += (double) a.get(p, 0, i, k) * b.get(0, q, k, j);
                        }
                        assertEquals(s, c.get(p, q, i, j), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void emptyBatchGivesZeroGradientsToABroadcastOperand() {
        // a poisoned arena hands the gradient an array of NaN: only an explicit zeroing passes
        polyhead.tensor.Arena arena = new polyhead.tensor.Arena(true);
        try (var warm = arena.open()) {
            polyhead.tensor.Arena.floatsToOverwrite(6);
        }
        Var a = Var.parameter(Tensor.randn(7, 0, 2, 3));
        Var b = Var.parameter(Tensor.randn(8, 1, 3, 2));
        try (var step = arena.open()) {
            Var c = MatMul.matmul(a, b);
            assertEquals(polyhead.tensor.Shape.of(0, 2, 2), c.shape());
            c.backward(Tensor.zeros(0, 2, 2));
            assertEquals(polyhead.tensor.Shape.of(1, 3, 2), b.grad().shape());
            assertEquals(0f, b.grad().maxAbs());
        }
    }

    @Test
    void linearIsXTimesWTransposedPlusBias() {
        Tensor x = Tensor.randn(1, 3, 4);
        Tensor w = Tensor.randn(2, 5, 4);
        Tensor b = Tensor.randn(3, 5);
        Tensor y = MatMul.linear(Var.constant(x), Var.constant(w), Var.constant(b)).value();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                double s = b.get(j);
                for (int k = 0; k < 4; k++) {
                    s += (double) x.get(i, k) * w.get(j, k);
                }
                assertEquals(s, y.get(i, j), 1e-5);
            }
        }
        GradCheck.assertGradients(v -> MatMul.linear(v[0], v[1], v[2]), x, w, b);
        GradCheck.assertGradients(v -> MatMul.linear(v[0], v[1], null), x, w);
        // leading dimensions beyond the batch: [2, 3, 4] → [2, 3, 5]
        GradCheck.assertGradients(v -> MatMul.linear(v[0], v[1], v[2]), Tensor.randn(4, 2, 3, 4), w, b);
        ShapeException e = assertThrows(ShapeException.class,
                () -> MatMul.linear(Var.constant(x), Var.constant(w), Var.constant(Tensor.zeros(4))));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[5, 4]"), e.getMessage());
    }

    /** The fused node against the composition it replaces: bit-identical values and gradients. */
    @Test
    void linearReluEqualsReluOfLinear() {
        Tensor x = Tensor.randn(11, 6, 7);
        Tensor w = Tensor.randn(12, 5, 7);
        Tensor b = Tensor.randn(13, 5);
        x.set(Float.NaN, 2, 3); // a NaN input: the row's outputs are NaN and pass their gradient, as relu's do
        Tensor seed = Tensor.randn(14, 6, 5);
        for (boolean withBias : new boolean[] {true, false}) {
            Var[] fused = {Var.parameter(x.copy()), Var.parameter(w.copy()), Var.parameter(b.copy())};
            Var[] plain = {Var.parameter(x.copy()), Var.parameter(w.copy()), Var.parameter(b.copy())};
            Var yf = MatMul.linearRelu(fused[0], fused[1], withBias ? fused[2] : null);
            Var yp = MatMul.linear(plain[0], plain[1], withBias ? plain[2] : null).relu();
            assertArrayEquals(yp.value().data(), yf.value().data(), 0f);
            assertTrue(countZeros(yf.value()) > 5, "the case must have clipped outputs");
            yf.backward(seed);
            yp.backward(seed);
            for (int i = 0; i < (withBias ? 3 : 2); i++) {
                assertArrayEquals(plain[i].grad().data(), fused[i].grad().data(), 0f, "input " + i);
            }
        }
    }

    /**
     * From {@link MatMul#PARALLEL_VALUES} outputs on, bias and ReLU, ReLU's mask and the bias gradient run on all
     * cores: values and gradients bit for bit those of one core ({@link Parallel#sequentially}), with and without
     * ReLU and bias, rows and columns that do not split evenly, and +0, −0 and NaN among the outputs.
     */
    @Test
    void largeLayersOnAllCoresEqualOneCore() {
        int rows = 301;
        int out = 130;
        assertTrue(rows * out >= MatMul.PARALLEL_VALUES, "the case must take the parallel path");
        Tensor x = Tensor.randn(31, rows, 40);
        Tensor w = Tensor.randn(32, out, 40);
        Tensor b = Tensor.randn(33, out);
        x.set(Float.NaN, 7, 3);
        Tensor seed = Tensor.randn(34, rows, out);
        for (boolean relu : new boolean[] {true, false}) {
            for (boolean withBias : new boolean[] {true, false}) {
                Var[][] runs = new Var[2][];
                for (int run = 0; run < 2; run++) {
                    Var[] v = {Var.parameter(x.copy()), Var.parameter(w.copy()), Var.parameter(b.copy())};
                    java.util.function.Supplier<Var> step = () -> {
                        Var y = relu ? MatMul.linearRelu(v[0], v[1], withBias ? v[2] : null)
                                : MatMul.linear(v[0], v[1], withBias ? v[2] : null);
                        y.backward(seed);
                        return y;
                    };
                    Var y = run == 0 ? step.get() : Parallel.sequentially(step);
                    runs[run] = new Var[] {y, v[0], v[1], v[2]};
                }
                String what = (relu ? "linearRelu" : "linear") + (withBias ? " with bias" : "");
                assertArrayEquals(runs[1][0].value().data(), runs[0][0].value().data(), 0f, what + ": values");
                for (int i = 1; i < (withBias ? 4 : 3); i++) {
                    assertArrayEquals(runs[1][i].grad().data(), runs[0][i].grad().data(), 0f, what + ": gradient " + i);
                }
                if (relu) {
                    assertTrue(countZeros(runs[0][0].value()) > rows * out / 4, what + ": clipped outputs");
                }
            }
        }
    }

    @Test
    void linearReluGradients() {
        // pre-activations kept away from the kink at 0, where central differences are meaningless
        Tensor x = Tensor.randn(21, 4, 3);
        Tensor w = Tensor.randn(22, 5, 3);
        Tensor b = Tensor.randn(23, 5);
        Tensor z = MatMul.linear(Var.constant(x), Var.constant(w), Var.constant(b)).value();
        for (float v : z.data()) {
            assertTrue(Math.abs(v) > 0.02, "seeds give a pre-activation near 0: " + v);
        }
        assertTrue(countZeros(MatMul.linearRelu(Var.constant(x), Var.constant(w), Var.constant(b)).value()) > 2);
        GradCheck.Result r = GradCheck.defaults().withEps(1e-3).check(v -> MatMul.linearRelu(v[0], v[1], v[2]), x, w, b);
        assertTrue(r.passed(), r.worst());
    }

    private static int countZeros(Tensor t) {
        int n = 0;
        for (float v : t.data()) {
            n += v == 0f ? 1 : 0;
        }
        return n;
    }

    @Test
    void mismatchedInnerDimensionsNameBothShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> MatMul.matmul(Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(4, 5))));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> MatMul.matmul(Var.constant(Tensor.zeros(2, 2, 3)), Var.constant(Tensor.zeros(3, 3, 5))));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> MatMul.matmul(Var.constant(Tensor.zeros(2, 3, 2, 3)), Var.constant(Tensor.zeros(2, 2, 3, 5))));
        assertTrue(e.getMessage().contains("[2, 3, 2, 3]") && e.getMessage().contains("[2, 2, 3, 5]"), e.getMessage());
    }
}
