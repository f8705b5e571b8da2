package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link ArrayMath}: the vector loops give the scalar loops' results bit for bit, and the scalar loops are right. */
class ArrayMathTest {

    /**
     * The dot product in double, scalar and vector kernels, against the exact sum (BigDecimal: every float product and
     * sum exact), for lengths around the partial sums' widths and with offsets; a length mismatch is a one-line error.
     */
    /**
     * Σ_t a_t v_t: the vector kernel agrees with the scalar loop bit for bit (lengths around 4 and 8 elements, a null
     * row, a zero weight, signed zeros), the scalar loop with the sum in double rounded once (checked against
     * BigDecimal), and a rows/weights mismatch is a one-line error.
     */
    @Test
    void weightedSumIsTheDoubleSumRoundedOnceInBothKernels() {
        Random rng = new Random(11);
        ArrayMath.Kernels vector = new VectorArrayMath();
        for (int n : new int[] {1, 3, 4, 5, 8, 9, 16, 17, 1001}) {
            float[][] v = new float[4][n];
            for (float[] row : v) {
                for (int k = 0; k < n; k++) {
                    row[k] = rng.nextInt(10) == 0 ? -0f : (float) rng.nextGaussian() * (1 << rng.nextInt(20));
                }
            }
            v[2] = null;
            double[] a = {0.3 + rng.nextDouble(), -1.7, 5.0, 0};
            float[] expected = new float[n];
            float[] got = new float[n];
            ArrayMath.SCALAR.weightedSum(v, a, n, expected);
            vector.weightedSum(v, a, n, got);
            for (int k = 0; k < n; k++) {
                assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(got[k]), "n=" + n + " k=" + k);
                double exact = new java.math.BigDecimal(a[0]).multiply(new java.math.BigDecimal(v[0][k]))
                        .add(new java.math.BigDecimal(a[1]).multiply(new java.math.BigDecimal(v[1][k]))).doubleValue();
                assertEquals((float) exact, expected[k], Math.ulp((float) exact), "n=" + n + " k=" + k);
            }
        }
        assertEquals("weightedSum: 2 rows but 1 weights", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ArrayMath.weightedSum(new float[2][1], new double[1], 1,
                        new float[1])).getMessage());
    }

    @Test
    void dotDoubleIsTheExactSumToDoublePrecision() {
        Random rng = new Random(7);
        for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 1000, 4099}) {
            float[] a = new float[n + 3];
            float[] b = new float[n + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rng.nextGaussian() * 1e3f;
            }
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            double abs = 0;
            for (int i = 0; i < n; i++) {
                java.math.BigDecimal p = new java.math.BigDecimal(a[i + 3]).multiply(new java.math.BigDecimal(b[i + 2]));
                exact = exact.add(p);
                abs += Math.abs(p.doubleValue());
            }
            for (ArrayMath.Kernels k : new ArrayMath.Kernels[] {ArrayMath.SCALAR, new VectorArrayMath()}) {
                double got = k.dotDouble(a, 3, b, 2, n);
                assertEquals(exact.doubleValue(), got, 1e-14 * abs, "n=" + n + " " + k.getClass());
            }
        }
        float[] x = {1.5f, -2f, 3f};
        assertEquals(1.5 * 1.5 + 4 + 9, ArrayMath.dotDouble(x, x));
        assertEquals("dotDouble: lengths 3 and 2 differ", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ArrayMath.dotDouble(x, new float[2])).getMessage());
    }

    /**
     * The bias-and-ReLU epilogue: the scalar loop against each element's definition (y + b rounded, then Math.max with
     * +0, so NaN stays NaN and −0 becomes +0; without relu only the sum), and the vector loop against the scalar loop
     * bit for bit, for widths around the vector length, rows with a stride and a bias read from an offset; the block's
     * neighbours untouched.
     */
    @Test
    void biasEpilogueIsTheSumThenTheMaximumInBothLoops() {
        Random rng = new Random(17);
        ArrayMath.Kernels vector = new VectorArrayMath();
        for (int cols = 1; cols <= 40; cols += 3) {
            int rows = 3;
            int ld = cols + 5;
            float[] y = Tensor.randn(rng, Shape.of(2 + rows * ld)).data();
            float[] bias = Tensor.randn(rng, Shape.of(cols + 4)).data();
            y[2] = Float.NaN;
            y[3 % y.length] = -0f;
            bias[2] = -0f; // with y[3] = −0 (row 0, column 1): −0 + −0 = −0, which relu makes +0
            for (boolean relu : new boolean[] {false, true}) {
                float[] expected = y.clone();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        int e = 2 + r * ld + j;
                        float sum = y[e] + bias[1 + j];
                        expected[e] = relu ? (Float.isNaN(sum) ? sum : sum > 0 ? sum : 0f) : sum;
                    }
                }
                float[] scalar = y.clone();
                ArrayMath.SCALAR.addBias(scalar, 2, rows, cols, ld, bias, 1, relu);
                float[] vec = y.clone();
                vector.addBias(vec, 2, rows, cols, ld, bias, 1, relu);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(scalar[i]),
                            "scalar, cols " + cols + " relu " + relu + ", element " + i);
                    assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vec[i]),
                            "vector, cols " + cols + " relu " + relu + ", element " + i);
                }
            }
        }
    }

    /**
     * ReLU's backward mask and the bias gradient's column sums: the vector loops against the scalar loops bit for bit,
     * for lengths and widths around the vector length; the mask against its definition (g passes where y's bits are
     * not all zero: y &gt; 0, NaN and −0; +0 stops it), the sums against exact sums of small integers.
     */
    @Test
    void reluMaskAndColumnSumsAgreeBetweenLoopsAndWithTheirDefinitions() {
        Random rng = new Random(19);
        ArrayMath.Kernels vector = new VectorArrayMath();
        for (int n = 0; n <= 40; n++) {
            float[] g = Tensor.randn(rng, Shape.of(n)).data();
            float[] y = Tensor.randn(rng, Shape.of(n)).data();
            for (int i = 0; i < n; i++) {
                y[i] = i % 5 == 0 ? 0f : i % 7 == 0 ? Float.NaN : i % 11 == 0 ? -0f : Math.max(y[i], 0f);
            }
            float[] scalar = new float[n];
            float[] vec = new float[n];
            ArrayMath.SCALAR.reluMask(g, y, scalar, 0, n);
            vector.reluMask(g, y, vec, 0, n);
            for (int i = 0; i < n; i++) {
                boolean passes = Float.floatToRawIntBits(y[i]) != 0;
                assertEquals(Float.floatToRawIntBits(passes ? g[i] : 0f), Float.floatToRawIntBits(scalar[i]),
                        "scalar mask, n " + n + ", element " + i + " (y = " + y[i] + ")");
                assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vec[i]),
                        "vector mask, n " + n + ", element " + i);
            }
        }
        for (int cols = 1; cols <= 40; cols += 3) {
            for (int rows : new int[] {0, 1, 7, 64}) {
                float[] g = Tensor.randn(rng, Shape.of(rows * cols)).data();
                float[] scalar = new float[cols];
                float[] vec = new float[cols];
                ArrayMath.SCALAR.sumColumns(g, rows, cols, 0, cols, scalar);
                vector.sumColumns(g, rows, cols, 0, cols, vec);
                assertArrayEquals(scalar, vec, 0f, "column sums, " + rows + "x" + cols);
                // small integers: every double sum exact, so each column's sum is known exactly
                float[] ints = new float[rows * cols];
                float[] expected = new float[cols];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = rng.nextInt(201) - 100;
                    expected[i % cols] += ints[i];
                }
                ArrayMath.SCALAR.sumColumns(ints, rows, cols, 0, cols, scalar);
                vector.sumColumns(ints, rows, cols, 0, cols, vec);
                assertArrayEquals(expected, scalar, 0f, "exact column sums, " + rows + "x" + cols);
                assertArrayEquals(expected, vec, 0f, "exact column sums (vector), " + rows + "x" + cols);
            }
        }
    }

    /**
     * e^x in place over a range: the scalar and vector loops give the same bits, each value's wherever it stands (whole
     * vectors or the last few), and leave everything outside the range alone; both are within two ulps of
     * {@link Math#exp} over the whole range of doubles (random values at every scale, results near overflow and
     * subnormal ones) and exact at the special values: e^0 = 1, e^−∞ = +0, e^+∞ = +∞, NaN stays NaN, underflow to +0,
     * overflow to +∞.
     */
    @Test
    void expAgreesBetweenLoopsAndWithMathExp() {
        Random rng = new Random(29);
        ArrayMath.Kernels vector = new VectorArrayMath();
        double[] special = {0, -0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, -800, -1e300,
            1e300, 709.78, 709.8, -745.13, -745.2, -708.4, -720, 1e-300, -1e-17, Math.log(2), 1, -1};
        double[] values = new double[20_000];
        for (int i = 0; i < values.length; i++) {
            double scale = new double[] {1e-8, 0.35, 1, 30, 745}[i % 5];
            values[i] = i < special.length ? special[i] : (2 * rng.nextDouble() - 1) * scale;
        }
        double[] scalar = values.clone();
        ArrayMath.SCALAR.exp(scalar, 0, scalar.length);
        double[] vec = values.clone();
        vector.exp(vec, 0, vec.length);
        for (int i = 0; i < values.length; i++) {
            double want = Math.exp(values[i]);
            String what = "exp(" + values[i] + ")";
            assertEquals(Double.doubleToRawLongBits(scalar[i]), Double.doubleToRawLongBits(vec[i]), what + ": loops");
            if (Double.isNaN(want) || Double.isInfinite(want) || want == 0 || values[i] == 0) {
                assertEquals(want, scalar[i], 0.0, what);
            } else {
                assertEquals(want, scalar[i], 2 * Math.ulp(want), what);
            }
        }
        for (int from = 0; from < 20; from++) {
            for (int to = from; to < from + 40; to += 3) {
                double[] part = values.clone();
                vector.exp(part, from, to);
                for (int i = 0; i < 80; i++) {
                    double want = i >= from && i < to ? scalar[i] : values[i];
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(part[i]),
                            "exp over [" + from + ", " + to + "), element " + i);
                }
            }
        }
    }

    /**
     * The range forms (what a loop split over the cores runs on each part): a mask over [from, to) writes exactly
     * those elements, as the whole mask does; column sums over [j0, j1) write exactly those columns, as the sums of
     * all columns do; in both loops, with ranges that start and end inside a vector.
     */
    @Test
    void rangesOfTheMaskAndOfTheColumnSumsEqualTheWholeOnTheirRangeAndLeaveTheRest() {
        Random rng = new Random(23);
        for (ArrayMath.Kernels k : new ArrayMath.Kernels[] {ArrayMath.SCALAR, new VectorArrayMath()}) {
            String name = k == ArrayMath.SCALAR ? "scalar" : "vector";
            int n = 70;
            float[] g = Tensor.randn(rng, Shape.of(n)).data();
            float[] y = Tensor.randn(rng, Shape.of(n)).data();
            float[] whole = new float[n];
            k.reluMask(g, y, whole, 0, n);
            for (int[] r : new int[][] {{0, 16}, {3, 45}, {17, 70}, {33, 33}}) {
                float[] part = new float[n];
                Arrays.fill(part, 7f);
                k.reluMask(g, y, part, r[0], r[1]);
                for (int i = 0; i < n; i++) {
                    boolean in = i >= r[0] && i < r[1];
                    assertEquals(Float.floatToRawIntBits(in ? whole[i] : 7f), Float.floatToRawIntBits(part[i]),
                            name + " mask [" + r[0] + ", " + r[1] + "), element " + i);
                }
            }
            int rows = 9;
            int cols = 50;
            float[] m = Tensor.randn(rng, Shape.of(rows * cols)).data();
            float[] all = new float[cols];
            k.sumColumns(m, rows, cols, 0, cols, all);
            for (int[] r : new int[][] {{0, 16}, {5, 37}, {32, 50}, {49, 50}}) {
                float[] part = new float[cols];
                Arrays.fill(part, 7f);
                k.sumColumns(m, rows, cols, r[0], r[1], part);
                for (int j = 0; j < cols; j++) {
                    boolean in = j >= r[0] && j < r[1];
                    assertEquals(Float.floatToRawIntBits(in ? all[j] : 7f), Float.floatToRawIntBits(part[j]),
                            name + " sums [" + r[0] + ", " + r[1] + "), column " + j);
                }
            }
        }
    }

    /**
     * Runs copied one after another: each run's values land at their place, and nothing outside the runs is
     * written (sentinels before and after), for run lengths around one and two vectors, runs that end at the very
     * end of the source (where the vector reads would run past it) and sources read with gaps or overlaps.
     */
    @Test
    void copyRunsWritesExactlyTheRuns() {
        Random rng = new Random(29);
        for (ArrayMath.Kernels k : new ArrayMath.Kernels[] {ArrayMath.SCALAR, new VectorArrayMath()}) {
            String name = k == ArrayMath.SCALAR ? "scalar" : "vector";
            for (int len = 1; len <= 40; len++) {
                for (int runs : new int[] {0, 1, 2, 5}) {
                    for (int stride : new int[] {len, len + 4, Math.max(1, len - 3)}) {
                        int s = 3;
                        // the last run ends at the source's last element, or 20 before it
                        int extra = stride % 2 == 0 ? 0 : 20;
                        float[] src = Tensor.randn(rng, Shape.of(s + Math.max(0, runs - 1) * stride + len + extra))
                                .data();
                        int d = 5;
                        float[] dst = new float[d + runs * len + 7];
                        Arrays.fill(dst, -9f);
                        k.copyRuns(src, s, stride, dst, d, runs, len);
                        String what = name + " len " + len + ", " + runs + " runs, stride " + stride + ", " + extra
                                + " values after the last run";
                        for (int i = 0; i < dst.length; i++) {
                            int r = (i - d) / len;
                            float expected = i >= d && i < d + runs * len ? src[s + r * stride + (i - d) % len] : -9f;
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[i]),
                                    what + ", element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorLoopsEqualTheScalarLoopsAtEveryLengthAndOffset() {
        Random rng = new Random(13);
        ArrayMath.Kernels vector = new VectorArrayMath();
        for (int n = 0; n <= 40; n++) {
            for (int offset : new int[] {0, 3, 7}) {
                float[] src = Tensor.randn(rng, Shape.of(n + 9)).data();
                float[] dst = Tensor.randn(rng, Shape.of(n + 11)).data();
                float[] expected = dst.clone();
                float[] got = dst.clone();
                ArrayMath.SCALAR.add(expected, offset + 1, src, offset, n);
                vector.add(got, offset + 1, src, offset, n);
                assertArrayEquals(expected, got, 0f, "add, n = " + n + ", offset " + offset);
                expected = dst.clone();
                got = dst.clone();
                ArrayMath.SCALAR.addScaled(expected, offset, src, offset + 2, n, 0.37f);
                vector.addScaled(got, offset, src, offset + 2, n, 0.37f);
                assertArrayEquals(expected, got, 0f, "addScaled, n = " + n + ", offset " + offset);
            }
        }
    }

    @Test
    void loopsTouchOnlyTheirStretch() {
        float[] dst = {1, 1, 1, 1, 1, 1};
        ArrayMath.add(dst, 2, new float[] {9, 2, 3}, 1, 2);
        assertArrayEquals(new float[] {1, 1, 3, 4, 1, 1}, dst);
        ArrayMath.addScaled(dst, 0, new float[] {4, 8}, 0, 2, 0.5f);
        assertArrayEquals(new float[] {3, 5, 3, 4, 1, 1}, dst);
        float big = 1e8f;
        float[] rounding = {1};
        ArrayMath.addScaled(rounding, 0, new float[] {big}, 0, 1, 3f);
        assertEquals(1f + 3f * big, rounding[0], 0f, "product rounded, then the sum");
    }

    /**
     * The vector 2×2 pooling gives the scalar loop's maxima and argmax indices bit for bit: rows of fewer than half a
     * vector of windows (one by one), half a vector to one (two overlapping half blocks, the call's last row one by
     * one; 14 windows at 16 lanes), exactly one vector, one plus a remainder (an overlapping last block), odd sizes (a
     * last row and column that no window reads), offsets, with and without the ReLU, on data full of ties, ±0,
     * infinities and NaNs; nothing past the outputs is written.
     */
    @Test
    void vectorPoolingEqualsTheScalarPoolingBitForBit() {
        Random rng = new Random(17);
        ArrayMath.Kernels vector = new VectorArrayMath();
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 2f};
        int[][] sizes = {{2, 2}, {3, 5}, {6, 14}, {4, 16}, {5, 17}, {28, 28}, {10, 10}, {7, 33}, {2, 48}, {6, 20},
            {2, 30}, {3, 24}};
        for (int[] size : sizes) {
            int h = size[0];
            int w = size[1];
            int planes = 3;
            int xOff = 5;
            float[] x = new float[xOff + planes * h * w + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextInt(3) == 0 ? specials[rng.nextInt(specials.length)] : (float) rng.nextGaussian();
            }
            int outs = planes * (h / 2) * (w / 2);
            for (boolean relu : new boolean[] {false, true}) {
                float[] expected = new float[outs + 4];
                float[] got = new float[outs + 4];
                int[] expectedArg = new int[outs + 4];
                int[] gotArg = new int[outs + 4];
                ArrayMath.SCALAR.maxPool2x2(x, xOff, planes, h, w, expected, 2, expectedArg, 1000, relu);
                vector.maxPool2x2(x, xOff, planes, h, w, got, 2, gotArg, 1000, relu);
                String what = h + "x" + w + (relu ? " relu" : "");
                for (int i = 0; i < got.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), what + " output " + i);
                    assertEquals(expectedArg[i], gotArg[i], what + " argmax " + i);
                }
            }
        }
    }

    /** The scalar pooling against a hand-computed case: first maximum, last NaN, ReLU, indices shifted by argBase. */
    @Test
    void scalarPoolingFollowsPyTorchsRules() {
        float nan = Float.NaN;
        // one plane of two rows of 6 after one float of offset, three windows: a tie of 3s (the first wins), two NaNs
        // (the last wins: the bottom row's), all negative (-1)
        float[] x = {9, 3, 1, nan, 1, -2, -5, 3, 0, 1, nan, -1, -3};
        float[] out = new float[3];
        int[] arg = new int[3];
        ArrayMath.SCALAR.maxPool2x2(x, 1, 1, 2, 6, out, 0, arg, 100, false);
        assertArrayEquals(new float[] {3, nan, -1}, out, 0f);
        assertArrayEquals(new int[] {100, 109, 110}, arg);
        ArrayMath.SCALAR.maxPool2x2(x, 1, 1, 2, 6, out, 0, arg, 0, true);
        assertArrayEquals(new float[] {3, nan, 0}, out, 0f);
        assertArrayEquals(new int[] {0, 9, 10}, arg);
    }
}
