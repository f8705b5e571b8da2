package polyhead.tensor;

import static polyhead.tensor.PackedProduct.MR;
import static polyhead.tensor.PackedProduct.NR;
import static polyhead.tensor.VectorGemm.L;
import static polyhead.tensor.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked micro-kernel of {@link PackedProduct}: an MR×NR = 6×16 tile of C from one packed A panel and
 * one packed B panel, as fused multiply-adds in 256-bit vectors. 12 accumulators, 2 panel vectors and a broadcast fit
 * the 16 vector registers of AVX2 (a 4×24 kernel is faster where AVX-512's 32 registers exist but spills on AVX2;
 * 512-bit vectors were slower on JDK 17).
 */
final class MicroKernel {
    private MicroKernel() {
    }

    /**
     * The 6×16 micro-kernel: C[0:6, 0:16] += Σ_p A[:, p]·B[p, :] over one packed A panel (6 values per p) and one
     * packed B panel (16 values per p), the tile held in 12 registers; C row r starts at {@code co + r·ldc}.
     * It only accumulates; {@link #kernelStore} is the one that overwrites: a kernel that chose per call between
     * storing and adding ran much slower under C2 once both paths had been taken.
     */
    static void kernel(int kb, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
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
        for (int p = 0; p < kb; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        add(c00, c01, c, co);
        add(c10, c11, c, co + ldc);
        add(c20, c21, c, co + 2 * ldc);
        add(c30, c31, c, co + 3 * ldc);
        add(c40, c41, c, co + 4 * ldc);
        add(c50, c51, c, co + 5 * ldc);
    }

    /**
     * {@link #kernel} that stores the tile instead of adding it to C, for the first k slice of a product that does not
     * accumulate: C is then not zeroed first nor read. A method of its own, the same loop as {@link #kernel}: one kernel
     * that chose per call between storing and adding ran much slower once C2 had seen both (BENCHMARKS.md,
     * implementation notes). The sums start at +0 and so
     * are never −0: the same bits as zeroing C and adding them.
     */
    static void kernelStore(int kb, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
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
        for (int p = 0; p < kb; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store(c00, c01, c, co);
        store(c10, c11, c, co + ldc);
        store(c20, c21, c, co + 2 * ldc);
        store(c30, c31, c, co + 3 * ldc);
        store(c40, c41, c, co + 4 * ldc);
        store(c50, c51, c, co + 5 * ldc);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int co) {
        v0.intoArray(c, co);
        v1.intoArray(c, co + L);
    }

    private static void add(FloatVector v0, FloatVector v1, float[] c, int co) {
        v0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        v1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
    }
}
