package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class NormalizationLayersTest {
    @Test
    void batchNorm1dStandardizesEachFeatureAndUpdatesRunningStats() {
        BatchNorm bn = BatchNorm.oneD(2);
        // feature 0: 1, 3 (mean 2, biased variance 1, unbiased 2); feature 1: 10, 10 (mean 10, variance 0)
        Tensor x = Tensor.of(new float[] {1, 10, 3, 10}, 2, 2);
        float[] y = bn.call(Var.constant(x)).value().data();
        assertEquals(-1 / Math.sqrt(1 + 1e-5), y[0], 1e-6);
        assertEquals(1 / Math.sqrt(1 + 1e-5), y[2], 1e-6);
        assertEquals(0f, y[1], 0f);
        assertArrayEquals(new float[] {0.2f, 1.0f}, bn.runningMean().data(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.1f * 2, 0.9f}, bn.runningVar().data(), 1e-6f);
        bn.eval();
        float[] e = bn.call(Var.constant(x)).value().data();
        assertEquals((1 - 0.2) / Math.sqrt(1.1 + 1e-5), e[0], 1e-5);
    }

    @Test
    void batchNorm2dMatchesNaivePerChannelStandardization() {
        BatchNorm bn = BatchNorm.twoD(3);
        Tensor x = Tensor.randn(5, 2, 3, 4, 2);
        Tensor y = bn.call(Var.constant(x)).value();
        for (int c = 0; c < 3; c++) {
            double s = 0;
            double ss = 0;
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 2; w++) {
                        s += x.get(n, c, h, w);
                    }
                }
            }
            double mean = s / 16;
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 2; w++) {
                        ss += Math.pow(x.get(n, c, h, w) - mean, 2);
                    }
                }
            }
            double sd = Math.sqrt(ss / 16 + 1e-5);
            assertEquals((x.get(1, c, 2, 1) - mean) / sd, y.get(1, c, 2, 1), 1e-5);
        }
    }

    @Test
    void batchNormGradients() {
        // with respect to the input; the weight and bias gradients are checked against PyTorch in ConvNetReferenceTest
        GradCheck.assertGradients(v -> BatchNorm.twoD(2).call(v[0]), Tensor.randn(6, 3, 2, 2, 2));
        GradCheck.assertGradients(v -> BatchNorm.oneD(3).call(v[0]), Tensor.randn(9, 4, 3));
        GradCheck.assertGradients(v -> BatchNorm.oneD(3).call(v[0]), Tensor.randn(9, 4, 3, 2));
    }

    @Test
    void layerNormMatchesNaiveAndHasGradients() {
        LayerNorm ln = new LayerNorm(4);
        Tensor x = Tensor.randn(10, 3, 4);
        Tensor y = ln.call(Var.constant(x)).value();
        for (int r = 0; r < 3; r++) {
            double mean = 0;
            for (int j = 0; j < 4; j++) {
                mean += x.get(r, j) / 4.0;
            }
            double var = 0;
            for (int j = 0; j < 4; j++) {
                var += Math.pow(x.get(r, j) - mean, 2) / 4.0;
            }
            for (int j = 0; j < 4; j++) {
                assertEquals((x.get(r, j) - mean) / Math.sqrt(var + 1e-5), y.get(r, j), 1e-5);
            }
        }
        GradCheck.assertGradients(v -> new LayerNorm(3, 4).call(v[0]), Tensor.randn(11, 2, 3, 4));
    }

    @Test
    void wrongChannelCountNamesTheShape() {
        ShapeException e = assertThrows(ShapeException.class, () -> BatchNorm.twoD(3).call(Var.constant(Tensor.zeros(2, 4, 5, 5))));
        assertTrue(e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("BatchNorm2d(3)"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> new LayerNorm(5).call(Var.constant(Tensor.zeros(2, 4))));
        assertTrue(e.getMessage().contains("[5]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void dropoutIsIdentityInEvalAndSeededInTraining() {
        Tensor x = Tensor.full(1f, polyhead.tensor.Shape.of(1000));
        Dropout a = new Dropout(0.5f, 3);
        Dropout b = new Dropout(0.5f, 3);
        assertArrayEquals(a.call(Var.constant(x)).value().data(), b.call(Var.constant(x)).value().data());
        a.eval();
        assertArrayEquals(x.data(), a.call(Var.constant(x)).value().data());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 0));
    }
}
