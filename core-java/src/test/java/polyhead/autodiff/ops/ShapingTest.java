package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class ShapingTest {
    // ----- reshape and flatten -----

    @Test
    void reshapeKeepsRowMajorOrderAndInfersMinusOne() {
        Var x = Var.constant(Tensor.arange(2, 3));
        Var y = Shaping.reshape(x, 3, -1);
        assertEquals(Shape.of(3, 2), y.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, y.value().data());
        assertEquals(Shape.of(6), Shaping.reshape(x, -1).shape());
        assertEquals(Shape.of(1, 6, 1), Shaping.reshape(x, 1, -1, 1).shape());
        assertEquals(Shape.scalar(), Shaping.reshape(Var.constant(Tensor.ones(1, 1)), new int[0]).shape());
        assertEquals(Shape.of(0, 5), Shaping.reshape(Var.constant(Tensor.zeros(5, 0)), 0, 5).shape());
    }

    @Test
    void reshapeReturnsACopy() {
        Tensor t = Tensor.arange(2, 2);
        Var y = Shaping.reshape(Var.constant(t), 4);
        y.value().data()[0] = 42;
        assertEquals(0f, t.data()[0]);
    }

    @Test
    void reshapeGradients() {
        GradCheck.assertGradients(v -> Shaping.reshape(v[0], 3, 2), Tensor.randn(1, 2, 3));
        GradCheck.assertGradients(v -> Shaping.reshape(v[0], 4, -1), Tensor.randn(2, 2, 3, 4));
        GradCheck.assertGradients(v -> Shaping.reshape(v[0], new int[0]).mul(v[0].sum()), Tensor.randn(3, 1, 1));
    }

    @Test
    void reshapeErrorsNameBothShapes() {
        Var x = Var.constant(Tensor.zeros(2, 3));
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.reshape(x, 4, 2)),
                "reshape", "[2, 3]", "[4, 2]");
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.reshape(x, 4, -1)),
                "reshape", "[2, 3]", "[4, -1]");
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.reshape(Var.constant(Tensor.zeros(0, 3)), 0, -1)),
                "reshape", "[0, 3]", "[0, -1]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.reshape(x, -1, -1)),
                "reshape", "[-1, -1]", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.reshape(x, -2, -3)),
                "reshape", "dims[0] = -2", ">= 0");
    }

    @Test
    void flattenMergesFromStartAxisToTheEnd() {
        Tensor t = Tensor.arange(2, 3, 4);
        Var x = Var.constant(t);
        assertEquals(Shape.of(2, 12), Shaping.flatten(x, 1).shape());
        assertEquals(Shape.of(2, 12), Shaping.flatten(x, -2).shape());
        assertEquals(Shape.of(24), Shaping.flatten(x, 0).shape());
        assertEquals(Shape.of(2, 3, 4), Shaping.flatten(x, -1).shape());
        assertArrayEquals(t.data(), Shaping.flatten(x, 1).value().data());
        Var s = Shaping.flatten(Var.constant(Tensor.scalar(7f)), 0);
        assertEquals(Shape.of(1), s.shape());
        assertEquals(7f, s.value().item());
    }

    @Test
    void flattenGradients() {
        GradCheck.assertGradients(v -> Shaping.flatten(v[0], 1), Tensor.randn(3, 2, 3, 4));
        GradCheck.assertGradients(v -> Shaping.flatten(v[0], -3), Tensor.randn(4, 2, 1, 3, 1));
        GradCheck.assertGradients(v -> Shaping.flatten(v[0], 0), Tensor.randn(5, 1));
    }

    @Test
    void flattenRejectsAnAxisOutOfRange() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.flatten(Var.constant(Tensor.zeros(2, 3, 4)), 3)),
                "flatten", "axis 3", "[-3, 3)", "[2, 3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.flatten(Var.constant(Tensor.scalar(1f)), 1)),
                "flatten", "axis 1", "[-1, 1)", "[]");
    }

    // ----- permute and transpose -----

    @Test
    void permuteMatchesHandComputedValues() {
        // x[i][j][k] = 100i + 10j + k, shape [2, 3, 2]; out = permute(2, 0, 1) so out[k][i][j] = x[i][j][k]
        Tensor t = Tensor.zeros(2, 3, 2);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    t.set(100 * i + 10 * j + k, i, j, k);
                }
            }
        }
        Var y = Shaping.permute(Var.constant(t), 2, 0, 1);
        assertEquals(Shape.of(2, 2, 3), y.shape());
        assertArrayEquals(new float[] {0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121}, y.value().data());
        assertArrayEquals(y.value().data(), Shaping.permute(Var.constant(t), -1, -3, -2).value().data());
    }

    @Test
    void permuteMatchesANaiveReference() {
        Tensor t = Tensor.randn(3, 2, 1, 3, 4);
        int[][] perms = {{3, 1, 0, 2}, {0, 1, 2, 3}, {2, 3, 1, 0}, {-1, -4, -2, -3}};
        for (int[] p : perms) {
            assertArrayEquals(naivePermute(t, p).data(), Shaping.permute(Var.constant(t), p).value().data(),
                    java.util.Arrays.toString(p));
        }
    }

    @Test
    void permuteGradients() {
        GradCheck.assertGradients(v -> Shaping.permute(v[0], 2, 0, 1), Tensor.randn(4, 2, 3, 4));
        GradCheck.assertGradients(v -> Shaping.permute(v[0], -1, -3, -2), Tensor.randn(5, 3, 1, 2));
        GradCheck.assertGradients(v -> Shaping.permute(v[0], 1, 0), Tensor.randn(6, 2, 5));
        GradCheck.assertGradients(v -> Shaping.permute(v[0], 3, 1, 0, 2), Tensor.randn(7, 2, 1, 3, 2));
    }

    @Test
    void permuteRejectsNonPermutations() {
        Var x = Var.constant(Tensor.zeros(2, 3, 4));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.permute(x, 0, 1)),
                "permute", "[0, 1]", "[2, 3, 4]", "rank 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.permute(x, 0, 2, -3)),
                "permute", "[0, 2, -3]", "axis 0 repeated", "[2, 3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.permute(x, 0, 3, 1)),
                "permute", "axis 3", "[-3, 3)", "[2, 3, 4]");
    }

    @Test
    void transposeSwapsTwoAxes() {
        Var m = Var.constant(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Var mt = Shaping.transpose(m, 0, 1);
        assertEquals(Shape.of(3, 2), mt.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, mt.value().data());
        Tensor t = Tensor.randn(8, 2, 3, 4);
        assertArrayEquals(naivePermute(t, new int[] {2, 1, 0}).data(),
                Shaping.transpose(Var.constant(t), 0, -1).value().data());
        assertArrayEquals(t.data(), Shaping.transpose(Var.constant(t), 1, 1).value().data());
    }

    @Test
    void transposeGradients() {
        GradCheck.assertGradients(v -> Shaping.transpose(v[0], 0, 2), Tensor.randn(9, 2, 3, 4));
        GradCheck.assertGradients(v -> Shaping.transpose(v[0], -1, -2), Tensor.randn(10, 5, 1));
        GradCheck.assertGradients(v -> Shaping.transpose(v[0], 1, 2).matmul(v[1]), Tensor.randn(11, 2, 3, 4),
                Tensor.randn(12, 3, 2));
    }

    @Test
    void transposeRejectsAnAxisOutOfRange() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.transpose(Var.constant(Tensor.zeros(2, 3)), 0, -3)),
                "transpose", "axis -3", "[-2, 2)", "[2, 3]");
    }

    // ----- concat, split, slice -----

    @Test
    void concatJoinsAlongAnAxis() {
        Var a = Var.constant(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Var rows = Shaping.concat(0, a, Var.constant(Tensor.of(new float[] {5, 6}, 1, 2)));
        assertEquals(Shape.of(3, 2), rows.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, rows.value().data());
        Var cols = Shaping.concat(-1, a, Var.constant(Tensor.of(new float[] {5, 6}, 2, 1)));
        assertEquals(Shape.of(2, 3), cols.shape());
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, cols.value().data());
        // middle axis of rank 3, checked element by element
        Tensor p = Tensor.randn(13, 2, 1, 3);
        Tensor q = Tensor.randn(14, 2, 2, 3);
        Var pq = Shaping.concat(1, Var.constant(p), Var.constant(Tensor.zeros(2, 0, 3)), Var.constant(q));
        assertEquals(Shape.of(2, 3, 3), pq.shape());
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(p.get(i, 0, k), pq.value().get(i, 0, k));
                assertEquals(q.get(i, 0, k), pq.value().get(i, 1, k));
                assertEquals(q.get(i, 1, k), pq.value().get(i, 2, k));
            }
        }
    }

    @Test
    void concatGradients() {
        GradCheck.assertGradients(v -> Shaping.concat(1, v[0], v[1], v[2]),
                Tensor.randn(15, 2, 1, 3), Tensor.randn(16, 2, 2, 3), Tensor.randn(17, 2, 3, 3));
        GradCheck.assertGradients(v -> Shaping.concat(0, v[0], v[1]), Tensor.randn(18, 1, 2), Tensor.randn(19, 2, 2));
        GradCheck.assertGradients(v -> Shaping.concat(-1, v[0], v[0]), Tensor.randn(20, 3));
    }

    @Test
    void concatSkipsInputsThatNeedNoGradient() {
        Var p = Var.parameter(Tensor.zeros(2, 1));
        Var c = Var.constant(Tensor.zeros(2, 2));
        Shaping.concat(1, c, p).backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {3, 6}, p.grad().data());
        assertNull(c.grad());
    }

    @Test
    void concatErrorsListTheShapes() {
        Var a = Var.constant(Tensor.zeros(2, 3));
        Var b = Var.constant(Tensor.zeros(3, 3));
        Var c = Var.constant(Tensor.zeros(2, 1));
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.concat(1, a, b, c)),
                "concat", "axis 1", "[2, 3], [3, 3], [2, 1]");
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.concat(0, a, Var.constant(Tensor.zeros(2, 3, 1)))),
                "concat", "[2, 3], [2, 3, 1]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.concat(2, a, b)),
                "concat", "axis 2", "[-2, 2)", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.concat(0)), "concat", "got 0");
    }

    @Test
    void splitCutsConsecutivePieces() {
        Var x = Var.constant(Tensor.arange(2, 5));
        Var[] parts = Shaping.split(x, 1, 2, 0, 3);
        assertEquals(3, parts.length);
        assertEquals(Shape.of(2, 2), parts[0].shape());
        assertArrayEquals(new float[] {0, 1, 5, 6}, parts[0].value().data());
        assertEquals(Shape.of(2, 0), parts[1].shape());
        assertArrayEquals(new float[] {2, 3, 4, 7, 8, 9}, parts[2].value().data());
        Var[] rows = Shaping.split(x, -2, 1, 1);
        assertArrayEquals(new float[] {5, 6, 7, 8, 9}, rows[1].value().data());
    }

    @Test
    void splitGradients() {
        GradCheck.assertGradients(v -> projectedSum(Shaping.split(v[0], 1, 1, 3, 2), 21), Tensor.randn(22, 2, 6, 2));
        GradCheck.assertGradients(v -> projectedSum(Shaping.split(v[0], -1, 2, 1), 23), Tensor.randn(24, 1, 3));
        GradCheck.assertGradients(v -> projectedSum(Shaping.split(v[0], 0, 4), 25), Tensor.randn(26, 4));
    }

    @Test
    void splitErrorsNameSizesAndShape() {
        Var x = Var.constant(Tensor.zeros(2, 5));
        assertMessage(assertThrows(ShapeException.class, () -> Shaping.split(x, 1, 2, 2)),
                "split", "[2, 2]", "add up to 4", "5", "[2, 5]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.split(x, 1, 6, -1)),
                "split", "sizes[1] = -1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.split(x, 2, 5)),
                "split", "axis 2", "[-2, 2)", "[2, 5]");
    }

    @Test
    void sliceFollowsPythonSlicing() {
        Var x = Var.constant(Tensor.arange(2, 5));
        Var mid = Shaping.slice(x, 1, 1, 4);
        assertEquals(Shape.of(2, 3), mid.shape());
        assertArrayEquals(new float[] {1, 2, 3, 6, 7, 8}, mid.value().data());
        assertArrayEquals(new float[] {3, 4, 8, 9}, Shaping.slice(x, -1, -2, 5).value().data());
        assertArrayEquals(new float[] {0, 1, 2, 3, 5, 6, 7, 8}, Shaping.slice(x, 1, 0, -1).value().data());
        // out-of-range bounds are clamped, and end <= start gives an empty axis
        assertArrayEquals(new float[] {5, 6, 7, 8, 9}, Shaping.slice(x, 0, 1, 100).value().data());
        assertArrayEquals(x.value().data(), Shaping.slice(x, 0, -100, Integer.MAX_VALUE).value().data());
        assertEquals(Shape.of(2, 0), Shaping.slice(x, 1, 4, 2).shape());
        assertEquals(Shape.of(0, 5), Shaping.slice(x, 0, 7, 9).shape());
    }

    @Test
    void sliceGradientIsZeroOutsideTheRange() {
        Var x = Var.parameter(Tensor.zeros(2, 4));
        Shaping.slice(x, 1, 1, 3).backward(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[] {0, 1, 2, 0, 0, 3, 4, 0}, x.grad().data());
    }

    @Test
    void sliceGradients() {
        GradCheck.assertGradients(v -> Shaping.slice(v[0], 1, 1, -1), Tensor.randn(27, 2, 5, 3));
        GradCheck.assertGradients(v -> Shaping.slice(v[0], -1, -2, 10), Tensor.randn(28, 3, 1, 4));
        GradCheck.assertGradients(v -> Shaping.slice(v[0], 0, 0, 1), Tensor.randn(29, 3, 2));
    }

    @Test
    void sliceRejectsAnAxisOutOfRange() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shaping.slice(Var.constant(Tensor.zeros(2, 3)), -3, 0, 1)),
                "slice", "axis -3", "[-2, 2)", "[2, 3]");
    }

    // ----- helpers -----

    /** Permutes by walking output positions and reading x at the permuted multi-index, one element at a time. */
    static Tensor naivePermute(Tensor x, int[] axes) {
        int r = x.rank();
        int[] perm = new int[r];
        int[] outDims = new int[r];
        for (int d = 0; d < r; d++) {
            perm[d] = axes[d] < 0 ? axes[d] + r : axes[d];
            outDims[d] = x.shape().dim(perm[d]);
        }
        Tensor out = Tensor.zeros(outDims);
        int[] o = new int[r];
        int[] in = new int[r];
        for (int flat = 0; flat < out.size(); flat++) {
            for (int d = r - 1, rest = flat; d >= 0; d--) {
                o[d] = rest % outDims[d];
                rest /= outDims[d];
            }
            for (int d = 0; d < r; d++) {
                in[perm[d]] = o[d];
            }
            out.set(x.get(in), o);
        }
        return out;
    }

    /** Σₖ sum(pieceₖ ⊙ rₖ) with a fixed random rₖ per piece, so every piece's gradient is checked separately. */
    static Var projectedSum(Var[] pieces, long seed) {
        Var total = Var.constant(Tensor.scalar(0f));
        for (int k = 0; k < pieces.length; k++) {
            Tensor r = Tensor.randn(new java.util.Random(seed + k), pieces[k].shape());
            total = total.add(pieces[k].mul(Var.constant(r)).sum());
        }
        return total;
    }

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
        }
    }
}
