package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link PackedProduct}'s bits, on one thread and on several, against the sums it promises: each element of C is,
 * for each KC slice of the inner dimension in order (KC evened out over the slices), a chain of fused multiply-adds
 * from +0 over the slice, stored for the first slice of a product that does not accumulate and added to C otherwise.
 * The product reads whole 6-row panels of op(A) in place (rows of A, or contiguous columns of Aᵀ) and packs only a
 * last panel of fewer rows; these sizes take both, in strips of rows and of columns, with B panels left over at the
 * edge and several k slices, so that reading A in place and packing it must give the same bits.
 */
class PackedProductBitsTest {
    private static final int MR = PackedProduct.MR;
    private static final int NR = PackedProduct.NR;

    /**
     * m, n, k: strips of columns (m ≤ n, or a wide op(B)) and of rows, rows past the last whole panel, k over 1-3
     * slices.
     */
    private static final int[][] SIZES = {{6, 2 * NR, 40}, {13, 3 * NR + 5, 530}, {40, 75, 10},
        {131, NR + 3, 530}, {250, 61, 140}, {61, 250, 257}, {126, 2 * NR, 784}, {390, 381, 270}};

    @Test
    void sizesReachWholeAndPartialPanelsInBothStripDirections() {
        for (int threads : new int[] {2, 3}) {
            assertTrue(java.util.Arrays.stream(SIZES).anyMatch(s -> columns(s, threads) && s[0] % MR != 0
                    && s[2] > 2 * 256), "columns, a partial row panel, three k slices");
            assertTrue(java.util.Arrays.stream(SIZES).anyMatch(s -> columns(s, threads) && s[0] > s[1]
                    && s[1] % NR != 0), "columns with more rows than columns, a partial column panel");
            assertTrue(java.util.Arrays.stream(SIZES).anyMatch(s -> !columns(s, threads) && s[0] % MR != 0
                    && s[1] % NR != 0), "rows, a partial row panel and a partial column panel");
            assertTrue(java.util.Arrays.stream(SIZES).anyMatch(s -> !columns(s, threads) && s[0] % MR == 0
                    && s[2] > 256), "rows, whole panels only, two k slices");
        }
    }

    private static boolean columns(int[] size, int threads) {
        return PackedProduct.inColumns(size[0], size[1], threads);
    }

    @Test
    void oneThreadAndSeveralGiveTheSlicedFusedSumsBitForBit() {
        Random rng = new Random(15);
        WorkerPool pool = new WorkerPool(3, "packed-bits-test");
        for (int[] s : SIZES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] a = random(rng, 2 + m * k);
                        float[] b = random(rng, 3 + k * n);
                        float[] c0 = random(rng, 5 + m * n + 4);
                        float[] expected = expected(ta, tb, m, n, k, a, 2, b, 3, c0, 5, acc);
                        for (int threads : new int[] {1, 2, 3}) {
                            float[] c = c0.clone();
                            PackedProduct p = new PackedProduct(
                                    new Product(ta, tb, m, n, k, a, 2, b, 3, c, 5, acc));
                            if (threads == 1) {
                                p.computeSequential(VectorWorkspace.get());
                            } else {
                                p.computeParallel(pool, threads);
                            }
                            for (int i = 0; i < c.length; i++) {
                                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(c[i]),
                                        "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc
                                                + " threads=" + threads + ": element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** C after the product, element by element from the promised sums; elements outside C's block unchanged. */
    private static float[] expected(boolean ta, boolean tb, int m, int n, int k, float[] a, int ao, float[] b, int bo,
                                    float[] c0, int co, boolean acc) {
        float[] c = c0.clone();
        int kc = ceilDiv(k, ceilDiv(k, PackedProduct.KC));
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = c[co + i * n + j];
                for (int p0 = 0; p0 < k; p0 += kc) {
                    float sum = 0f;
                    for (int p = p0; p < Math.min(k, p0 + kc); p++) {
                        float av = ta ? a[ao + p * m + i] : a[ao + i * k + p];
                        float bv = tb ? b[bo + j * k + p] : b[bo + p * n + j];
                        sum = Math.fma(av, bv, sum);
                    }
                    v = p0 == 0 && !acc ? sum : v + sum;
                }
                c[co + i * n + j] = v;
            }
        }
        return c;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static float[] random(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
