package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

class DropoutsTest {
    @Test
    void sameSeedGivesTheSameMask() {
        Var x = Var.constant(Tensor.randn(1, 4, 50));
        float[] a = Dropouts.dropout(x, 0.5f, new Random(42)).value().data();
        float[] b = Dropouts.dropout(x, 0.5f, new Random(42)).value().data();
        float[] c = Dropouts.dropout(x, 0.5f, new Random(43)).value().data();
        assertArrayEquals(a, b, 0f);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void maskIsOneDrawPerElementInRowMajorOrder() {
        float p = 0.3f;
        Tensor x = Tensor.randn(2, 3, 4, 5);
        float[] y = Dropouts.dropout(Var.constant(x), p, new Random(7)).value().data();
        Random draws = new Random(7);
        for (int i = 0; i < y.length; i++) {
            double expected = draws.nextFloat() < p ? 0 : x.data()[i] / (1.0 - p);
            assertEquals(expected, y[i], 1e-6 * (1 + Math.abs(expected)), "element " + i);
        }
    }

    @Test
    void keepRateAndExpectationMatchOneMinusPOnALargeTensor() {
        int n = 200_000;
        for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
            float[] y = Dropouts.dropout(Var.constant(Tensor.full(2.5f, Shape.of(n))), p,
                    new Random(Float.floatToIntBits(p))).value().data();
            int kept = 0;
            double sum = 0;
            for (float v : y) {
                kept += v != 0 ? 1 : 0;
                sum += v;
            }
            // kept ~ Binomial(n, 1 − p): allow 5 standard deviations
            double sd = Math.sqrt(n * p * (1.0 - p));
            assertEquals(n * (1.0 - p), kept, 5 * sd, "p = " + p);
            // each output is 2.5/(1 − p) with probability 1 − p, else 0: mean 2.5, sd of the mean 2.5·√(p/((1−p)n))
            assertEquals(2.5, sum / n, 5 * 2.5 * Math.sqrt(p / ((1.0 - p) * n)), "p = " + p);
        }
    }

    @Test
    void gradientIsTheScaledMask() {
        float p = 0.4f;
        Var x = Var.parameter(Tensor.randn(3, 6, 7));
        Var y = Dropouts.dropout(x, p, new Random(5));
        y.sum().backward();
        float[] out = y.value().data();
        float[] g = x.grad().data();
        int dropped = 0;
        for (int i = 0; i < g.length; i++) {
            // x has no zeros, so a zero output marks a dropped element
            boolean kept = out[i] != 0;
            dropped += kept ? 0 : 1;
            assertEquals(kept ? 1 / (1 - p) : 0f, g[i], 1e-6f, "element " + i);
        }
        assertTrue(dropped > 0 && dropped < g.length);
    }

    @Test
    void gradCheckWithTheSameMaskOnEveryEvaluation() {
        GradCheck.assertGradients(v -> Dropouts.dropout(v[0], 0.2f, new Random(11)), Tensor.randn(12, 3, 4));
        GradCheck.assertGradients(v -> Dropouts.dropout(v[0], 0.5f, new Random(13)), Tensor.randn(14, 2, 3, 4));
        GradCheck.assertGradients(v -> Dropouts.dropout(v[0], 0.8f, new Random(15)).sum(), Tensor.randn(16, 9));
    }

    @Test
    void zeroProbabilityReturnsTheInputAndDrawsNothing() {
        Var x = Var.parameter(Tensor.randn(17, 3, 3));
        Random rng = new Random(1);
        assertSame(x, Dropouts.dropout(x, 0f, rng));
        assertEquals(new Random(1).nextFloat(), rng.nextFloat());
    }

    @Test
    void nonFiniteInputsPropagateEvenWhereDropped() {
        float[] y = Dropouts.dropout(Var.constant(Tensor.full(Float.NaN, Shape.of(20))), 0.5f,
                new Random(3)).value().data();
        for (float v : y) {
            assertTrue(Float.isNaN(v));
        }
    }

    @Test
    void rejectsProbabilitiesOutsideZeroToOne() {
        Var x = Var.constant(Tensor.zeros(2));
        for (float p : new float[] {-0.1f, 1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dropouts.dropout(x, p, new Random(0)));
            assertEquals("dropout: p must be in [0, 1), got " + p, e.getMessage());
        }
    }
}
