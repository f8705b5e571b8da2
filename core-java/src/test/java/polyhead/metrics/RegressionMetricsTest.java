package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.metrics.TestData.once;
import static polyhead.metrics.TestData.t;
import static polyhead.metrics.TestData.vec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class RegressionMetricsTest {
    private static final double EPS = 1e-15;
    // predictions 1 2 3 4, targets 1.5 2 2 5: residuals −0.5 0 1 −1; ȳ = 2.625
    private static final Tensor P = vec(1, 2, 3, 4);
    private static final Tensor Y = vec(1.5f, 2, 2, 5);

    @Test
    void handComputed() {
        assertEquals((0.25 + 0 + 1 + 1) / 4, once(Metrics.mse(), P, Y), EPS);
        assertEquals((0.5 + 0 + 1 + 1) / 4, once(Metrics.mae(), P, Y), EPS);
        double ssTot = 1.125 * 1.125 + 2 * 0.625 * 0.625 + 2.375 * 2.375; // 7.6875
        assertEquals(1 - 2.25 / ssTot, once(Metrics.r2(), P, Y), EPS);
    }

    @Test
    void nByDPoolsEveryElement() {
        // the same eight numbers as [2, 2]: R² of the pooled elements, not a mean of per-column R²
        Tensor p = t(new int[] {2, 2}, 1, 2, 3, 4);
        Tensor y = t(new int[] {2, 2}, 1.5f, 2, 2, 5);
        assertEquals(once(Metrics.r2(), P, Y), once(Metrics.r2(), p, y), EPS);
        assertEquals(0.5625, once(Metrics.mse(), p, y), EPS);
    }

    @Test
    void r2OfAPerfectAndOfAMeanPredictor() {
        assertEquals(1.0, once(Metrics.r2(), Y, Y), EPS);
        assertEquals(0.0, once(Metrics.r2(), vec(2.625f, 2.625f, 2.625f, 2.625f), Y), EPS);
        assertTrue(once(Metrics.r2(), vec(-10, 10, -10, 10), Y) < 0);
    }

    @Test
    void r2OfConstantTargetsIsNaN() {
        assertTrue(Double.isNaN(once(Metrics.r2(), vec(1, 2, 3), vec(2, 2, 2))));
        assertTrue(Double.isNaN(once(Metrics.r2(), vec(2, 2), vec(2, 2))));
        assertTrue(Double.isNaN(once(Metrics.r2(), vec(1), vec(3))));
        // constant within each batch is fine: SS_tot comes from the running mean
        Metric.Accumulator a = Metrics.r2().newAccumulator();
        a.add(vec(1), vec(1));
        a.add(vec(3), vec(3));
        assertEquals(1.0, a.result(), EPS);
    }

    @Test
    void r2IsStableForLargeOffsetsInAnyBatchSize() {
        // targets around 10^6 with unit spread: the exact value from BigDecimal, then one batch and single samples
        Random rng = new Random(5);
        int n = 2000;
        float[] y = new float[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) (1e6 + rng.nextGaussian());
            p[i] = (float) (y[i] + 0.5 * rng.nextGaussian());
        }
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        for (float v : y) {
            sum = sum.add(new BigDecimal(v));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(n), mc);
        BigDecimal ssTot = BigDecimal.ZERO;
        BigDecimal ssRes = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            ssTot = ssTot.add(new BigDecimal(y[i]).subtract(mean).pow(2), mc);
            ssRes = ssRes.add(new BigDecimal(y[i]).subtract(new BigDecimal(p[i])).pow(2), mc);
        }
        double exact = BigDecimal.ONE.subtract(ssRes.divide(ssTot, mc)).doubleValue();

        assertEquals(exact, once(Metrics.r2(), vec(p), vec(y)), 1e-12);
        Metric.Accumulator single = Metrics.r2().newAccumulator();
        for (int i = 0; i < n; i++) {
            single.add(vec(p[i]), vec(y[i]));
        }
        assertEquals(exact, single.result(), 1e-10);

        // the test can tell: SS_tot = Σy² − n·ȳ² in double is off by far more here
        double sumY = 0;
        double sumY2 = 0;
        for (float v : y) {
            sumY += v;
            sumY2 += (double) v * v;
        }
        double naive = 1 - ssRes.doubleValue() / (sumY2 - sumY * sumY / n);
        assertTrue(Math.abs(naive - exact) > 1e-6, "naive " + naive + " vs exact " + exact);
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.mse(), Tensor.zeros(2, 2), t(new int[] {2, 2}, 0, 1, Float.NaN, 2)));
        assertEquals("mse: target NaN at position [1, 0] is not a finite number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.r2(), Tensor.zeros(2), vec(0, Float.POSITIVE_INFINITY)));
        assertEquals("r2: target Infinity at sample 1 is not a finite number", e.getMessage());
        ShapeException s = assertThrows(ShapeException.class,
                () -> once(Metrics.mae(), Tensor.zeros(3, 1), vec(0, 1, 2)));
        assertEquals("mae: predictions [3, 1] and targets [3] do not match; expected equal shapes [N] or [N, D]",
                s.getMessage());
    }
}
