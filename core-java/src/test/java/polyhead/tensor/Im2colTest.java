package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Im2colTest {
    /** {C, H, W, kh, kw, sh, sw, ph, pw}: square and not, strides 1–3, paddings 0–2, kernel wider than the input. */
    private static final int[][] GEOMETRIES = {
        {1, 3, 3, 2, 2, 1, 1, 0, 0},
        {2, 5, 5, 3, 3, 1, 1, 1, 1},
        {3, 6, 7, 3, 2, 2, 2, 0, 1},
        {2, 7, 5, 2, 3, 2, 1, 2, 0},
        {1, 8, 5, 5, 3, 3, 2, 2, 2},
        {2, 3, 3, 5, 5, 1, 1, 1, 1},
        {3, 4, 9, 1, 1, 2, 3, 0, 0},
        {2, 12, 21, 3, 3, 1, 1, 1, 1}, // stride 1 with rows of 19-21: col2im's vector additions and their tails
        // stride 1 without padding, output rows of 10 (W2's second layer), 7 and 23 wide: im2col's runs copied as
        // one or two vectors each (ArrayMath.copyRuns)
        {3, 14, 14, 5, 5, 1, 1, 0, 0},
        {2, 9, 9, 3, 3, 1, 1, 0, 0},
        {1, 6, 25, 3, 3, 1, 1, 0, 0},
    };

    private static Im2col.Geometry geometry(int[] s) {
        return new Im2col.Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
    }

    @Test
    void handComputedWithoutPadding() {
        // x = [[0,1,2],[3,4,5],[6,7,8]], 2x2 windows at stride 1: each row is one kernel offset across the 4 windows
        Im2col.Geometry g = new Im2col.Geometry(1, 3, 3, 2, 2, 1, 1, 0, 0);
        float[] cols = new float[g.colRows() * g.colCols()];
        Im2col.im2col(g, Tensor.arange(9).data(), 0, cols, 0);
        assertArrayEquals(new float[] {
            0, 1, 3, 4,
            1, 2, 4, 5,
            3, 4, 6, 7,
            4, 5, 7, 8}, cols);
    }

    @Test
    void handComputedWithPaddingAndStride() {
        // x = [[1,2],[3,4]], one 3x3 window at padding 1 covering rows and columns -1..1
        Im2col.Geometry g = new Im2col.Geometry(1, 2, 2, 3, 3, 2, 2, 1, 1);
        assertEquals(1, g.outHeight());
        assertEquals(1, g.outWidth());
        float[] cols = new float[9];
        Im2col.im2col(g, new float[] {1, 2, 3, 4}, 0, cols, 0);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 3, 4}, cols);
    }

    @Test
    void matchesNaiveReferenceAtManyGeometries() {
        Random rng = new Random(11);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            float[] x = Tensor.randn(rng, Shape.of(g.inputSize())).data();
            float[] cols = new float[g.colRows() * g.colCols()];
            Arrays.fill(cols, 99f); // every entry must be overwritten
            Im2col.im2col(g, x, 0, cols, 0);
            assertArrayEquals(naiveIm2col(g, x), cols, "geometry " + g);
        }
    }

    /** Samples side by side in one wider matrix: each sample's columns are its own column matrix, untouched around. */
    @Test
    void rowStrideLaysSamplesSideBySide() {
        Random rng = new Random(13);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            int rows = g.colRows();
            int cols = g.colCols();
            int samples = 3;
            int ld = samples * cols + 2; // wider than needed: the last two columns must stay untouched
            float[] x = Tensor.randn(rng, Shape.of(samples * g.inputSize())).data();
            float[] wide = new float[5 + rows * ld];
            Arrays.fill(wide, 99f);
            for (int j = 0; j < samples; j++) {
                Im2col.im2col(g, x, j * g.inputSize(), wide, 5 + j * cols, ld);
            }
            for (int j = 0; j < samples; j++) {
                float[] one = new float[rows * cols];
                Im2col.im2col(g, x, j * g.inputSize(), one, 0);
                for (int r = 0; r < rows; r++) {
                    assertArrayEquals(Arrays.copyOfRange(one, r * cols, (r + 1) * cols),
                            Arrays.copyOfRange(wide, 5 + r * ld + j * cols, 5 + r * ld + (j + 1) * cols),
                            "geometry " + g + " sample " + j + " row " + r);
                }
            }
            for (int r = 0; r < rows; r++) {
                assertEquals(99f, wide[5 + r * ld + samples * cols], "padding column of row " + r);
            }
            // col2im from the wide matrix equals col2im of each sample's own block
            float[] back = new float[x.length];
            float[] expected = new float[x.length];
            for (int j = 0; j < samples; j++) {
                Im2col.col2im(g, wide, 5 + j * cols, ld, back, j * g.inputSize());
                float[] one = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(wide, 5 + r * ld + j * cols, one, r * cols, cols);
                }
                Im2col.col2im(g, one, 0, expected, j * g.inputSize());
            }
            assertArrayEquals(expected, back, "geometry " + g);
        }
        Im2col.Geometry g = geometry(GEOMETRIES[0]);
        assertThrows(IllegalArgumentException.class, () -> Im2col.im2col(g, new float[9], 0, new float[16], 0, 3));
    }

    /**
     * col2imRows of a column matrix whose rows are padded from Wo to W with zeros adds the same values as col2im of
     * the unpadded matrix (several channels, a rectangular kernel, a 1×1 kernel, a wider ld, an offset), and refuses
     * stride 2 and padding by name.
     */
    @Test
    void col2imRowsOfPaddedRowsEqualsCol2im() {
        Random rng = new Random(14);
        // {C, H, W, kh, kw}
        int[][] settings = {{2, 7, 9, 3, 4}, {10, 14, 14, 5, 5}, {3, 4, 5, 1, 1}};
        for (int[] s : settings) {
            Im2col.Geometry g = new Im2col.Geometry(s[0], s[1], s[2], s[3], s[4], 1, 1, 0, 0);
            int ho = g.outHeight();
            int wo = g.outWidth();
            int rows = g.colRows();
            int ld = ho * s[2] + 3;
            float[] plain = Tensor.randn(rng, Shape.of(rows * ho * wo)).data();
            float[] padded = new float[2 + rows * ld];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < ho; i++) {
                    System.arraycopy(plain, (r * ho + i) * wo, padded, 2 + r * ld + i * s[2], wo);
                }
            }
            float[] x0 = Tensor.randn(rng, Shape.of(5 + g.inputSize())).data();
            float[] expected = x0.clone();
            Im2col.col2im(g, plain, 0, expected, 5);
            float[] got = x0.clone();
            Im2col.col2imRows(g, padded, 2, ld, got, 5);
            assertArrayEquals(expected, got, 0f, Arrays.toString(s));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Im2col.col2imRows(
                new Im2col.Geometry(1, 6, 6, 2, 2, 2, 2, 0, 0), new float[100], 0, 6, new float[36], 0));
        assertTrue(e.getMessage().contains("stride 1"), e.getMessage());
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        Random rng = new Random(12);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            float[] x = Tensor.randn(rng, Shape.of(g.inputSize())).data();
            float[] y = Tensor.randn(rng, Shape.of(g.colRows() * g.colCols())).data();
            float[] ax = new float[y.length];
            Im2col.im2col(g, x, 0, ax, 0);
            float[] aty = new float[x.length];
            Im2col.col2im(g, y, 0, aty, 0);
            double lhs = dot(ax, y);
            double rhs = dot(x, aty);
            assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), "geometry " + g);
        }
    }

    @Test
    void col2imMatchesNaiveScatterAndAccumulates() {
        Random rng = new Random(13);
        for (int[] s : GEOMETRIES) {
            Im2col.Geometry g = geometry(s);
            float[] cols = Tensor.randn(rng, Shape.of(g.colRows() * g.colCols())).data();
            float[] x = Tensor.randn(rng, Shape.of(g.inputSize())).data();
            float[] expected = naiveCol2imInto(g, cols, x.clone());
            Im2col.col2im(g, cols, 0, x, 0);
            assertArrayEquals(expected, x, 1e-5f, "geometry " + g);
        }
    }

    @Test
    void offsetsSelectTheSampleAndTheDestination() {
        Im2col.Geometry g = new Im2col.Geometry(2, 4, 3, 2, 2, 1, 2, 1, 0);
        int n = g.colRows() * g.colCols();
        float[] batch = Tensor.randn(14, 3 * g.inputSize()).data();
        float[] sample1 = Arrays.copyOfRange(batch, g.inputSize(), 2 * g.inputSize());
        float[] cols = new float[5 + n];
        Im2col.im2col(g, batch, g.inputSize(), cols, 5);
        assertArrayEquals(new float[5], Arrays.copyOfRange(cols, 0, 5));
        assertArrayEquals(naiveIm2col(g, sample1), Arrays.copyOfRange(cols, 5, 5 + n));

        float[] back = new float[3 * g.inputSize()];
        Im2col.col2im(g, cols, 5, back, 2 * g.inputSize());
        float[] expected = naiveCol2imInto(g, Arrays.copyOfRange(cols, 5, 5 + n), new float[g.inputSize()]);
        assertArrayEquals(new float[2 * g.inputSize()], Arrays.copyOfRange(back, 0, 2 * g.inputSize()));
        assertArrayEquals(expected, Arrays.copyOfRange(back, 2 * g.inputSize(), back.length), 1e-6f);
    }

    @Test
    void outputSizeRoundsDownAsPyTorch() {
        assertEquals(3, new Im2col.Geometry(1, 7, 7, 3, 3, 2, 2, 0, 0).outHeight());
        assertEquals(3, new Im2col.Geometry(1, 8, 8, 3, 3, 2, 2, 0, 0).outHeight()); // 5/2 + 1
        assertEquals(4, new Im2col.Geometry(1, 8, 8, 3, 3, 2, 2, 1, 1).outHeight()); // 7/2 + 1
        Im2col.Geometry g = new Im2col.Geometry(3, 6, 9, 2, 4, 1, 3, 0, 1);
        assertEquals(5, g.outHeight());
        assertEquals(3, g.outWidth()); // (9 + 2 - 4)/3 + 1
        assertEquals(24, g.colRows());
        assertEquals(15, g.colCols());
        assertEquals(162, g.inputSize());
    }

    @Test
    void rejectsInvalidGeometry() {
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> new Im2col.Geometry(1, 4, 4, 0, 2, 1, 1, 0, 0));
        assertTrue(k.getMessage().contains("kernel 0x2"), k.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> new Im2col.Geometry(1, 4, 4, 2, 2, 1, 0, 0, 0));
        assertTrue(s.getMessage().contains("stride 1x0"), s.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> new Im2col.Geometry(1, 4, 4, 2, 2, 1, 1, -1, 0));
        assertTrue(p.getMessage().contains("padding -1x0"), p.getMessage());
        ShapeException big = assertThrows(ShapeException.class, () -> new Im2col.Geometry(1, 3, 4, 5, 2, 1, 1, 0, 0));
        assertEquals("im2col: kernel 5x2 is larger than the input 3x4 padded by 0x0", big.getMessage());
    }

    /** cols[(c,i,j)][(oh,ow)] = x[c][oh·sh − ph + i][ow·sw − pw + j], 0 outside, by direct indexing. */
    private static float[] naiveIm2col(Im2col.Geometry g, float[] x) {
        int ho = g.outHeight();
        int wo = g.outWidth();
        float[] cols = new float[g.colRows() * ho * wo];
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int oh = 0; oh < ho; oh++) {
                        for (int ow = 0; ow < wo; ow++) {
                            int ih = oh * g.strideH() - g.padH() + i;
                            int iw = ow * g.strideW() - g.padW() + j;
                            boolean inside = ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width();
                            cols[row * ho * wo + oh * wo + ow] = inside ? x[(c * g.height() + ih) * g.width() + iw] : 0f;
                        }
                    }
                }
            }
        }
        return cols;
    }

    private static float[] naiveCol2imInto(Im2col.Geometry g, float[] cols, float[] x) {
        int ho = g.outHeight();
        int wo = g.outWidth();
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int oh = 0; oh < ho; oh++) {
                        for (int ow = 0; ow < wo; ow++) {
                            int ih = oh * g.strideH() - g.padH() + i;
                            int iw = ow * g.strideW() - g.padW() + j;
                            if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                x[(c * g.height() + ih) * g.width() + iw] += cols[row * ho * wo + oh * wo + ow];
                            }
                        }
                    }
                }
            }
        }
        return x;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
