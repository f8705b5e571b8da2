package polyhead.tensor;

import static polyhead.tensor.PackedProduct.MR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MicroKernel} in 512-bit vectors: a 6×32 tile, for cores whose multiply-adds are 512 bits wide
 * ({@link PackedProduct#WIDE}). A copy rather than one kernel over a species chosen at run time, so that each
 * kernel's vectors are of one class fixed by a JDK constant (why that matters to C2: {@link VectorGemm#S}).
 */
final class WideMicroKernel {
    private static final VectorSpecies<Float> KS = FloatVector.SPECIES_512;
    private static final int KL = 16;
    /** The B panel's width: two vectors. */
    static final int NR = 2 * KL;

    private WideMicroKernel() {
    }

    /**
     * The 6×32 micro-kernel: C[0:6, 0:32] += Σ_p A[:, p]·B[p, :] over 6 rows of op(A), whose 6 values for one p are
     * contiguous at {@code a[ao + p·as ...]} — a packed panel ({@code as} = MR, {@link PackedProduct#packA}) or Aᵀ
     * read in place ({@code as} = its row length) — and one packed B panel (32 values per p), the tile held in 12
     * registers; C row r starts at {@code co + r·ldc}. It only accumulates; {@link #kernelStore} is the one that
     * overwrites: a kernel that chose per call between storing and adding ran much slower under C2 once both paths
     * had been taken.
     */
    static void kernel(int kb, float[] a, int ao, int as, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(KS);
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
        for (int p = 0; p < kb; p++, ao += as, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(KS, pb, bo);
            FloatVector b1 = FloatVector.fromArray(KS, pb, bo + KL);
            FloatVector x = FloatVector.broadcast(KS, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(KS, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(KS, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(KS, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(KS, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(KS, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // written out rather than through a helper taking FloatVector, whose vectors' class C2 would have to learn
        // from the type profile (VectorGemm.S)
        int o = co;
        c00.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c01.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c10.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c11.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c20.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c21.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c30.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c31.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c40.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c41.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c50.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c51.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
    }

    /**
     * {@link #kernel} that stores the tile instead of adding it to C, for the first k slice of a product that does not
     * accumulate: C is then not zeroed first nor read. A method of its own, the same loop as {@link #kernel}: one
     * kernel that chose per call between storing and adding ran much slower once C2 had seen both (BENCHMARKS.md,
     * implementation notes). The sums start at +0 and so are never −0: the same bits as zeroing C and adding them.
     */
    static void kernelStore(int kb, float[] a, int ao, int as, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(KS);
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
        for (int p = 0; p < kb; p++, ao += as, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(KS, pb, bo);
            FloatVector b1 = FloatVector.fromArray(KS, pb, bo + KL);
            FloatVector x = FloatVector.broadcast(KS, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(KS, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(KS, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(KS, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(KS, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(KS, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int o = co;
        c00.intoArray(c, o);
        c01.intoArray(c, o + KL);
        o += ldc;
        c10.intoArray(c, o);
        c11.intoArray(c, o + KL);
        o += ldc;
        c20.intoArray(c, o);
        c21.intoArray(c, o + KL);
        o += ldc;
        c30.intoArray(c, o);
        c31.intoArray(c, o + KL);
        o += ldc;
        c40.intoArray(c, o);
        c41.intoArray(c, o + KL);
        o += ldc;
        c50.intoArray(c, o);
        c51.intoArray(c, o + KL);
    }

    /**
     * {@link #kernel} over 6 rows of A read in place, {@code lda} apart, from {@code a[ao...]} (op(A) = A, row major):
     * the same multiply-adds in the same order as from a packed panel, so the same bits. For a strip of A that every
     * B panel of a product rereads, this saves packing it (BENCHMARKS.md, issue 21, session 15).
     */
    static void kernelRows(int kb, float[] a, int ao, int lda, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(KS);
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
        for (int p = 0; p < kb; p++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(KS, pb, bo);
            FloatVector b1 = FloatVector.fromArray(KS, pb, bo + KL);
            FloatVector x = FloatVector.broadcast(KS, a[ao + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(KS, a[ao + lda + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(KS, a[ao + 2 * lda + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(KS, a[ao + 3 * lda + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(KS, a[ao + 4 * lda + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(KS, a[ao + 5 * lda + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // written out rather than through a helper taking FloatVector, whose vectors' class C2 would have to learn
        // from the type profile (VectorGemm.S)
        int o = co;
        c00.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c01.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c10.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c11.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c20.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c21.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c30.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c31.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c40.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c41.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
        o += ldc;
        c50.add(FloatVector.fromArray(KS, c, o)).intoArray(c, o);
        c51.add(FloatVector.fromArray(KS, c, o + KL)).intoArray(c, o + KL);
    }

    /** {@link #kernelStore} over rows of A read in place, as {@link #kernelRows}. */
    static void kernelStoreRows(int kb, float[] a, int ao, int lda, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(KS);
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
        for (int p = 0; p < kb; p++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(KS, pb, bo);
            FloatVector b1 = FloatVector.fromArray(KS, pb, bo + KL);
            FloatVector x = FloatVector.broadcast(KS, a[ao + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(KS, a[ao + lda + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(KS, a[ao + 2 * lda + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(KS, a[ao + 3 * lda + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(KS, a[ao + 4 * lda + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(KS, a[ao + 5 * lda + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int o = co;
        c00.intoArray(c, o);
        c01.intoArray(c, o + KL);
        o += ldc;
        c10.intoArray(c, o);
        c11.intoArray(c, o + KL);
        o += ldc;
        c20.intoArray(c, o);
        c21.intoArray(c, o + KL);
        o += ldc;
        c30.intoArray(c, o);
        c31.intoArray(c, o + KL);
        o += ldc;
        c40.intoArray(c, o);
        c41.intoArray(c, o + KL);
        o += ldc;
        c50.intoArray(c, o);
        c51.intoArray(c, o + KL);
    }
}
