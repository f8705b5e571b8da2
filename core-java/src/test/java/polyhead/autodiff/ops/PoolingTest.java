package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class PoolingTest {
    /** {N, C, H, W, kh, kw, sh, sw, ph, pw}: overlapping and not, square and not, padding 0–2. */
    private static final int[][] SETTINGS = {
        {2, 3, 4, 4, 2, 2, 2, 2, 0, 0},
        {1, 2, 5, 7, 3, 3, 2, 2, 1, 1},
        {2, 1, 6, 5, 3, 2, 1, 2, 1, 0},
        {1, 1, 7, 7, 4, 4, 3, 3, 2, 2},
        {1, 2, 3, 8, 1, 3, 1, 3, 0, 1},
        {2, 2, 5, 5, 3, 3, 1, 1, 1, 1},
        {2, 3, 5, 7, 2, 2, 2, 2, 0, 0}, // the unrolled 2×2 path, with a row and a column the windows do not reach
    };

    // ----- max pooling -----

    @Test
    void maxPoolHandComputed() {
        Var x = Var.parameter(Tensor.arange(1, 1, 4, 4));
        Var y = Pooling.maxPool2d(x, 2);
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertArrayEquals(new float[] {5, 7, 13, 15}, y.value().data());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}, x.grad().data());
    }

    @Test
    void maxPoolPadsWithMinusInfinityNotZero() {
        // all-negative input: zero padding would win every border window
        Var x = Var.parameter(Tensor.of(new float[] {-1, -2, -3, -4}, 1, 1, 2, 2));
        Var y = Pooling.maxPool2d(x, 2, 1, 1);
        assertArrayEquals(new float[] {-1, -1, -2, -1, -1, -2, -3, -3, -4}, y.value().data());
        y.sum().backward();
        // x00 is the max of 4 windows, x01 and x10 of 2 each, x11 of 1
        assertArrayEquals(new float[] {4, 2, 2, 1}, x.grad().data());
    }

    @Test
    void maxPoolRoutesTiesToTheFirstMaximumInRowMajorOrder() {
        Var ones = Var.parameter(Tensor.ones(1, 1, 3, 3));
        Pooling.maxPool2d(ones, 2, 1, 0).sum().backward();
        // every window's argmax is its top-left element
        assertArrayEquals(new float[] {1, 1, 0, 1, 1, 0, 0, 0, 0}, ones.grad().data());

        Var x = Var.parameter(Tensor.of(new float[] {0, 5, 5, 5}, 1, 1, 2, 2));
        Pooling.maxPool2d(x, 2).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0}, x.grad().data());
    }

    @Test
    void maxPoolPropagatesNaNAndHandlesInfiniteWindows() {
        Var x = Var.parameter(Tensor.of(new float[] {1, Float.NaN, 3, Float.NaN}, 1, 1, 2, 2));
        Var y = Pooling.maxPool2d(x, 2);
        assertTrue(Float.isNaN(y.value().item()));
        y.backward(Tensor.ones(1, 1, 1, 1));
        assertArrayEquals(new float[] {0, 0, 0, 1}, x.grad().data()); // PyTorch's CPU kernel keeps the last NaN
        Var first = Var.parameter(Tensor.of(new float[] {Float.NaN, 5, 1, 2}, 1, 1, 2, 2));
        Var yf = Pooling.maxPool2d(first, 2);
        assertTrue(Float.isNaN(yf.value().item()));
        yf.backward(Tensor.ones(1, 1, 1, 1));
        assertArrayEquals(new float[] {1, 0, 0, 0}, first.grad().data());

        float inf = Float.NEGATIVE_INFINITY;
        Var z = Var.parameter(Tensor.of(new float[] {inf, inf, inf, inf}, 1, 1, 2, 2));
        Var m = Pooling.maxPool2d(z, 2, 2, 1);
        assertArrayEquals(new float[] {inf, inf, inf, inf}, m.value().data());
        m.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, z.grad().data());
    }

    @Test
    void maxPoolMatchesNaiveReference() {
        check(SETTINGS, PoolingTest::naiveMaxPool, s -> v -> Pooling.maxPool2d(v, s[4], s[5], s[6], s[7], s[8], s[9]));
    }

    @Test
    void maxPoolConvenienceOverloadsUsePyTorchDefaults() {
        Var x = Var.constant(Tensor.randn(5, 2, 3, 5, 7));
        Var byKernel = Pooling.maxPool2d(x, 2);
        assertEquals(Shape.of(2, 3, 2, 3), byKernel.shape());
        assertArrayEquals(Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0).value().data(), byKernel.value().data(), 0f);
        assertArrayEquals(Pooling.maxPool2d(x, 3, 3, 2, 2, 1, 1).value().data(),
                Pooling.maxPool2d(x, 3, 2, 1).value().data(), 0f);
    }

    @Test
    void maxPoolGradients() {
        long seed = 40;
        for (int[] s : gradSettings()) {
            // distinct values 0.1 apart, so no window has a tie within the finite-difference step
            GradCheck.assertGradients(v -> Pooling.maxPool2d(v[0], s[4], s[5], s[6], s[7], s[8], s[9]),
                    distinct(seed++, s[0], s[1], s[2], s[3]));
        }
        GradCheck.assertGradients(v -> Pooling.maxPool2d(v[0], 2), distinct(49, 2, 1, 4, 5));
    }

    /**
     * The fused ReLU + max pooling gives relu-then-pool's values and input gradients bit for bit: random inputs with
     * every fourth value negative-only windows, exact zeros of both signs, ties, NaN and infinities; overlapping and
     * padded windows, the 2×2 path, and a tensor large enough to run in parallel ranges.
     */
    @Test
    void reluMaxPoolIsMaxPoolOfReluBitForBit() {
        int[][] settings = Arrays.copyOf(SETTINGS, SETTINGS.length + 1);
        settings[SETTINGS.length] = new int[] {4, 40, 30, 30, 2, 2, 2, 2, 0, 0};
        Random rng = new Random(81);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
        for (int[] s : settings) {
            float[] x = Tensor.randn(rng, Shape.of(s[0], s[1], s[2], s[3])).data();
            for (int i = 0; i < x.length; i++) {
                int r = rng.nextInt(10);
                if (r == 0) {
                    x[i] = specials[rng.nextInt(specials.length)];
                } else if (r < 4) {
                    x[i] = -Math.abs(x[i]); // many windows with no positive value
                }
            }
            Tensor xt = Tensor.wrap(Shape.of(s[0], s[1], s[2], s[3]), x);
            long gSeed = rng.nextLong();
            Tensor[] fused = poolAndGradient(v -> Pooling.reluMaxPool2d(v, s[4], s[5], s[6], s[7], s[8], s[9]), xt,
                    gSeed);
            Tensor[] separate = poolAndGradient(v -> Pooling.maxPool2d(v.relu(), s[4], s[5], s[6], s[7], s[8], s[9]),
                    xt, gSeed);
            for (int i = 0; i < fused[0].size(); i++) {
                assertEquals(bits(separate[0], i), bits(fused[0], i), Arrays.toString(s) + " output " + i);
            }
            for (int i = 0; i < fused[1].size(); i++) {
                assertEquals(bits(separate[1], i), bits(fused[1], i),
                        Arrays.toString(s) + " gradient " + i + " at x = " + x[i]);
            }
        }
    }

    private static int bits(Tensor t, int i) {
        return Float.floatToRawIntBits(t.data()[i]);
    }

    @Test
    void reluMaxPoolGradients() {
        long seed = 90;
        for (int[] s : gradSettings()) {
            // distinct values 0.1 apart, half of them negative, shifted by 0.05 so that none is at ReLU's kink
            Tensor x = distinct(seed++, s[0], s[1], s[2], s[3]);
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) {
                d[i] += 0.05f;
            }
            GradCheck.assertGradients(v -> Pooling.reluMaxPool2d(v[0], s[4], s[5], s[6], s[7], s[8], s[9]), x);
        }
    }

    /**
     * Inputs large enough to be pooled in parallel ranges of planes: the same outputs and input gradients, bit for
     * bit, as on one thread, and the outputs of the definition. The 2×2 path, overlapping padded windows, average.
     */
    @Test
    void parallelRangesGiveTheSequentialResultsBitForBit() {
        int[][] settings = {{4, 40, 30, 30, 2, 2, 2, 2, 0, 0}, {4, 37, 29, 31, 3, 3, 2, 2, 1, 1}};
        long seed = 70;
        for (int[] s : settings) {
            assertTrue(s[0] * s[1] * s[2] * s[3] >= 2 * Pooling.PARALLEL_ELEMENTS, "large enough to run in parallel");
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            for (boolean max : new boolean[] {true, false}) {
                Function<Var, Var> op = max ? v -> Pooling.maxPool2d(v, s[4], s[5], s[6], s[7], s[8], s[9])
                        : v -> Pooling.avgPool2d(v, s[4], s[5], s[6], s[7], s[8], s[9]);
                long gSeed = seed++;
                Tensor[] parallel = poolAndGradient(op, x, gSeed);
                Tensor[] sequential = polyhead.tensor.Parallel.sequentially(() -> poolAndGradient(op, x, gSeed));
                String what = Arrays.toString(s) + (max ? " max" : " avg");
                assertArrayEquals(sequential[0].data(), parallel[0].data(), what);
                assertArrayEquals(sequential[1].data(), parallel[1].data(), what + " gradient");
                Tensor expected = max ? naiveMaxPool(x, s) : naiveAvgPool(x, s);
                assertArrayEquals(expected.data(), parallel[0].data(), 1e-6f, what);
            }
        }
    }

    private static Tensor[] poolAndGradient(Function<Var, Var> op, Tensor x, long gSeed) {
        Var xv = Var.parameter(x);
        Var y = op.apply(xv);
        y.backward(Tensor.randn(gSeed, y.shape().dims()));
        return new Tensor[] {y.value(), xv.grad()};
    }

    // ----- average pooling -----

    @Test
    void avgPoolHandComputed() {
        Var y = Pooling.avgPool2d(Var.constant(Tensor.arange(1, 1, 4, 4)), 2, 2, 0);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, y.value().data());
    }

    @Test
    void avgPoolCountsPaddingInTheDivisor() {
        // every 2x2 window at padding 1 holds one input and three zeros of padding
        Var x = Var.parameter(Tensor.ones(1, 1, 2, 2));
        Var y = Pooling.avgPool2d(x, 2, 2, 1);
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, y.value().data());
        y.sum().backward();
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, x.grad().data());
    }

    @Test
    void avgPoolMatchesNaiveReference() {
        check(SETTINGS, PoolingTest::naiveAvgPool, s -> v -> Pooling.avgPool2d(v, s[4], s[5], s[6], s[7], s[8], s[9]));
        Var x = Var.constant(Tensor.randn(6, 1, 2, 5, 5));
        assertArrayEquals(Pooling.avgPool2d(x, 3, 3, 2, 2, 1, 1).value().data(),
                Pooling.avgPool2d(x, 3, 2, 1).value().data(), 0f);
    }

    @Test
    void avgPoolGradients() {
        long seed = 60;
        for (int[] s : gradSettings()) {
            GradCheck.assertGradients(v -> Pooling.avgPool2d(v[0], s[4], s[5], s[6], s[7], s[8], s[9]),
                    Tensor.randn(seed++, s[0], s[1], s[2], s[3]));
        }
    }

    // ----- global average pooling -----

    @Test
    void globalAvgPoolHandComputed() {
        Var x = Var.parameter(Tensor.arange(1, 2, 2, 2));
        Var y = Pooling.globalAvgPool2d(x);
        assertEquals(Shape.of(1, 2), y.shape());
        assertArrayEquals(new float[] {1.5f, 5.5f}, y.value().data());
        y.backward(Tensor.of(new float[] {4, 8}, 1, 2));
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, x.grad().data());
    }

    @Test
    void globalAvgPoolGradients() {
        GradCheck.assertGradients(v -> Pooling.globalAvgPool2d(v[0]), Tensor.randn(70, 2, 3, 4, 5));
        GradCheck.assertGradients(v -> Pooling.globalAvgPool2d(v[0]), Tensor.randn(71, 1, 2, 1, 3));
        GradCheck.assertGradients(v -> Pooling.globalAvgPool2d(v[0]), Tensor.randn(72, 3, 1, 2, 2));
    }

    // ----- errors -----

    @Test
    void rejectsBadArgumentsNamingThem() {
        Var x = Var.constant(Tensor.zeros(1, 1, 4, 4));
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(x, 3, 1, 2));
        assertEquals("maxPool2d: padH must be in [0, kernelH/2] = [0, 1], got 2", pad.getMessage());
        IllegalArgumentException negPad = assertThrows(IllegalArgumentException.class,
                () -> Pooling.avgPool2d(x, 2, 2, 1, 1, 0, -1));
        assertEquals("avgPool2d: padW must be in [0, kernelW/2] = [0, 1], got -1", negPad.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(x, 0));
        assertEquals("maxPool2d: kernelH must be >= 1, got 0", kernel.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> Pooling.avgPool2d(x, 2, 0, 0));
        assertEquals("avgPool2d: strideH must be >= 1, got 0", stride.getMessage());
    }

    @Test
    void rejectsBadShapesNamingThem() {
        ShapeException rank = assertThrows(ShapeException.class,
                () -> Pooling.maxPool2d(Var.constant(Tensor.zeros(3, 4, 4)), 2));
        assertEquals("maxPool2d: input [3, 4, 4] must have rank 4 [N, C, H, W]", rank.getMessage());
        ShapeException big = assertThrows(ShapeException.class,
                () -> Pooling.avgPool2d(Var.constant(Tensor.zeros(1, 1, 2, 5)), 3, 1, 0));
        assertEquals("avgPool2d: kernel 3x3 is larger than input [1, 1, 2, 5] padded by 0x0", big.getMessage());
        ShapeException empty = assertThrows(ShapeException.class,
                () -> Pooling.maxPool2d(Var.constant(Tensor.zeros(1, 1, 0, 4)), 2, 1, 1));
        assertEquals("maxPool2d: input [1, 1, 0, 4] has an empty spatial dimension", empty.getMessage());
        ShapeException globalRank = assertThrows(ShapeException.class,
                () -> Pooling.globalAvgPool2d(Var.constant(Tensor.zeros(2, 3))));
        assertEquals("globalAvgPool2d: input [2, 3] must have rank 4 [N, C, H, W]", globalRank.getMessage());
        ShapeException globalEmpty = assertThrows(ShapeException.class,
                () -> Pooling.globalAvgPool2d(Var.constant(Tensor.zeros(2, 3, 0, 2))));
        assertEquals("globalAvgPool2d: input [2, 3, 0, 2] has no spatial positions to average", globalEmpty.getMessage());
    }

    // ----- references and helpers -----

    /** Small settings for gradient checks: non-overlapping, overlapping with padding, rectangular. */
    private static int[][] gradSettings() {
        return new int[][] {
            {2, 2, 4, 5, 2, 2, 2, 2, 0, 0},
            {1, 2, 5, 5, 3, 3, 1, 1, 1, 1},
            {1, 1, 6, 5, 3, 2, 2, 1, 1, 0},
        };
    }

    private interface Reference {
        Tensor pool(Tensor x, int[] s);
    }

    private static void check(int[][] settings, Reference reference, Function<int[], Function<Var, Var>> op) {
        long seed = 20;
        for (int[] s : settings) {
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor expected = reference.pool(x, s);
            Var y = op.apply(s).apply(Var.constant(x));
            assertEquals(expected.shape(), y.shape(), Arrays.toString(s));
            assertArrayEquals(expected.data(), y.value().data(), 1e-6f, Arrays.toString(s));
        }
    }

    /** Maximum over the window's positions that lie inside the input. */
    private static Tensor naiveMaxPool(Tensor x, int[] s) {
        return naivePool(x, s, true);
    }

    /** Sum over the window's positions inside the input, divided by the kernel area. */
    private static Tensor naiveAvgPool(Tensor x, int[] s) {
        return naivePool(x, s, false);
    }

    private static Tensor naivePool(Tensor x, int[] s, boolean max) {
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        int kh = s[4];
        int kw = s[5];
        int ho = (h + 2 * s[8] - kh) / s[6] + 1;
        int wo = (w + 2 * s[9] - kw) / s[7] + 1;
        Tensor y = Tensor.zeros(n, c, ho, wo);
        for (int in = 0; in < n; in++) {
            for (int ic = 0; ic < c; ic++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int p = 0; p < kh; p++) {
                            for (int q = 0; q < kw; q++) {
                                int r = i * s[6] - s[8] + p;
                                int col = j * s[7] - s[9] + q;
                                if (r >= 0 && r < h && col >= 0 && col < w) {
                                    double v = x.get(in, ic, r, col);
                                    acc = max ? Math.max(acc, v) : acc + v;
                                }
                            }
                        }
                        y.set((float) (max ? acc : acc / (kh * kw)), in, ic, i, j);
                    }
                }
            }
        }
        return y;
    }

    /** A random permutation of {0, 0.1, 0.2, ...} centred on 0. */
    private static Tensor distinct(long seed, int... dims) {
        int size = Shape.of(dims).size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        float[] d = new float[size];
        for (int i = 0; i < size; i++) {
            d[i] = (order.get(i) - size / 2f) * 0.1f;
        }
        return Tensor.of(d, dims);
    }

    /**
     * The 2×2 max pooling gradient on odd sizes (a last row and column outside every window), with and without the
     * fused ReLU, computed inside a poisoned arena (reused arrays hold NaN, argmax indices Integer.MIN_VALUE), equals
     * a naive reference — zeros, plus each output gradient at its window's maximum — bit for bit, including the sign
     * of zero gradients.
     */
    @Test
    void twoByTwoGradientOnOddSizesInAPoisonedArena() {
        Random rng = new Random(31);
        Shape sx = Shape.of(2, 3, 5, 7);
        Tensor x = Tensor.randn(rng, sx);
        Tensor seed = Tensor.randn(rng, Shape.of(2, 3, 2, 3));
        seed.data()[0] = -0f;
        seed.data()[4] = -0f;
        polyhead.tensor.Arena arena = new polyhead.tensor.Arena(true);
        for (boolean relu : new boolean[] {false, true}) {
            for (int round = 0; round < 3; round++) {
                Var xv = Var.parameter(x.copy());
                float[] got;
                try (polyhead.tensor.Arena.Scope s = arena.open()) {
                    Var y = relu ? Pooling.reluMaxPool2d(xv, 2, 2, 2, 2, 0, 0) : Pooling.maxPool2d(xv, 2, 2, 2, 2, 0, 0);
                    y.backward(seed);
                    got = xv.grad().data().clone();
                }
                float[] expected = new float[sx.size()];
                for (int p = 0; p < 6; p++) {
                    for (int oh = 0; oh < 2; oh++) {
                        for (int ow = 0; ow < 3; ow++) {
                            int best = -1;
                            for (int dy = 0; dy < 2; dy++) {
                                for (int dx = 0; dx < 2; dx++) {
                                    int i = p * 35 + (2 * oh + dy) * 7 + 2 * ow + dx;
                                    if (best < 0 || x.data()[i] > x.data()[best]) {
                                        best = i;
                                    }
                                }
                            }
                            float g = seed.data()[p * 6 + oh * 3 + ow];
                            expected[best] += relu && x.data()[best] <= 0 ? 0f : g;
                        }
                    }
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                            "relu " + relu + ", round " + round + ", element " + i);
                }
            }
        }
    }
}
