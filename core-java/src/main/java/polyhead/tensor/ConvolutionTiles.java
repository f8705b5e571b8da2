package polyhead.tensor;

import static polyhead.tensor.VectorGemm.L;
import static polyhead.tensor.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorDirectConvolution#convolve}'s register tiles: A = the weights, C = the output, and "B", the im2col
 * matrix, read straight from the input through a table of row offsets. The same tiles and the same order of the sum
 * over k as {@link InPlaceProduct}'s, so the same result bit for bit. Written out again rather than shared with
 * them: here B's rows are found through the table, there at a fixed stride, and each tile must stay one loop whose
 * accumulators C2 keeps in registers (on JDK 17 a vector that crosses a call C2 does not inline is boxed).
 */
final class ConvolutionTiles extends Product {
    /**
     * The width of a tile, 16 columns in either kernel width: two 256-bit vectors, or one 512-bit vector
     * ({@link PackedProduct#WIDE}, the {@code *Wide} tiles), so that outputs 16 to 31 columns wide run here at 512 bits
     * too. Each element of C is the same sum in the same order either way.
     */
    static final int STRIP = 16;

    ConvolutionTiles(Product p) {
        super(p);
    }

    /**
     * {@link VectorDirectConvolution#convolve}'s 6×16 tile: C[r:r+6, co...] = A[r:r+6, :]·B where B's row p is the
     * 16 floats at {@code b[xo + rowOffsets[p]]}, plus the bias of each row if there is one. C's rows are n apart.
     */
    void rows6Direct(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < k; p++) {
            int bo = xo + rowOffsets[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a0 + k + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a0 + 4 * k + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a0 + 5 * k + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int ci = co + r * n;
        biased(c00, c01, bias, r, ci);
        biased(c10, c11, bias, r + 1, ci + n);
        biased(c20, c21, bias, r + 2, ci + 2 * n);
        biased(c30, c31, bias, r + 3, ci + 3 * n);
        biased(c40, c41, bias, r + 4, ci + 4 * n);
        biased(c50, c51, bias, r + 5, ci + 5 * n);
    }

    /** {@link #rows6Direct} with 4 rows. */
    void rows4Direct(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < k; p++) {
            int bo = xo + rowOffsets[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a0 + k + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int ci = co + r * n;
        biased(c00, c01, bias, r, ci);
        biased(c10, c11, bias, r + 1, ci + n);
        biased(c20, c21, bias, r + 2, ci + 2 * n);
        biased(c30, c31, bias, r + 3, ci + 3 * n);
    }

    /** {@link #rows6Direct} with one row (the at most 3 rows that no tile covers). */
    void rowDirect(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        for (int p = 0; p < k; p++) {
            int bo = xo + rowOffsets[p];
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bo + L), c1);
        }
        biased(c0, c1, bias, r, co + r * n);
    }

    /** {@link #rows6Direct} in one 512-bit vector per row ({@link PackedProduct#WIDE}). */
    void rows6DirectWide(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, xo + rowOffsets[p]);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a0 + k + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a0 + 2 * k + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a0 + 3 * k + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a0 + 4 * k + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a0 + 5 * k + p]).fma(b0, c5);
        }
        int ci = co + r * n;
        biased(c0, bias, r, ci);
        biased(c1, bias, r + 1, ci + n);
        biased(c2, bias, r + 2, ci + 2 * n);
        biased(c3, bias, r + 3, ci + 3 * n);
        biased(c4, bias, r + 4, ci + 4 * n);
        biased(c5, bias, r + 5, ci + 5 * n);
    }

    /** {@link #rows6DirectWide} with 4 rows. */
    void rows4DirectWide(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, xo + rowOffsets[p]);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a0 + k + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a0 + 2 * k + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a0 + 3 * k + p]).fma(b0, c3);
        }
        int ci = co + r * n;
        biased(c0, bias, r, ci);
        biased(c1, bias, r + 1, ci + n);
        biased(c2, bias, r + 2, ci + 2 * n);
        biased(c3, bias, r + 3, ci + 3 * n);
    }

    /** {@link #rows6DirectWide} with one row. */
    void rowDirectWide(int r, int[] rowOffsets, int xo, int co, float[] bias) {
        int a0 = aOffset + r * k;
        FloatVector c0 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, xo + rowOffsets[p]), c0);
        }
        biased(c0, bias, r, co + r * n);
    }

    /** C[ci..ci+16) = v + bias[r] (no bias if null), one 512-bit vector. */
    private void biased(FloatVector v, float[] bias, int r, int ci) {
        if (bias != null) {
            v = v.add(FloatVector.broadcast(S, bias[r]));
        }
        v.intoArray(c, ci);
    }

    /** C[ci..ci+16) = (v0, v1) + bias[r] (no bias if null): the sum first, then the bias. */
    private void biased(FloatVector v0, FloatVector v1, float[] bias, int r, int ci) {
        if (bias != null) {
            FloatVector bv = FloatVector.broadcast(S, bias[r]);
            v0 = v0.add(bv);
            v1 = v1.add(bv);
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + L);
    }

}
