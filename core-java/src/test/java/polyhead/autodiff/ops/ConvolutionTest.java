package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.DirectConvolution;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Im2col;
import polyhead.tensor.Parallel;
import polyhead.tensor.ProductsOnly;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class ConvolutionTest {
    @Test
    void handComputedValidConvolution() {
        // x = [[0,1,2],[3,4,5],[6,7,8]], w = [[1,2],[3,4]], b = 0.5:
        // y[0,0] = 0·1+1·2+3·3+4·4 = 27, y[0,1] = 1·1+2·2+4·3+5·4 = 37, y[1,0] = 57, y[1,1] = 67
        Var x = Var.constant(Tensor.arange(1, 1, 3, 3));
        Var w = Var.constant(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Var b = Var.constant(Tensor.of(new float[] {0.5f}, 1));
        Var y = Convolution.conv2d(x, w, b, 1, 0);
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertArrayEquals(new float[] {27.5f, 37.5f, 57.5f, 67.5f}, y.value().data());
    }

    @Test
    void handComputedPaddedStridedConvolution() {
        // 3x3 box filter over arange(9) padded by 1, stride 2: windows centred on the four corners
        Var x = Var.constant(Tensor.arange(1, 1, 3, 3));
        Var w = Var.constant(Tensor.ones(1, 1, 3, 3));
        Var y = Convolution.conv2d(x, w, null, 2, 1);
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertArrayEquals(new float[] {0 + 1 + 3 + 4, 1 + 2 + 4 + 5, 3 + 4 + 6 + 7, 4 + 5 + 7 + 8}, y.value().data());
    }

    /** {N, C, H, W, O, kh, kw, sh, sw, ph, pw, withBias}. */
    private static final int[][] SETTINGS = {
        {2, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 1},
        {2, 3, 6, 7, 2, 3, 2, 2, 2, 1, 1, 0},
        {1, 2, 7, 5, 3, 2, 3, 2, 1, 2, 0, 1},
        {3, 1, 4, 4, 2, 1, 1, 1, 1, 0, 0, 1},
        {1, 2, 5, 8, 3, 5, 3, 2, 3, 2, 1, 1},
        {2, 2, 3, 3, 1, 5, 5, 1, 1, 1, 1, 0},
        {2, 2, 6, 6, 3, 3, 3, 2, 2, 1, 1, 1},
    };

    @Test
    void matchesNaiveConvolutionAtManySettings() {
        long seed = 100;
        for (int[] s : SETTINGS) {
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor w = Tensor.randn(seed++, s[4], s[1], s[5], s[6]);
            Tensor b = s[11] == 1 ? Tensor.randn(seed++, s[4]) : null;
            Var y = Convolution.conv2d(Var.constant(x), Var.constant(w), b == null ? null : Var.constant(b),
                    s[7], s[8], s[9], s[10]);
            Tensor expected = naiveConv2d(x, w, b, s[7], s[8], s[9], s[10]);
            assertEquals(expected.shape(), y.shape(), Arrays.toString(s));
            assertArrayEquals(expected.data(), y.value().data(), 1e-4f, Arrays.toString(s));
        }
    }

    @Test
    void squareOverloadEqualsRectangularOne() {
        Tensor x = Tensor.randn(1, 2, 3, 6, 5);
        Tensor w = Tensor.randn(2, 4, 3, 3, 3);
        Tensor b = Tensor.randn(3, 4);
        Var square = Convolution.conv2d(Var.constant(x), Var.constant(w), Var.constant(b), 2, 1);
        Var rect = Convolution.conv2d(Var.constant(x), Var.constant(w), Var.constant(b), 2, 2, 1, 1);
        assertEquals(Shape.of(2, 4, 3, 3), square.shape());
        assertArrayEquals(rect.value().data(), square.value().data(), 0f);
    }

    @Test
    void outputSizeRoundsDown() {
        // (6 − 3)/2 + 1 = 2 rows: the last input row is never reached, as in PyTorch
        Var y = Convolution.conv2d(Var.constant(Tensor.zeros(1, 1, 6, 7)), Var.constant(Tensor.zeros(1, 1, 3, 2)),
                null, 2, 3, 0, 1);
        assertEquals(Shape.of(1, 1, 2, 3), y.shape());
    }

    @Test
    void gradientsWithRespectToInputWeightAndBias() {
        // {N, C, H, W, O, kh, kw, sh, sw, ph, pw}
        int[][] settings = {
            {2, 2, 4, 5, 3, 3, 2, 1, 1, 1, 1},
            {1, 3, 5, 4, 2, 2, 3, 2, 1, 0, 2},
            {2, 1, 5, 5, 2, 3, 3, 2, 2, 2, 2},
        };
        long seed = 200;
        for (int[] s : settings) {
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor w = Tensor.randn(seed++, s[4], s[1], s[5], s[6]);
            Tensor b = Tensor.randn(seed++, s[4]);
            GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], v[2], s[7], s[8], s[9], s[10]), x, w, b);
        }
        // without bias, square overload
        GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], null, 1, 0),
                Tensor.randn(210, 2, 2, 4, 4), Tensor.randn(211, 3, 2, 2, 2));
    }

    @Test
    void gradientsFlowOnlyToOperandsThatNeedThem() {
        Var x = Var.constant(Tensor.randn(300, 2, 2, 4, 4));
        Var w = Var.parameter(Tensor.randn(301, 3, 2, 3, 3));
        Var b = Var.constant(Tensor.randn(302, 3));
        Convolution.conv2d(x, w, b, 1, 1).sum().backward();
        assertNull(x.grad());
        assertNull(b.grad());
        assertNotNull(w.grad());
        // with a ones output gradient, ∂/∂b[o] = N·Ho·Wo
        Var b2 = Var.parameter(Tensor.zeros(3));
        Convolution.conv2d(x, Var.constant(w.value()), b2, 1, 1).sum().backward();
        assertArrayEquals(new float[] {32, 32, 32}, b2.grad().data());
    }

    /**
     * Samples go through the installed GEMM in groups: one product for a small batch whose columns fit the buffer;
     * a convolution of at least PARALLEL_FLOPS is cut into MIN_GROUPS groups for the cores to share.
     */
    @Test
    void forwardIsOneGemmPerGroupOfSamplesThroughTheInstalledGemm() {
        AtomicInteger calls = new AtomicInteger();
        Gemm previous = Gemms.current();
        Gemm counting = new Gemm() {
            @Override
            public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b,
                             int bOffset, float[] c, int cOffset, boolean accumulate) {
                calls.incrementAndGet();
                previous.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
            }

            @Override
            public String name() {
                return "counting";
            }
        };
        Gemms.use(counting);
        try {
            Var x = Var.constant(Tensor.randn(1, 3, 2, 5, 5));
            Var w = Var.constant(Tensor.randn(2, 4, 2, 3, 3));
            Convolution.conv2d(x, w, null, 1, 1);
            assertEquals(1, calls.get());
            // columns of 18×25 floats per sample, at most 2 samples per group: groups of 2 and 1
            calls.set(0);
            Convolution.conv2d(x, w, null, 1, 1, 1, 1, 2 * 18 * 25 + 17);
            assertEquals(2, calls.get());
            // 80 samples of 20×20: 2·80·4·18·400 = 4.6 MFLOP, so at least 8 groups (of 10); the default buffer may
            // cut them smaller
            calls.set(0);
            int perGroup = Math.min(10, Convolution.GROUP_FLOATS / (18 * 400));
            Convolution.conv2d(Var.constant(Tensor.randn(2, 80, 2, 20, 20)), w, null, 1, 1);
            assertEquals((80 + perGroup - 1) / perGroup, calls.get());
            assertTrue(calls.get() >= Convolution.MIN_GROUPS);
        } finally {
            Gemms.use(previous);
        }
    }

    /**
     * Convolutions large enough to be shared over the cores: the same values and gradients, bit for bit, with the
     * groups in parallel, in turn (products in parallel), and all on one thread; and they agree with the definition (forward and all three gradients). Odd
     * sizes, stride 2 and padding, and a last group that is not full.
     */
    @Test
    void parallelGroupsGiveTheSequentialResultsBitForBit() {
        // {N, C, H, W, O, kh, kw, sh, sw, ph, pw}, each at least PARALLEL_FLOPS
        // the last: enough weight-gradient values from enough groups (at least 8 × 5,000) that the groups' parts are
        // summed over all cores
        int[][] settings = {{40, 4, 14, 14, 8, 3, 3, 1, 1, 1, 1}, {131, 5, 15, 13, 7, 4, 3, 2, 2, 1, 1},
            {37, 3, 17, 11, 10, 5, 5, 1, 2, 0, 2}, {64, 10, 10, 10, 20, 5, 5, 1, 1, 0, 0}};
        long seed = 900;
        for (int[] s : settings) {
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor w = Tensor.randn(seed++, s[4], s[1], s[5], s[6]);
            Tensor b = Tensor.randn(seed++, s[4]);
            long gSeed = seed++;
            Tensor[] parallel = convAndGradients(x, w, b, s, gSeed, true);
            Tensor[] sequential = Parallel.sequentially(() -> convAndGradients(x, w, b, s, gSeed, true));
            Tensor[] groupsInTurn = convAndGradients(x, w, b, s, gSeed, false);
            for (int i = 0; i < parallel.length; i++) {
                assertArrayEquals(sequential[i].data(), parallel[i].data(), Arrays.toString(s) + ", output " + i);
                assertArrayEquals(sequential[i].data(), groupsInTurn[i].data(), Arrays.toString(s) + ", output " + i);
            }
            Tensor g = Tensor.randn(gSeed, parallel[0].shape().dims());
            Tensor[] expected = naiveGradients(x, w, g, s[7], s[8], s[9], s[10]);
            assertArrayEquals(naiveConv2d(x, w, b, s[7], s[8], s[9], s[10]).data(), parallel[0].data(), 1e-4f);
            assertArrayEquals(expected[0].data(), parallel[1].data(), 1e-4f, Arrays.toString(s) + " dx");
            assertArrayEquals(expected[1].data(), parallel[2].data(), 2e-3f, Arrays.toString(s) + " dw");
            assertArrayEquals(expected[2].data(), parallel[3].data(), 2e-3f, Arrays.toString(s) + " db");
        }
    }

    /** y = conv2d(x, w, b) and, for the output gradient randn(gSeed), the gradients of x, w and b. */
    private static Tensor[] convAndGradients(Tensor x, Tensor w, Tensor b, int[] s, long gSeed, boolean parallel) {
        Var xv = Var.parameter(x);
        Var wv = Var.parameter(w);
        Var bv = Var.parameter(b);
        Var y = Convolution.conv2d(xv, wv, bv, s[7], s[8], s[9], s[10], Convolution.GROUP_FLOATS, parallel);
        y.backward(Tensor.randn(gSeed, y.shape().dims()));
        return new Tensor[] {y.value(), xv.grad(), wv.grad(), bv.grad()};
    }

    /**
     * Where the vector GEMM convolves straight from the input (stride 1, no padding, output rows of at least 16), the
     * output is that of im2col and the same GEMM's product, bit for bit: 6- and 4-row tiles, a leftover row, an
     * overlapping last strip, exactly 16 columns, 1×1 kernels; with and without bias; and it agrees with the
     * definition. The GEMM without the kernel is the same one behind a wrapper that only multiplies.
     */
    @Test
    void directConvolutionGivesTheIm2colResultsBitForBit() {
        Gemm vector = Gemms.vector();
        DirectConvolution kernels = Gemms.directConvolutionFor(vector);
        Gemm productsOnly = ProductsOnly.of(vector);
        // {N, C, H, W, O, kh, kw}
        int[][] settings = {{3, 2, 20, 21, 7, 3, 4}, {2, 1, 36, 36, 10, 9, 9}, {2, 3, 10, 19, 8, 2, 3},
            {1, 2, 8, 16, 5, 1, 1}, {2, 4, 12, 40, 24, 3, 3}};
        long seed = 1300;
        Gemm previous = Gemms.current();
        try {
            for (int[] s : settings) {
                Im2col.Geometry geo = new Im2col.Geometry(s[1], s[2], s[3], s[5], s[6], 1, 1, 0, 0);
                assertTrue(kernels.canConvolve(geo, s[4]), Arrays.toString(s));
                Var x = Var.constant(Tensor.randn(seed++, s[0], s[1], s[2], s[3]));
                Var w = Var.constant(Tensor.randn(seed++, s[4], s[1], s[5], s[6]));
                Var b = Var.constant(Tensor.randn(seed++, s[4]));
                for (Var bias : new Var[] {b, null}) {
                    Gemms.use(vector);
                    Tensor direct = Convolution.conv2d(x, w, bias, 1, 0).value();
                    Gemms.use(productsOnly);
                    Tensor im2col = Convolution.conv2d(x, w, bias, 1, 0).value();
                    assertArrayEquals(im2col.data(), direct.data(), Arrays.toString(s) + (bias == null ? "" : " bias"));
                    Tensor naive = naiveConv2d(x.value(), w.value(), bias == null ? null : b.value(), 1, 1, 0, 0);
                    assertArrayEquals(naive.data(), direct.data(), 1e-4f, Arrays.toString(s));
                }
            }
            Gemms.use(vector);
            assertFalse(kernels.canConvolve(new Im2col.Geometry(1, 20, 20, 3, 3, 2, 2, 0, 0), 8), "stride 2");
            assertFalse(kernels.canConvolve(new Im2col.Geometry(1, 20, 20, 3, 3, 1, 1, 1, 1), 8), "padding");
            assertFalse(kernels.canConvolve(new Im2col.Geometry(1, 20, 17, 3, 3, 1, 1, 0, 0), 8), "rows of 15");
            assertFalse(kernels.canConvolve(new Im2col.Geometry(1, 20, 20, 3, 3, 1, 1, 0, 0), 3), "3 channels");
            // gradients through the direct forward pass
            GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], v[2], 1, 0),
                    Tensor.randn(seed++, 1, 2, 4, 18), Tensor.randn(seed++, 5, 2, 2, 3), Tensor.randn(seed, 5));
        } finally {
            Gemms.use(previous);
        }
    }

    /**
     * The direct weight gradient ({@code DirectConvolution.weightGradient}, stride 1, no padding, kernels 3k wide): the
     * vector GEMM's kernel against the definition, for W2's first layer, several channels with output rows that are not
     * a multiple of 8 (padding in the copies), output channels in blocks of 5 or 3 and a last one or two, non-zero
     * offsets, and accumulating; after a wider geometry has left data in the thread's buffers. Then, where the CPU
     * takes that path in a convolution, the weight gradient through conv2d agrees with the products-only GEMM's, and
     * passes the finite-difference check.
     */
    @Test
    void directWeightGradientMatchesTheDefinition() {
        polyhead.tensor.VectorGemm vector = new polyhead.tensor.VectorGemm(1);
        DirectConvolution direct = vector.directConvolution();
        // {C, H, W, O, kh, kw}
        int[][] settings = {{1, 36, 36, 10, 9, 9}, {3, 9, 13, 5, 2, 3}, {2, 12, 10, 15, 3, 3}, {2, 12, 10, 4, 3, 3},
            {1, 9, 20, 7, 2, 6}, {1, 36, 36, 10, 9, 9}};
        java.util.Random rng = new java.util.Random(77);
        for (int[] s : settings) {
            Im2col.Geometry geo = new Im2col.Geometry(s[0], s[1], s[2], s[4], s[5], 1, 1, 0, 0);
            int o = s[3];
            int ho = geo.outHeight();
            int wo = geo.outWidth();
            float[] x = Tensor.randn(rng, polyhead.tensor.Shape.of(3 + geo.inputSize())).data();
            float[] g = Tensor.randn(rng, polyhead.tensor.Shape.of(5 + o * ho * wo)).data();
            float[] dwt = Tensor.randn(rng, polyhead.tensor.Shape.of(4 + geo.colRows() * o)).data();
            float[] before = dwt.clone();
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] got = before.clone();
                direct.weightGradient(geo, o, x, 3, g, 5, got, 2, accumulate);
                for (int ch = 0; ch < s[0]; ch++) {
                    for (int p = 0; p < s[4]; p++) {
                        for (int q = 0; q < s[5]; q++) {
                            int r = (ch * s[4] + p) * s[5] + q;
                            for (int oc = 0; oc < o; oc++) {
                                double sum = accumulate ? before[2 + r * o + oc] : 0;
                                for (int i = 0; i < ho; i++) {
                                    for (int j = 0; j < wo; j++) {
                                        sum += (double) x[3 + (ch * s[1] + i + p) * s[2] + j + q]
                                                * g[5 + (oc * ho + i) * wo + j];
                                    }
                                }
                                assertEquals(sum, got[2 + r * o + oc], 1e-4 * (1 + Math.abs(sum)),
                                        Arrays.toString(s) + " acc " + accumulate + " at " + r + "," + oc);
                            }
                        }
                    }
                }
                assertEquals(before[0], got[0], 0f, "before dwt");
                assertEquals(before[got.length - 1], got[got.length - 1], 0f, "after dwt");
            }
        }
        assertThrows(UnsupportedOperationException.class, () -> direct.weightGradient(
                new Im2col.Geometry(1, 10, 10, 2, 2, 1, 1, 0, 0), 5, new float[100], 0, new float[405], 0,
                new float[20], 0, false), "kernel width 2");

        Gemm previous = Gemms.current();
        Gemm productsOnly = ProductsOnly.of(vector);
        try {
            Im2col.Geometry w2 = new Im2col.Geometry(1, 36, 36, 9, 9, 1, 1, 0, 0);
            assertTrue(direct.canWeightGradient(w2, 10), "W2's first layer takes the direct weight gradient");
            Tensor xt = Tensor.randn(901, 3, 2, 12, 14);
            Tensor wt = Tensor.randn(902, 5, 2, 3, 3);
            Tensor[] grads = new Tensor[2];
            Gemm[] gemms = {vector, productsOnly};
            for (int k = 0; k < 2; k++) {
                Gemms.use(gemms[k]);
                Var xv = Var.constant(xt);
                Var wv = Var.parameter(wt.copy());
                Convolution.conv2d(xv, wv, null, 1, 0).sum().backward();
                grads[k] = wv.grad();
            }
            assertArrayEquals(grads[1].data(), grads[0].data(), 1e-4f, "direct against im2col weight gradient");
            Gemms.use(vector);
            GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], v[2], 1, 0),
                    Tensor.randn(903, 2, 1, 5, 12), Tensor.randn(904, 5, 1, 3, 3), Tensor.randn(905, 5));
        } finally {
            Gemms.use(previous);
        }
    }

    /**
     * Input gradients at stride 1 without padding and short output rows go through G padded to the input's width, one
     * col2im run per kernel position: against the definition, for a rectangular kernel, several samples per group
     * (small inputs), W2's second layer and a 1×1 kernel; then the finite-difference check.
     */
    @Test
    void inputGradientThroughPaddedRowsMatchesTheDefinition() {
        // {N, C, H, W, O, kh, kw}
        int[][] settings = {{3, 2, 7, 9, 4, 3, 4}, {2, 10, 14, 14, 20, 5, 5}, {4, 3, 5, 6, 2, 2, 2}, {2, 2, 4, 5, 3, 1, 1}};
        long seed = 2100;
        assertTrue(Gemms.current().prefersPaddedRows(), "the tests run with the vector GEMM, which takes this path");
        for (int[] s : settings) {
            Tensor xt = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor wt = Tensor.randn(seed++, s[4], s[1], s[5], s[6]);
            int ho = s[2] - s[5] + 1;
            int wo = s[3] - s[6] + 1;
            Tensor g = Tensor.randn(seed++, s[0], s[4], ho, wo);
            Var x = Var.parameter(xt);
            Convolution.conv2d(x, Var.constant(wt), null, 1, 0).backward(g);
            float[] got = x.grad().data();
            for (int n = 0; n < s[0]; n++) {
                for (int c = 0; c < s[1]; c++) {
                    for (int i = 0; i < s[2]; i++) {
                        for (int j = 0; j < s[3]; j++) {
                            double sum = 0;
                            for (int o = 0; o < s[4]; o++) {
                                for (int p = 0; p < s[5]; p++) {
                                    for (int q = 0; q < s[6]; q++) {
                                        int oi = i - p;
                                        int oj = j - q;
                                        if (oi >= 0 && oi < ho && oj >= 0 && oj < wo) {
                                            sum += (double) wt.get(o, c, p, q) * g.get(n, o, oi, oj);
                                        }
                                    }
                                }
                            }
                            assertEquals(sum, got[((n * s[1] + c) * s[2] + i) * s[3] + j], 1e-4 * (1 + Math.abs(sum)),
                                    Arrays.toString(s) + " at " + n + "," + c + "," + i + "," + j);
                        }
                    }
                }
            }
        }
        GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], v[2], 1, 0),
                Tensor.randn(seed++, 2, 2, 6, 7), Tensor.randn(seed++, 3, 2, 3, 2), Tensor.randn(seed, 3));
    }

    /** Groups of one, of several, and a last partial group give the same values and gradients as one group. */
    @Test
    void groupSizeDoesNotChangeResultsOrGradients() {
        // {N, C, H, W, O, kh, kw, sh, sw, ph, pw}: 5 samples, columns of rows·cols floats each
        int[][] settings = {{5, 2, 6, 5, 3, 3, 2, 1, 1, 1, 0}, {5, 3, 7, 7, 2, 3, 3, 2, 2, 1, 1}};
        long seed = 400;
        for (int[] s : settings) {
            Tensor x = Tensor.randn(seed++, s[0], s[1], s[2], s[3]);
            Tensor w = Tensor.randn(seed++, s[4], s[1], s[5], s[6]);
            Tensor b = Tensor.randn(seed++, s[4]);
            Tensor g = null;
            Tensor[] reference = null;
            int perSample = s[1] * s[5] * s[6] * ((s[2] + 2 * s[9] - s[5]) / s[7] + 1) * ((s[3] + 2 * s[10] - s[6]) / s[8] + 1);
            for (int samples : new int[] {5, 1, 2, 3}) {
                Var xv = Var.parameter(x);
                Var wv = Var.parameter(w);
                Var bv = Var.parameter(b);
                Var y = Convolution.conv2d(xv, wv, bv, s[7], s[8], s[9], s[10], samples * perSample);
                if (g == null) {
                    g = Tensor.randn(seed++, y.shape().dims());
                }
                y.backward(g);
                Tensor[] r = {y.value(), xv.grad(), wv.grad(), bv.grad()};
                if (reference == null) {
                    reference = r;
                } else {
                    for (int i = 0; i < r.length; i++) {
                        assertArrayEquals(reference[i].data(), r[i].data(), 1e-4f,
                                Arrays.toString(s) + " groups of " + samples + ", output " + i);
                    }
                }
            }
            GradCheck.assertGradients(v -> Convolution.conv2d(v[0], v[1], v[2], s[7], s[8], s[9], s[10], 2 * perSample),
                    x, w, b);
        }
    }

    @Test
    void rejectsBadStrideAndPadding() {
        Var x = Var.constant(Tensor.zeros(1, 1, 4, 4));
        Var w = Var.constant(Tensor.zeros(1, 1, 2, 2));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, w, null, 1, 0, 0, 0));
        assertEquals("conv2d: strideW must be >= 1, got 0", s.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, w, null, 1, -1));
        assertEquals("conv2d: padH must be >= 0, got -1", p.getMessage());
    }

    @Test
    void rejectsBadShapesNamingThem() {
        Var w = Var.constant(Tensor.zeros(4, 2, 3, 3));
        ShapeException rankX = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(2, 8, 8)), w, null, 1, 0));
        assertEquals("conv2d: input [2, 8, 8] must have rank 4 [N, C, H, W] (weight [4, 2, 3, 3])", rankX.getMessage());

        ShapeException rankW = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(2, 2, 8, 8)), Var.constant(Tensor.zeros(4, 18)), null, 1, 0));
        assertEquals("conv2d: weight [4, 18] must have rank 4 [O, C, kh, kw] (input [2, 2, 8, 8])", rankW.getMessage());

        ShapeException channels = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(2, 3, 8, 8)), w, null, 1, 0));
        assertEquals("conv2d: input [2, 3, 8, 8] has 3 channels but weight [4, 2, 3, 3] expects 2", channels.getMessage());

        ShapeException bias = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(2, 2, 8, 8)), w, Var.constant(Tensor.zeros(1, 4)), 1, 0));
        assertEquals("conv2d: bias [1, 4] must have shape [4], one value per output channel of weight [4, 2, 3, 3] "
                + "(input [2, 2, 8, 8])", bias.getMessage());

        ShapeException big = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(1, 2, 2, 8)), w, null, 1, 0));
        assertEquals("conv2d: kernel 3x3 of weight [4, 2, 3, 3] is larger than input [1, 2, 2, 8] padded by 0x0",
                big.getMessage());
        // the same input fits once padded
        assertEquals(Shape.of(1, 4, 2, 8), Convolution.conv2d(Var.constant(Tensor.zeros(1, 2, 2, 8)), w, null, 1, 1).shape());

        ShapeException empty = assertThrows(ShapeException.class,
                () -> Convolution.conv2d(Var.constant(Tensor.zeros(1, 2, 4, 4)), Var.constant(Tensor.zeros(4, 2, 0, 3)), null, 1, 0));
        assertTrue(empty.getMessage().contains("[4, 2, 0, 3]") && empty.getMessage().contains("[1, 2, 4, 4]"),
                empty.getMessage());
    }

    /**
     * The gradients by their definition, for output gradient g: {dx, dw, db} with dx[n,c,r,q'] and dw[o,c,p,q]
     * the sums of g[n,o,i,j]·w[o,c,p,q] and g[n,o,i,j]·x[n,c,r,q'] over every (n, o, i, j, p, q) that reads
     * x[n,c,r,q'] with r = i·sh − ph + p, q' = j·sw − pw + q; db[o] = Σ g[n,o,·,·].
     */
    static Tensor[] naiveGradients(Tensor x, Tensor w, Tensor g, int sh, int sw, int ph, int pw) {
        int n = x.shape().dim(0);
        int c = x.shape().dim(1);
        int h = x.shape().dim(2);
        int wd = x.shape().dim(3);
        int o = w.shape().dim(0);
        int kh = w.shape().dim(2);
        int kw = w.shape().dim(3);
        int ho = g.shape().dim(2);
        int wo = g.shape().dim(3);
        double[] dx = new double[x.size()];
        double[] dw = new double[w.size()];
        double[] db = new double[o];
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double gv = g.get(in, oc, i, j);
                        db[oc] += gv;
                        for (int ic = 0; ic < c; ic++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int r = i * sh - ph + p;
                                    int col = j * sw - pw + q;
                                    if (r >= 0 && r < h && col >= 0 && col < wd) {
                                        dx[((in * c + ic) * h + r) * wd + col] += gv * w.get(oc, ic, p, q);
                                        dw[((oc * c + ic) * kh + p) * kw + q] += gv * x.get(in, ic, r, col);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Tensor[] {toTensor(dx, x.shape()), toTensor(dw, w.shape()), toTensor(db, Shape.of(o))};
    }

    private static Tensor toTensor(double[] v, Shape shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensor.wrap(shape, f);
    }

    /** The definition, seven nested loops: y[n,o,i,j] = b[o] + Σ_{c,p,q} w[o,c,p,q]·x[n,c,i·sh−ph+p, j·sw−pw+q]. */
    static Tensor naiveConv2d(Tensor x, Tensor w, Tensor b, int sh, int sw, int ph, int pw) {
        int n = x.shape().dim(0);
        int c = x.shape().dim(1);
        int h = x.shape().dim(2);
        int wd = x.shape().dim(3);
        int o = w.shape().dim(0);
        int kh = w.shape().dim(2);
        int kw = w.shape().dim(3);
        int ho = (h + 2 * ph - kh) / sh + 1;
        int wo = (wd + 2 * pw - kw) / sw + 1;
        Tensor y = Tensor.zeros(n, o, ho, wo);
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = b == null ? 0 : b.get(oc);
                        for (int ic = 0; ic < c; ic++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int r = i * sh - ph + p;
                                    int col = j * sw - pw + q;
                                    if (r >= 0 && r < h && col >= 0 && col < wd) {
                                        s += (double) w.get(oc, ic, p, q) * x.get(in, ic, r, col);
                                    }
                                }
                            }
                        }
                        y.set((float) s, in, oc, i, j);
                    }
                }
            }
        }
        return y;
    }
}
