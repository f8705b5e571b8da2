package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

class ActivationsTest {
    /** PyTorch: relu(NaN) = NaN, ∂relu/∂x = 0 at x ≤ 0 (±0 included) and 1 above; a NaN input passes the gradient. */
    @Test
    void reluAtZeroNegativeZeroAndNaN() {
        Var x = Var.parameter(Tensor.of(new float[] {-3, -0f, 0, 2, Float.NaN, -Float.MIN_VALUE, Float.MIN_VALUE}, 7));
        Var y = x.relu();
        assertArrayEquals(new float[] {0, 0, 0, 2, Float.NaN, 0, Float.MIN_VALUE}, y.value().data());
        y.backward(Tensor.of(new float[] {10, 20, 30, 40, 50, 60, 70}, 7));
        assertArrayEquals(new float[] {0, 0, 0, 40, 50, 0, 70}, x.grad().data());
        assertEquals(0, Float.floatToRawIntBits(y.value().get(1)), "relu(-0) is +0");
    }

    @Test
    void forwardValuesAgainstClosedForms() {
        Var x = Var.constant(Tensor.of(new float[] {-2, -0.5f, 0, 1.5f}, 4));
        assertArrayEquals(new float[] {0, 0, 0, 1.5f}, x.relu().value().data());
        assertArrayEquals(new float[] {-0.02f, -0.005f, 0, 1.5f}, x.leakyRelu(0.01f).value().data(), 1e-7f);
        assertEquals(1 / (1 + Math.exp(2)), x.sigmoid().value().get(0), 1e-7);
        assertEquals(Math.tanh(1.5), x.tanh().value().get(3), 1e-7);
        // exact GELU x·Φ(x) in double (Python: x*0.5*(1+math.erf(x/math.sqrt(2)))); torch 1.13's float32 kernel
        // prints -0.0455001, 1e-7 off, for x = -2
        float[] gelu = x.gelu().value().data();
        assertEquals((float) -0.04550026389635842, gelu[0], 0f);
        assertEquals((float) -0.15426876936299344, gelu[1], 0f);
        assertEquals(0f, gelu[2], 0f);
        assertEquals((float) 1.399789198096713, gelu[3], 0f);
    }

    @Test
    void sigmoidStaysFiniteForLargeInputs() {
        float[] s = Var.constant(Tensor.of(new float[] {-200, 200}, 2)).sigmoid().value().data();
        assertEquals(0f, s[0], 0f);
        assertEquals(1f, s[1], 0f);
    }

    @Test
    void softmaxIsStableAndNormalized() {
        Var x = Var.constant(Tensor.of(new float[] {1000, 1001, 1002, -5, 0, 5}, 2, 3));
        float[] s = x.softmax(1).value().data();
        double e0 = 1, e1 = Math.exp(1), e2 = Math.exp(2);
        assertEquals(e0 / (e0 + e1 + e2), s[0], 1e-7);
        assertEquals(1.0, s[0] + s[1] + s[2], 1e-6);
        float[] ls = x.logSoftmax(1).value().data();
        assertEquals(-Math.log(1 + Math.exp(5) + Math.exp(10)), ls[3], 1e-5);
        for (float v : ls) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void gradients() {
        Tensor x = Tensor.randn(1, 3, 4);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(d[i]) < 0.05f) {
                d[i] += 0.2f; // keep relu's kink further than eps
            }
        }
        GradCheck.assertGradients(v -> v[0].relu(), x);
        GradCheck.assertGradients(v -> v[0].leakyRelu(0.1f), x);
        GradCheck.assertGradients(v -> v[0].sigmoid(), x);
        GradCheck.assertGradients(v -> v[0].tanh(), x);
        GradCheck.assertGradients(v -> v[0].gelu(), x);
        Tensor y = Tensor.randn(2, 2, 3, 4);
        for (int axis : new int[] {0, 1, 2, -1}) {
            GradCheck.assertGradients(v -> v[0].softmax(axis), y);
            GradCheck.assertGradients(v -> v[0].logSoftmax(axis), y);
        }
    }

    @Test
    void erfMatchesKnownValues() {
        // erf values from tables (Abramowitz & Stegun 7.1)
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-15);
        assertEquals(-0.9999999999984626, Erf.erf(-5.0), 1e-15);
    }
}
