package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * The fused masked softmax of attention: the values and gradients of {@code softmax(maskedFill(x, mask, −∞))} bit for
 * bit, with a mask broadcast over the heads axis; GradCheck; and its shape error.
 */
class MaskedSoftmaxTest {
    /** A mask [2, 1, 3, 4] hiding some keys of each query, never all of them. */
    private static Tensor mask() {
        Random rng = new Random(9);
        float[] m = new float[2 * 3 * 4];
        for (int row = 0; row < 6; row++) {
            int keep = rng.nextInt(4);
            for (int j = 0; j < 4; j++) {
                m[row * 4 + j] = j != keep && rng.nextBoolean() ? 1f : 0f;
            }
        }
        return Tensor.wrap(Shape.of(2, 1, 3, 4), m);
    }

    @Test
    void equalsMaskedFillThenSoftmaxBitForBit() {
        Tensor x = Tensor.randn(new Random(10), Shape.of(2, 3, 3, 4));
        Tensor g = Tensor.randn(new Random(11), Shape.of(2, 3, 3, 4));
        Tensor m = mask();
        Var a = Var.parameter(x.copy());
        Var b = Var.parameter(x.copy());
        Var fused = Activations.maskedSoftmax(a, m);
        Var separate = Indexing.maskedFill(b, m, Float.NEGATIVE_INFINITY).softmax(-1);
        assertArrayEquals(separate.value().data(), fused.value().data());
        fused.backward(g);
        separate.backward(g);
        assertArrayEquals(b.grad().data(), a.grad().data());
        int hidden = 0;
        for (int i = 0; i < fused.value().size(); i++) {
            int row = i / 4;
            if (m.data()[(row / 9) * 12 + (row % 3) * 4 + i % 4] != 0) {
                assertEquals(0f, fused.value().data()[i]);
                assertEquals(0f, a.grad().data()[i]);
                hidden++;
            }
        }
        assertTrue(hidden > 0, "the mask hides something");
    }

    @Test
    void gradientsPassGradCheck() {
        Tensor m = mask();
        GradCheck.Result r = GradCheck.defaults().withEps(1e-3)
                .check(v -> Activations.maskedSoftmax(v[0], m), Tensor.randn(new Random(12), Shape.of(2, 3, 3, 4)));
        assertTrue(r.passed(), r.worst());
    }

    @Test
    void refusesAMaskThatDoesNotBroadcastOverTheRows() {
        ShapeException e = assertThrows(ShapeException.class, () -> Activations.maskedSoftmax(
                Var.constant(Tensor.zeros(2, 3, 4)), Tensor.zeros(2, 3, 5)));
        assertEquals("masked softmax: mask [2, 3, 5] does not broadcast over the rows of input [2, 3, 4]",
                e.getMessage());
    }
}
