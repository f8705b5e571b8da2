package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class CrossEntropyTest {
    @Test
    void matchesTheFormulaOnOneSample() {
        Var logits = Var.parameter(Tensor.of(new float[] {1, 2, 3}, 1, 3));
        Var loss = Losses.crossEntropy().apply(logits, Tensor.of(new float[] {0}, 1));
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.log(z) - 1, loss.value().item(), 1e-6);
        loss.backward();
        assertArrayEquals(new float[] {(float) (Math.exp(1) / z - 1), (float) (Math.exp(2) / z),
                (float) (Math.exp(3) / z)}, logits.grad().data(), 1e-6f);
    }

    @Test
    void labelSmoothingFollowsPyTorch() {
        // ℓ = (1−ε)(−log p_y) + (ε/C)·Σ_c(−log p_c), ∂ℓ/∂x_c = p_c − (1−ε)[c=y] − ε/C
        float eps = 0.3f;
        Var logits = Var.parameter(Tensor.of(new float[] {0.5f, -1, 2}, 1, 3));
        Var loss = Losses.crossEntropy(eps, Reduction.SUM).apply(logits, Tensor.of(new float[] {1}, 1));
        double lse = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2));
        double expected = (1 - eps) * (lse + 1) + eps / 3 * ((lse - 0.5) + (lse + 1) + (lse - 2));
        assertEquals(expected, loss.value().item(), 1e-6);
        loss.backward();
        for (int c = 0; c < 3; c++) {
            double p = Math.exp(logits.value().data()[c] - lse);
            double g = p - (c == 1 ? 1 - eps : 0) - eps / 3;
            assertEquals(g, logits.grad().data()[c], 1e-6, "class " + c);
        }
    }

    @Test
    void agreesWithTheComposedFormula() {
        // the fused primitive against logSoftmax ⊙ smoothed one-hot, summed over classes, built from other ops
        for (float eps : new float[] {0f, 0.2f}) {
            for (int[] dims : new int[][] {{5, 4}, {3, 4, 2, 3}, {2, 3, 5}}) {
                Tensor x = Tensor.randn(11, dims).reshape(dims);
                int[] tdims = Shape.of(dims).without(1).dims();
                Tensor t = TestInputs.classes(12, dims[1], tdims);
                Var fused = Var.parameter(x.copy());
                Var composed = Var.parameter(x.copy());
                Var a = Losses.crossEntropy(eps, Reduction.MEAN).apply(fused, t);
                Var b = composed.logSoftmax(1).mul(Var.constant(smoothedOneHot(t, dims, eps))).sum(1, false).neg()
                        .mean();
                assertEquals(b.value().item(), a.value().item(), 1e-5, "loss, eps " + eps);
                a.backward();
                b.backward();
                assertArrayEquals(composed.grad().data(), fused.grad().data(), 1e-6f, "grad, eps " + eps);
            }
        }
    }

    @Test
    void isFiniteForHugeLogits() {
        Var logits = Var.parameter(Tensor.of(new float[] {1000, -1000, 0, -1000, 1000, 0}, 2, 3));
        Var loss = Losses.crossEntropy(0.1f, Reduction.NONE).apply(logits, Tensor.of(new float[] {1, 1}, 2));
        assertTrue(loss.value().isFinite(), loss.value().toString());
        assertEquals(0.9 * 2000 + 0.1 / 3 * (2000 + 1000), loss.value().data()[0], 1e-2);
        loss.backward(Tensor.ones(2));
        assertTrue(logits.grad().isFinite());
    }

    @Test
    void gradientsCheckForEveryReductionMaskSmoothingAndLayout() {
        for (int[] dims : new int[][] {{4, 5}, {3, 4, 2, 3}, {3, 3, 5}}) {
            Tensor x = Tensor.randn(3, dims).reshape(dims);
            Tensor t = TestInputs.classes(4, dims[1], Shape.of(dims).without(1).dims());
            for (Tensor mask : new Tensor[] {null, maskOf(dims[0])}) {
                for (float eps : new float[] {0f, 0.25f}) {
                    for (Reduction r : Reduction.values()) {
                        Loss loss = Losses.crossEntropy(eps, r);
                        GradCheck.Result res = GradCheck.defaults().check(v -> loss.apply(v[0], t, mask), x);
                        assertTrue(res.passed(), Shape.of(dims) + " eps " + eps + " " + r + " mask " + (mask != null)
                                + ": " + res.worst());
                    }
                }
            }
        }
    }

    @Test
    void perPixelMeanDividesBySamplesTimesPositions() {
        Tensor x = Tensor.randn(5, 2, 3, 2, 2);
        Tensor t = TestInputs.classes(6, 3, 2, 2, 2);
        float sum = Losses.crossEntropy(Reduction.SUM).apply(Var.constant(x), t).value().item();
        float mean = Losses.crossEntropy().apply(Var.constant(x), t).value().item();
        assertEquals(sum / 8, mean, 1e-6);
        Var none = Losses.crossEntropy(Reduction.NONE).apply(Var.constant(x), t);
        assertEquals(Shape.of(2, 2, 2), none.shape());
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Loss ce = Losses.crossEntropy();
        assertShapeError("crossEntropy: logits [32, 10] and targets [16] do not match",
                () -> ce.apply(Var.constant(Tensor.zeros(32, 10)), Tensor.zeros(16)));
        assertShapeError("crossEntropy: logits [2, 3, 4, 5] and targets [2, 4] do not match",
                () -> ce.apply(Var.constant(Tensor.zeros(2, 3, 4, 5)), Tensor.zeros(2, 4)));
        assertShapeError("crossEntropy: logits [2, 3, 4] and targets [2, 3] do not match",
                () -> ce.apply(Var.constant(Tensor.zeros(2, 3, 4)), Tensor.zeros(2, 3)));
        assertShapeError("crossEntropy: logits [5] and targets [] do not match",
                () -> ce.apply(Var.constant(Tensor.zeros(5)), Tensor.scalar(1)));
        assertShapeError("crossEntropy: logits [2, 0] and targets [2] have no classes",
                () -> ce.apply(Var.constant(Tensor.zeros(2, 0)), Tensor.zeros(2)));
    }

    @Test
    void invalidTargetsNameTheSampleTheValueAndC() {
        Loss ce = Losses.crossEntropy();
        Var logits = Var.constant(Tensor.zeros(4, 5));
        assertTargetError("crossEntropy: target 5.0 at sample 3 is not a class index in [0, 5)",
                () -> ce.apply(logits, Tensor.of(new float[] {0, 1, 4, 5}, 4)));
        assertTargetError("crossEntropy: target -1.0 at sample 0 is not a class index in [0, 5)",
                () -> ce.apply(logits, Tensor.of(new float[] {-1, 1, 4, 2}, 4)));
        assertTargetError("crossEntropy: target 1.5 at sample 1 is not a class index in [0, 5)",
                () -> ce.apply(logits, Tensor.of(new float[] {0, 1.5f, 4, 2}, 4)));
        assertTargetError("crossEntropy: target NaN at sample 2 is not a class index in [0, 5)",
                () -> ce.apply(logits, Tensor.of(new float[] {0, 1, Float.NaN, 2}, 4)));
        Tensor pixels = Tensor.zeros(2, 3, 4);
        pixels.set(3, 1, 2, 1);
        assertTargetError("crossEntropy: target 3.0 at position [1, 2, 1] is not a class index in [0, 3)",
                () -> ce.apply(Var.constant(Tensor.zeros(2, 3, 3, 4)), pixels));
    }

    /**
     * A batch large enough to be spread over the cores gives the bits of the samples one after another (loss and
     * gradient; with class weights, smoothing, a mask and each reduction), and a bad target is reported for the first
     * bad sample, as in order, though a later one is bad too.
     */
    @Test
    void largeBatchesOverTheCoresGiveTheBitsOfOneCoreAndTheFirstError() {
        java.util.Random rng = new java.util.Random(23);
        int n = 4 * MaskedReduction.SAMPLE_GRAIN + 7;
        int c = 10;
        Tensor x = Tensor.randn(rng, Shape.of(n, c));
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(c);
        }
        Tensor targets = Tensor.of(t, n);
        float[] weights = {1, 2, 0.5f, 1, 1, 3, 1, 1, 0.25f, 1};
        for (Reduction r : Reduction.values()) {
            for (Loss loss : new Loss[] {Losses.crossEntropy(r), Losses.crossEntropy(0.1f, r, weights)}) {
                for (Tensor mask : new Tensor[] {null, maskOf(n)}) {
                    float[][] seq = polyhead.tensor.Parallel.sequentially(
                            () -> lossAndGradient(loss, x, targets, mask));
                    float[][] par = lossAndGradient(loss, x, targets, mask);
                    assertArrayEquals(seq[0], par[0], 0f, r + " loss");
                    assertArrayEquals(seq[1], par[1], 0f, r + " gradient");
                }
            }
        }
        t[n - 3] = c;
        t[2 * MaskedReduction.SAMPLE_GRAIN + 1] = -2;
        assertTargetError("crossEntropy: target -2.0 at sample " + (2 * MaskedReduction.SAMPLE_GRAIN + 1)
                + " is not a class index in [0, 10)", () -> Losses.crossEntropy().apply(Var.parameter(x),
                Tensor.of(t, n)));
    }

    /**
     * The kernel computes the exponentials of many positions at once, about 4,096 values per call: every sample's loss
     * and gradient are the bits it gets alone, for block boundaries inside the batch (300 samples of 30 classes), per
     * position ([N, C, d]: 6 positions a sample, and 500 positions of 10 classes, a sample split over blocks), a
     * position wider than a block (5,000 classes); with class weights and smoothing, and with every third sample masked
     * (its loss and gradient 0). Sums of mean losses would hide a sample's error; the losses are compared unreduced.
     */
    @Test
    void samplesComputedInBlocksEqualEachSampleAlone() {
        java.util.Random rng = new java.util.Random(31);
        int[][] shapes = {{300, 30}, {90, 12, 6}, {2, 10, 500}, {3, 5000}};
        for (int[] dims : shapes) {
            int n = dims[0];
            int c = dims[1];
            int positions = dims.length > 2 ? dims[2] : 1;
            Tensor x = Tensor.randn(rng, Shape.of(dims));
            int[] targetDims = dims.length > 2 ? new int[] {n, positions} : new int[] {n};
            float[] t = new float[n * positions];
            for (int i = 0; i < t.length; i++) {
                t[i] = rng.nextInt(c);
            }
            Tensor targets = Tensor.wrap(Shape.of(targetDims), t);
            float[] weights = new float[c];
            for (int j = 0; j < c; j++) {
                weights[j] = 0.5f + rng.nextInt(4);
            }
            for (Loss loss : new Loss[] {Losses.crossEntropy(Reduction.NONE),
                    Losses.crossEntropy(0.1f, Reduction.NONE, weights)}) {
                float[] m = new float[n];
                for (int i = 0; i < n; i++) {
                    m[i] = i % 3 == 2 ? 0 : 1;
                }
                float[][] all = lossAndGradient(loss, x, targets, null);
                float[][] masked = lossAndGradient(loss, x, targets, Tensor.of(m, n));
                int per = c * positions;
                for (int i = 0; i < n; i++) {
                    int[] one = dims.clone();
                    one[0] = 1;
                    int[] oneTarget = targetDims.clone();
                    oneTarget[0] = 1;
                    Tensor xi = Tensor.wrap(Shape.of(one), Arrays.copyOfRange(x.data(), i * per, (i + 1) * per));
                    Tensor ti = Tensor.wrap(Shape.of(oneTarget),
                            Arrays.copyOfRange(t, i * positions, (i + 1) * positions));
                    float[][] alone = lossAndGradient(loss, xi, ti, null);
                    String what = Arrays.toString(dims) + ", sample " + i;
                    assertArrayEquals(alone[0], Arrays.copyOfRange(all[0], i * positions, (i + 1) * positions), 0f,
                            what + ": loss");
                    assertArrayEquals(alone[1], Arrays.copyOfRange(all[1], i * per, (i + 1) * per), 0f,
                            what + ": gradient");
                    float[] zeros = new float[per];
                    assertArrayEquals(m[i] == 0 ? new float[positions] : alone[0],
                            Arrays.copyOfRange(masked[0], i * positions, (i + 1) * positions), 0f, what + ": masked loss");
                    assertArrayEquals(m[i] == 0 ? zeros : alone[1], Arrays.copyOfRange(masked[1], i * per, (i + 1) * per),
                            0f, what + ": masked gradient");
                }
            }
        }
    }

    private static float[][] lossAndGradient(Loss loss, Tensor x, Tensor targets, Tensor mask) {
        Var logits = Var.parameter(x.copy());
        Var value = loss.apply(logits, targets, mask);
        Var total = value.shape().rank() == 0 ? value : polyhead.autodiff.ops.Reductions.sum(value);
        total.backward();
        return new float[][] {value.value().data().clone(), logits.grad().data().clone()};
    }

    /** (1−ε)·onehot(t) + ε/C over the class axis 1 of {@code dims}. */
    private static Tensor smoothedOneHot(Tensor t, int[] dims, float eps) {
        int n = dims[0];
        int c = dims[1];
        int s = Shape.of(dims).sizeBetween(2, dims.length);
        float[] w = new float[n * c * s];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < s; k++) {
                int y = (int) t.data()[i * s + k];
                for (int j = 0; j < c; j++) {
                    w[(i * c + j) * s + k] = (j == y ? 1 - eps : 0) + eps / c;
                }
            }
        }
        return Tensor.wrap(Shape.of(dims), w);
    }

    private static Tensor maskOf(int n) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = i % 3 == 1 ? 0 : 1;
        }
        return Tensor.of(m, n);
    }

    static void assertShapeError(String prefix, Runnable r) {
        ShapeException e = assertThrows(ShapeException.class, r::run);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    private static void assertTargetError(String message, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(IllegalArgumentException.class, e.getClass());
        assertEquals(message, e.getMessage());
    }
}
