package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link InPlaceProduct#fewCols}'s bits for A·Bᵀ with at most one vector's width of columns (a classification head:
 * 10 or 5 classes), which goes through one-vector strips: every row of the 6- and 4-row tiling ({@link
 * Product#tiledRows}) is a chain of fused multiply-adds over k from +0, the rows it leaves are
 * {@link DotKernels#dot}; stored, or added to C when accumulating. Row counts with and without partial 8-row tiles
 * and left-over rows; C's other elements untouched.
 */
class FewColumnsBitsTest {

    @Test
    void oneVectorStripsGiveTheFusedChainsBitForBit() {
        Random rng = new Random(21);
        int lanes = VectorGemm.L;
        for (int m : new int[] {4, 6, 9, 13, 21, 64, 130}) {
            for (int n : new int[] {1, 5, 10, lanes}) {
                if (n > lanes) {
                    continue;
                }
                for (int k : new int[] {1, 33, 128}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] a = random(rng, 1 + m * k);
                        float[] b = random(rng, 2 + n * k);
                        float[] c0 = random(rng, 3 + m * n + 2);
                        float[] c = c0.clone();
                        Product p = new Product(false, true, m, n, k, a, 1, b, 2, c, 3, acc);
                        new InPlaceProduct(p).fewCols(VectorWorkspace.get());
                        int tiled = p.tiledRows();
                        for (int e = 0; e < c.length; e++) {
                            float want = c0[e];
                            int i = (e - 3) / Math.max(n, 1);
                            if (e >= 3 && e < 3 + m * n) {
                                int j = (e - 3) % n;
                                float s;
                                if (i < tiled) {
                                    s = 0f;
                                    for (int q = 0; q < k; q++) {
                                        s = Math.fma(a[1 + i * k + q], b[2 + j * k + q], s);
                                    }
                                } else {
                                    s = DotKernels.dot(k, a, 1 + i * k, b, 2 + j * k);
                                }
                                want = acc ? c0[e] + s : s;
                            }
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c[e]),
                                    "m=" + m + " n=" + n + " k=" + k + " acc=" + acc + ": element " + e);
                        }
                    }
                }
            }
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
