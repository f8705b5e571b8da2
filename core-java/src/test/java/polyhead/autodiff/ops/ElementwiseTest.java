package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

class ElementwiseTest {
    /** Values in (0.5, 2.5) and (−2.5, −0.5): away from 0 and from the clamp bounds used below. */
    private static Tensor awayFromKinks(long seed, int... dims) {
        Tensor t = Tensor.randn(seed, dims);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            float m = 0.5f + (Math.abs(d[i]) % 2f);
            d[i] = d[i] < 0 ? -m : m;
            if (Math.abs(Math.abs(d[i]) - 1.2f) < 0.05f) {
                d[i] += 0.1f;
            }
        }
        return t;
    }

    @Test
    void forwardValues() {
        Var x = Var.constant(Tensor.of(new float[] {-2, 0.25f, 4}, 3));
        assertArrayEquals(new float[] {(float) Math.exp(-2), (float) Math.exp(0.25), (float) Math.exp(4)}, x.exp().value().data());
        assertArrayEquals(new float[] {2, 0.25f, 4}, x.abs().value().data());
        assertArrayEquals(new float[] {-1, 0.25f, 1}, x.clamp(-1, 1).value().data());
        assertArrayEquals(new float[] {4, 0.0625f, 16}, x.pow(2).value().data());
        assertEquals(2f, Var.constant(Tensor.scalar(4)).sqrt().value().item());
        assertEquals(0f, Var.constant(Tensor.scalar(1)).log().value().item());
    }

    @Test
    void gradients() {
        for (int[] shape : new int[][] {{7}, {2, 3}, {2, 1, 3}}) {
            Tensor x = awayFromKinks(1, shape);
            Tensor pos = ArithmeticTest.positive(Tensor.randn(2, shape));
            GradCheck.assertGradients(v -> v[0].exp(), x);
            GradCheck.assertGradients(v -> v[0].log(), pos);
            GradCheck.assertGradients(v -> v[0].sqrt(), pos);
            GradCheck.assertGradients(v -> v[0].pow(3), x);
            GradCheck.assertGradients(v -> v[0].pow(-1.5f), pos);
            GradCheck.assertGradients(v -> v[0].pow(0), x);
            GradCheck.assertGradients(v -> v[0].abs(), x);
            GradCheck.assertGradients(v -> v[0].clamp(-1.2f, 1.2f), x);
        }
    }

    @Test
    void clampGradientPassesAtTheBoundsAsPyTorch() {
        Var x = Var.parameter(Tensor.of(new float[] {-1, 0, 1, 2}, 4));
        x.clamp(-1, 1).sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 0}, x.grad().data());
    }
}
