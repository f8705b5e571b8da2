package polyhead.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import polyhead.data.Dataset;
import polyhead.tensor.Shape;

class MmoeSyntheticTest {
    private static final int N = 20_000;

    /** Pearson correlation of a and b. */
    private static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** wᵀx for every row of the dataset's inputs. */
    private static double[] linear(Dataset d, double[] w) {
        int dim = w.length;
        float[] x = d.inputs().data();
        double[] out = new double[d.size()];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < dim; j++) {
                out[i] += w[j] * x[i * dim + j];
            }
        }
        return out;
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * For x ~ N(0, I) the correlation of w₁ᵀx and w₂ᵀx is ρ; its sampling standard error at n = 20,000 is about
     * (1 − ρ²)/√n ≤ 0.006, so 0.02 is over three standard errors.
     */
    @Test
    void linearPartsCorrelateAsRho() {
        double previousLabelCorrelation = -2;
        for (double rho : new double[] {0.5, 0.9, 1.0}) {
            MmoeSynthetic.Generator g = MmoeSynthetic.generator(rho, 7);
            assertEquals(rho, MmoeSynthetic.dot(g.w1(), g.w2()), 1e-12, "cos(w1, w2) = rho at c = 1");
            Dataset d = g.sample(N, 100);
            double r = pearson(linear(d, g.w1()), linear(d, g.w2()));
            assertEquals(rho, r, 0.02, "rho = " + rho);
            double labels = pearson(doubles(d.targets(MmoeSynthetic.Y1).data()), doubles(d.targets(MmoeSynthetic.Y2).data()));
            assertEquals(labels, MmoeSynthetic.labelCorrelation(d), 1e-9, "labelCorrelation is Pearson's r");
            assertTrue(labels > previousLabelCorrelation, "label correlation grows with rho: " + labels);
            previousLabelCorrelation = labels;
        }
        assertTrue(previousLabelCorrelation > 0.95, "at rho = 1 the tasks differ only by noise");
    }

    @Test
    void weightsAreScaledOrthogonalUnitVectors() {
        MmoeSynthetic.Constants k = new MmoeSynthetic.Constants(20, 3.0, 4, 0.0);
        MmoeSynthetic.Generator g = MmoeSynthetic.generator(0.0, k, 1);
        assertEquals(9.0, MmoeSynthetic.dot(g.w1(), g.w1()), 1e-9);
        assertEquals(9.0, MmoeSynthetic.dot(g.w2(), g.w2()), 1e-9);
        assertEquals(0.0, MmoeSynthetic.dot(g.w1(), g.w2()), 1e-9);
        assertEquals(4, g.alpha().length);
        // without noise a label is exactly its function of the linear part
        Dataset d = g.sample(10, 2);
        double[] l1 = linear(d, g.w1());
        for (int i = 0; i < 10; i++) {
            assertEquals(g.label(l1[i]), d.targets(MmoeSynthetic.Y1).data()[i], 1e-4);
        }
    }

    @Test
    void shapesAndDeterminism() {
        MmoeSynthetic.Generator g = MmoeSynthetic.generator(0.5, 3);
        Dataset a = g.sample(64, 9);
        assertEquals(Shape.of(64, 100), a.inputs().shape());
        assertEquals(Shape.of(64), a.targets(MmoeSynthetic.Y1).shape());
        assertEquals(Shape.of(64), a.targets(MmoeSynthetic.Y2).shape());
        Dataset b = MmoeSynthetic.generator(0.5, 3).sample(64, 9);
        assertArrayEquals(a.inputs().data(), b.inputs().data());
        assertArrayEquals(a.targets(MmoeSynthetic.Y2).data(), b.targets(MmoeSynthetic.Y2).data());
        assertFalse(Arrays.equals(a.inputs().data(), g.sample(64, 10).inputs().data()));
        // same seed, other rho: same u1, hence the same first task
        MmoeSynthetic.Generator other = MmoeSynthetic.generator(0.9, 3);
        assertArrayEquals(g.w1(), other.w1());
        assertArrayEquals(a.targets(MmoeSynthetic.Y1).data(), other.sample(64, 9).targets(MmoeSynthetic.Y1).data());
        assertThrows(IllegalArgumentException.class, () -> MmoeSynthetic.generator(1.5, 1));
    }
}
