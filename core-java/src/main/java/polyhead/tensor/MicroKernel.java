package polyhead.tensor;

import static polyhead.tensor.PackedProduct.MR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of {@link PackedProduct}: an MR×NR tile of C (6×16 with 256-bit vectors, 6×32
 * with 512-bit ones, {@link WideMicroKernel}) from 6 rows of op(A), packed or read in place, and one packed B panel,
 * as fused multiply-adds.
 * 12 accumulators, 2 panel vectors and a broadcast fit the 16 vector registers of AVX2. (Sessions on earlier machines
 * found 512-bit vectors slower on JDK 17; on Zen 5, whose multiply-adds are 512 bits wide, they are nearly twice as
 * fast: BENCHMARKS.md, issue 21.)
 */
final class MicroKernel {
    private static final VectorSpecies<Float> KS = FloatVector.SPECIES_256;
    private static final int KL = 8;
    /** The B panel's width: two vectors. */
    static final int NR = 2 * KL;

    private MicroKernel() {
    }

    /** {@link WideMicroKernel#kernel} in 256-bit vectors: the 6×16 tile, the B panel 16 values per p. */
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

    /** {@link WideMicroKernel#kernelStore} in 256-bit vectors. */
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

    /** {@link WideMicroKernel#kernelRows} in 256-bit vectors. */
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

    /** {@link WideMicroKernel#kernelStoreRows} in 256-bit vectors. */
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
