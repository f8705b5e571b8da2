package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import jdk.incubator.vector.FloatVector;

import org.junit.jupiter.api.Test;

/**
 * Both micro-kernels against the sum they promise, element by element: C[r, j] (+)= Σ_p A[r, p]·B[p, j] as one fused
 * multiply-add per p in order, starting from +0 ({@link Math#fma} in float). Equal bits for the 6×16 and the 6×32
 * kernel are what lets {@code -Dpolyhead.gemm.kernelBits} change the packed products' speed and not their results.
 */
class WideMicroKernelTest {
    private static final int MR = PackedProduct.MR;

    /**
     * The kernel of this JVM's width only: running vectors of the other width too would leave C2 compiling every
     * later test's kernels without their intrinsics (one type profile per Vector API method on JDK 17; the whole
     * suite ran 6 times slower). The 6×16 kernel is checked in core-java's 256-bit test run ({@code kernels-256}), the
     * 6×32 one where the JVM prefers 512-bit vectors (elsewhere it never runs).
     */
    @Test
    void kernelOfThisWidthAddsAndStoresTheSameBitsAsTheSequentialFusedSums() {
        check(PackedProduct.NR, true);
        check(PackedProduct.NR, false);
    }

    @Test
    void fmaCeilingTakesOnly256Or512BitVectors() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FmaCeiling.gflops(1, 10, 128));
        assertEquals("vector bits must be 256 or 512, not 128", e.getMessage());
        double g = FmaCeiling.gflops(1, 1000, PackedProduct.WIDE ? 512 : 256); // this JVM's width, as above
        org.junit.jupiter.api.Assertions.assertTrue(g > 0 && Double.isFinite(g), "GFLOPS " + g);
    }

    /** The bench's measurement in a JVM of its own: the child starts, measures and reports a number. */
    @Test
    void fmaCeilingInAChildJvm() {
        java.util.OptionalDouble g = FmaCeiling.inChildJvm(1, 1000, FmaCeiling.defaultBits());
        org.junit.jupiter.api.Assertions.assertTrue(g.isPresent(), "the child JVM did not report");
        org.junit.jupiter.api.Assertions.assertTrue(g.getAsDouble() > 0 && Double.isFinite(g.getAsDouble()),
                "GFLOPS " + g);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FmaCeiling.gflopsInFreshJvm(1, 1000, 384));
    }

    /**
     * The width follows the JVM's preferred vectors unless the property chooses; 512 only where the JVM has them; a
     * malformed value names the property.
     */
    @Test
    void kernelWidthFromThePropertyAndThePreferredVectors() {
        assertEquals(true, PackedProduct.wide(null, 512));
        assertEquals(false, PackedProduct.wide(null, 256));
        assertEquals(false, PackedProduct.wide("256", 512));
        assertEquals(true, PackedProduct.wide(" 512 ", 512));
        assertEquals(false, PackedProduct.wide("512", 256));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedProduct.wide("384", 512));
        assertEquals("-Dpolyhead.gemm.kernelBits=384: expected 256 or 512", e.getMessage());
        assertEquals(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 && System.getProperty(
                "polyhead.gemm.kernelBits", "512").trim().equals("512"), PackedProduct.WIDE, "this JVM's width");
        assertEquals(PackedProduct.WIDE ? 16 : 8, VectorGemm.L);
    }

    private static void check(int nr, boolean store) {
        Random rng = new Random(nr + (store ? 1 : 0));
        int kb = 37;
        int ldc = nr + 5; // C rows with a gap between them, as inside a wider matrix
        float[] pa = new float[3 + kb * MR];
        float[] pb = new float[2 + kb * nr];
        for (int i = 0; i < pa.length; i++) {
            pa[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < pb.length; i++) {
            pb[i] = (float) rng.nextGaussian();
        }
        float[] c = new float[7 + MR * ldc];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) rng.nextGaussian();
        }
        float[] expected = c.clone();
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < nr; j++) {
                float sum = 0f;
                for (int p = 0; p < kb; p++) {
                    sum = Math.fma(pa[3 + p * MR + r], pb[2 + p * nr + j], sum);
                }
                int at = 7 + r * ldc + j;
                expected[at] = store ? sum : expected[at] + sum;
            }
        }
        if (nr == 32) {
            if (store) {
                WideMicroKernel.kernelStore(kb, pa, 3, MR, pb, 2, c, 7, ldc);
            } else {
                WideMicroKernel.kernel(kb, pa, 3, MR, pb, 2, c, 7, ldc);
            }
        } else if (store) {
            MicroKernel.kernelStore(kb, pa, 3, MR, pb, 2, c, 7, ldc);
        } else {
            MicroKernel.kernel(kb, pa, 3, MR, pb, 2, c, 7, ldc);
        }
        for (int i = 0; i < c.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(c[i]),
                    (nr == 32 ? "wide" : "narrow") + (store ? " store" : " add") + ": element " + i);
        }
    }
}
