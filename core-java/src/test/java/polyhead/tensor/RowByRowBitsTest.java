package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link InPlaceProduct#rowByRow}'s bits for op(A)·B over a range of rows and columns: every element of C in the
 * range is a chain of fused multiply-adds over k from +0, stored, or added to C when accumulating; whether its row is
 * in a block of four rows or left over, and its column in a four-vector block, a one-vector block or a single
 * column, does not change it. Elements outside the range are untouched.
 */
class RowByRowBitsTest {

    @Test
    void fourRowBlocksAndLeftOverRowsGiveTheFusedChainsBitForBit() {
        Random rng = new Random(19);
        int lanes = VectorGemm.L;
        for (int m : new int[] {1, 3, 4, 5, 9, 14}) {
            for (int n : new int[] {1, lanes + 3, 4 * lanes, 9 * lanes + 5}) {
                for (int k : new int[] {1, 5, 10, 33}) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean acc : new boolean[] {false, true}) {
                            for (int[] range : new int[][] {{0, m, 0}, {1, m, 3}}) {
                                check(rng, ta, m, n, k, acc, Math.min(range[0], m), range[1], Math.min(range[2], n));
                            }
                        }
                    }
                }
            }
        }
    }

    private static void check(Random rng, boolean ta, int m, int n, int k, boolean acc, int i0, int i1, int j0) {
        float[] a = random(rng, 1 + m * k);
        float[] b = random(rng, 2 + k * n);
        float[] c0 = random(rng, 3 + m * n + 2);
        float[] c = c0.clone();
        new InPlaceProduct(new Product(ta, false, m, n, k, a, 1, b, 2, c, 3, acc)).rowByRow(i0, i1, j0);
        for (int e = 0; e < c.length; e++) {
            float want = c0[e];
            int i = (e - 3) / n;
            int j = (e - 3) % n;
            if (e >= 3 && e < 3 + m * n && i >= i0 && i < i1 && j >= j0) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(ta ? a[1 + p * m + i] : a[1 + i * k + p], b[2 + p * n + j], s);
                }
                want = acc ? c0[e] + s : s;
            }
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c[e]), "m=" + m + " n=" + n + " k="
                    + k + " ta=" + ta + " acc=" + acc + " rows " + i0 + ".." + i1 + " from column " + j0 + ": element "
                    + e);
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
