package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link DirectConvolution} meets: for each geometry it accepts, the forward pass and the weight
 * gradient agree with im2col and a triple-loop product in double (the bias added last; overwrite and accumulate;
 * operands at non-zero offsets, nothing written outside the output); for each geometry it declines, the kernel
 * throws. And the pairing {@link Gemms} makes: the direct convolution installed with a GEMM gives the bits of im2col
 * and that GEMM's product. A new implementation joins by being added to {@link #implementations()}.
 */
class DirectConvolutionContractTest {
    static List<DirectConvolution> implementations() {
        return List.of(DirectConvolution.NONE, new VectorDirectConvolution());
    }

    /**
     * {C, H, W, O, kh, kw, stride, padding}: accepted by the vector kernels at stride 1 without padding (6- and 4-row
     * tiles, leftover rows, an overlapping last strip, 1×1 kernels; weight gradients in 3×5 and 3×3 blocks with one
     * or two channels left), and declined (stride 2, padding, output rows under 16 or 8, too few or too many output
     * channels, kernels not 3k wide).
     */
    static final int[][] GEOMETRIES = {{2, 20, 21, 7, 3, 4, 1, 0}, {1, 36, 36, 10, 9, 9, 1, 0},
        {3, 10, 19, 8, 2, 3, 1, 0}, {2, 8, 16, 5, 1, 1, 1, 0}, {4, 12, 40, 24, 3, 3, 1, 0}, {2, 12, 10, 15, 3, 3, 1, 0},
        {3, 9, 13, 4, 2, 3, 1, 0}, {1, 9, 20, 7, 2, 6, 1, 0}, {2, 11, 17, 1, 3, 3, 1, 0}, {1, 20, 20, 8, 3, 3, 2, 0},
        {1, 20, 20, 8, 3, 3, 1, 1}, {1, 20, 17, 8, 3, 3, 1, 0}, {1, 20, 20, 3, 3, 3, 1, 0}, {1, 20, 20, 25, 3, 3, 1, 0},
        {1, 10, 10, 5, 2, 2, 1, 0}};

    /** Guards the geometries above against a change of the vector kernels' conditions leaving a case untested. */
    @Test
    void geometriesReachEveryCaseOfTheVectorKernels() {
        DirectConvolution vector = new VectorDirectConvolution();
        long convolves = Arrays.stream(GEOMETRIES).filter(s -> vector.canConvolve(geometry(s), s[3])).count();
        long gradients = Arrays.stream(GEOMETRIES).filter(s -> vector.canWeightGradient(geometry(s), s[3])).count();
        assertTrue(convolves >= 5 && convolves <= GEOMETRIES.length - 5, "forward: accepted and declined");
        assertTrue(gradients >= 5 && gradients <= GEOMETRIES.length - 3, "weight gradient: accepted and declined");
        assertTrue(Arrays.stream(GEOMETRIES).anyMatch(s -> vector.canWeightGradient(geometry(s), s[3]) && s[3] % 3 != 0
                && s[3] % 5 != 0), "weight gradient with one or two channels after the last block");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void convolveMatchesIm2colAndATripleLoop(DirectConvolution kernels) {
        Random rng = new Random(31);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            int o = s[3];
            float[] w = random(rng, o * g.colRows());
            float[] x = random(rng, 3 + g.inputSize());
            float[] bias = random(rng, o);
            int outSize = o * g.colCols();
            if (!kernels.canConvolve(g, o)) {
                assertThrows(UnsupportedOperationException.class,
                        () -> kernels.convolve(g, o, w, bias, x, 3, new float[outSize], 0), Arrays.toString(s));
                continue;
            }
            for (float[] b : new float[][] {bias, null}) {
                float[] y = random(rng, 5 + outSize + 4);
                float[] before = y.clone();
                kernels.convolve(g, o, w, b, x, 3, y, 5);
                double[] expected = product(false, w, columns(g, x, 3), o, g.colCols(), g.colRows());
                for (int oc = 0; oc < o; oc++) {
                    for (int j = 0; j < g.colCols(); j++) {
                        double e = expected[oc * g.colCols() + j] + (b == null ? 0 : b[oc]);
                        assertEquals(e, y[5 + oc * g.colCols() + j], 1e-4 * (1 + Math.abs(e)),
                                Arrays.toString(s) + (b == null ? "" : " bias") + " at " + oc + "," + j);
                    }
                }
                assertUntouched(before, y, 5, outSize, Arrays.toString(s));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void weightGradientMatchesIm2colAndATripleLoop(DirectConvolution kernels) {
        Random rng = new Random(32);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            int o = s[3];
            float[] x = random(rng, 3 + g.inputSize());
            float[] grad = random(rng, 5 + o * g.colCols());
            int size = g.colRows() * o;
            if (!kernels.canWeightGradient(g, o)) {
                assertThrows(UnsupportedOperationException.class,
                        () -> kernels.weightGradient(g, o, x, 3, grad, 5, new float[size], 0, false),
                        Arrays.toString(s));
                continue;
            }
            // ∂Wᵀ = X·Gᵀ, X = im2col(x) [C·kh·kw, Ho·Wo], G the output gradient [O, Ho·Wo]
            float[] gm = Arrays.copyOfRange(grad, 5, grad.length);
            double[] expected = product(true, columns(g, x, 3), gm, g.colRows(), o, g.colCols());
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] dwt = random(rng, 2 + size + 4);
                float[] before = dwt.clone();
                kernels.weightGradient(g, o, x, 3, grad, 5, dwt, 2, accumulate);
                for (int i = 0; i < size; i++) {
                    double e = expected[i] + (accumulate ? before[2 + i] : 0);
                    assertEquals(e, dwt[2 + i], 1e-4 * (1 + Math.abs(e)),
                            Arrays.toString(s) + (accumulate ? " accumulating" : "") + " at " + i);
                }
                assertUntouched(before, dwt, 2, size, Arrays.toString(s));
            }
        }
    }

