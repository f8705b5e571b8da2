package polyhead.tensor;

import static polyhead.tensor.VectorGemm.L;
import static polyhead.tensor.VectorGemm.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dot products of rows read in place, for {@link DotProduct} (A·Bᵀ with few rows of A or of B) and
 * {@link VectorDirectConvolution}'s weight gradient: a single dot product, and blocks of 3 rows of A × 3 (or 5) rows
 * of B, each element of the block an accumulator vector summed across its lanes at the end.
 */
final class DotKernels {
    /** Rows of A and of B per dot-product block. */
    static final int DR = 3;
    /**
     * Rows of B per wide dot-product block (3 rows of A × 5 of B), used when they tile the product exactly: fifteen
     * accumulators and six operand vectors need AVX-512's 32 vector registers (C2 gives 256-bit vectors all 32 when the
     * CPU has AVX-512), so only there ({@link #WIDE_DOTS}). A convolution's weight gradient X·Gᵀ with 10 output
     * channels (W2's first layer, 81×10 per sample) then streams X twice instead of four times and has no one-column
     * remainder of single dot products.
     */
    static final int DW = 5;
    /** Whether the wide 3×5 dot blocks are used: the CPU has AVX-512 (32 vector registers). */
    static final boolean WIDE_DOTS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private DotKernels() {
    }

    /** Σ_p a[ao+p]·b[bo+p] for p < kb. */
    static float dot(int kb, float[] a, int ao, float[] b, int bo) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0;
        for (; p <= kb - L; p += L) {
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; p < kb; p++) {
            s += a[ao + p] * b[bo + p];
        }
        return s;
    }

    /**
     * The 3×3 dot-product kernel: C[r][q] (+)= Σ_p A[r][p]·B[q][p] for rows r, q < 3 of A (from {@code ao}) and B
     * (from {@code bo}); C row r starts at {@code co + r·ldc}. Nine accumulators and six operand vectors fit AVX2's
     * 16 registers. Rows {@code sa} and {@code sb} apart, each read contiguously, as in {@link #dot3x5}.
     */
    static void dot3x3(int kb, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] c, int co, int ldc,
                       boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        int p = 0;
        for (; p <= kb - L; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + sb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * sb + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.fromArray(S, a, ao + sa + p);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.fromArray(S, a, ao + 2 * sa + p);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
        }
        // nine named sums rather than an array: this runs once per 3×3 block, and escape analysis did not remove the
        // array (it showed in allocation profiles of W1 steps)
        finishDot(c00.reduceLanes(VectorOperators.ADD), 0, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c01.reduceLanes(VectorOperators.ADD), 0, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c02.reduceLanes(VectorOperators.ADD), 0, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c10.reduceLanes(VectorOperators.ADD), 1, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c11.reduceLanes(VectorOperators.ADD), 1, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c12.reduceLanes(VectorOperators.ADD), 1, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c20.reduceLanes(VectorOperators.ADD), 2, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c21.reduceLanes(VectorOperators.ADD), 2, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c22.reduceLanes(VectorOperators.ADD), 2, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
    }

    /**
     * The wide dot-product kernel, {@link #dot3x3} for 3 rows of A and 5 of B: fifteen accumulators, each summed as
     * dot3x3 sums its nine (so the same result bit for bit), for CPUs with 32 vector registers ({@link #WIDE_DOTS}).
     * Row r of A starts at {@code ao + r·sa} and row q of B at {@code bo + q·sb}, each read contiguously: every load
     * at the loop's index plus a fixed offset, so C2 checks the bounds once before the loop, not at every load. (The
     * weight gradient's A rows used to be one padded input read in place from three kernel columns, jumping the
     * padding at each row's end; with that jump C2 checked the three A loads of every step, 11% of W2's samples.)
     */
    static void dot3x5(int kb, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] c, int co, int ldc,
                       boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c03 = c00;
        FloatVector c04 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c13 = c00;
        FloatVector c14 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        FloatVector c23 = c00;
        FloatVector c24 = c00;
        int p = 0;
        for (; p <= kb - L; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + sb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * sb + p);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * sb + p);
            FloatVector b4 = FloatVector.fromArray(S, b, bo + 4 * sb + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            c04 = x.fma(b4, c04);
            x = FloatVector.fromArray(S, a, ao + sa + p);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            c14 = x.fma(b4, c14);
            x = FloatVector.fromArray(S, a, ao + 2 * sa + p);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            c24 = x.fma(b4, c24);
        }
        // the k tail (the dot path only: weightGradient's k is whole vectors)
        finishDot(c00.reduceLanes(VectorOperators.ADD), 0, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c01.reduceLanes(VectorOperators.ADD), 0, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c02.reduceLanes(VectorOperators.ADD), 0, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c03.reduceLanes(VectorOperators.ADD), 0, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c04.reduceLanes(VectorOperators.ADD), 0, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c10.reduceLanes(VectorOperators.ADD), 1, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c11.reduceLanes(VectorOperators.ADD), 1, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c12.reduceLanes(VectorOperators.ADD), 1, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c13.reduceLanes(VectorOperators.ADD), 1, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c14.reduceLanes(VectorOperators.ADD), 1, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c20.reduceLanes(VectorOperators.ADD), 2, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c21.reduceLanes(VectorOperators.ADD), 2, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c22.reduceLanes(VectorOperators.ADD), 2, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c23.reduceLanes(VectorOperators.ADD), 2, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c24.reduceLanes(VectorOperators.ADD), 2, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
    }

    /**
     * Adds the k tail from {@code p} to the sum {@code t} of rows r of A and q of B (rows {@code aStride} and
     * {@code bStride} apart), and stores it into C[r][q].
     */
    private static void finishDot(float t, int r, int q, int p, int kb, float[] a, int ao, int aStride, float[] b,
                                  int bo, int bStride, float[] c, int co, int ldc, boolean overwrite) {
        for (int e = p; e < kb; e++) {
            t += a[ao + r * aStride + e] * b[bo + q * bStride + e];
        }
        int ci = co + r * ldc + q;
        c[ci] = overwrite ? t : c[ci] + t;
    }
}