    /**
     * {@link Gemms#use(Gemm)} installs a GEMM with {@link Gemms#directConvolutionFor}: a direct forward pass must then
     * give the bits of im2col and that GEMM's product (plus the bias), so that convolutions do not depend on which
     * path took them. Any other GEMM, a wrapper included, gets none.
     */
    @Test
    void theDirectConvolutionOfAGemmGivesItsProductsBits() {
        Gemm vector = new VectorGemm(1);
        Gemm wrapper = ProductsOnly.of(vector);
        assertEquals(DirectConvolution.NONE, Gemms.directConvolutionFor(new EjmlGemm()));
        assertEquals(DirectConvolution.NONE, Gemms.directConvolutionFor(wrapper));
        DirectConvolution kernels = Gemms.directConvolutionFor(vector);
        Random rng = new Random(33);
        int accepted = 0;
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            int o = s[3];
            if (!kernels.canConvolve(g, o)) {
                continue;
            }
            accepted++;
            float[] w = random(rng, o * g.colRows());
            float[] x = random(rng, g.inputSize());
            float[] bias = random(rng, o);
            float[] direct = new float[o * g.colCols()];
            kernels.convolve(g, o, w, bias, x, 0, direct, 0);
            float[] cols = new float[g.colRows() * g.colCols()];
            Im2col.im2col(g, x, 0, cols, 0);
            float[] viaProduct = new float[o * g.colCols()];
            vector.gemm(false, false, o, g.colCols(), g.colRows(), w, 0, cols, 0, viaProduct, 0, false);
            for (int i = 0; i < viaProduct.length; i++) {
                float e = viaProduct[i] + bias[i / g.colCols()];
                assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(direct[i]),
                        Arrays.toString(s) + " at " + i);
            }
        }
        assertTrue(accepted > 0, "some geometry takes the direct forward pass");
    }

    @Test
    void gemmsInstallsTheDirectConvolutionWithTheGemm() {
        Gemm previous = Gemms.current();
        try {
            Gemms.use(new EjmlGemm());
            assertEquals(DirectConvolution.NONE, Gemms.directConvolution());
            VectorGemm vector = new VectorGemm(1);
            Gemms.use(vector);
            assertEquals(vector.directConvolution(), Gemms.directConvolution());
            Gemms.use(new EjmlGemm(), vector.directConvolution());
            assertEquals(vector.directConvolution(), Gemms.directConvolution());
        } finally {
            Gemms.use(previous);
        }
    }

    private static Im2col.Geometry geometry(int[] s) {
        return new Im2col.Geometry(s[0], s[1], s[2], s[4], s[5], s[6], s[6], s[7], s[7]);
    }

    /** im2col(x) as a fresh [C·kh·kw, Ho·Wo] matrix. */
    private static float[] columns(Im2col.Geometry g, float[] x, int xOffset) {
        float[] cols = new float[g.colRows() * g.colCols()];
        Im2col.im2col(g, x, xOffset, cols, 0);
        return cols;
    }

    /** A·B (A m×k, B k×n) or, with {@code transB}, A·Bᵀ (B n×k), in double. */
    private static double[] product(boolean transB, float[] a, float[] b, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static void assertUntouched(float[] before, float[] after, int offset, int length, String what) {
        for (int i = 0; i < after.length; i++) {
            if (i < offset || i >= offset + length) {
                assertEquals(before[i], after[i], 0f, what + ": written outside the output at " + i);
            }
        }
    }

    private static float[] random(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
