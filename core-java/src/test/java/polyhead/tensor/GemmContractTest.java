package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Gemm} implementation meets, checked against a triple loop in double: all four
 * transpose variants, overwrite and accumulate, operands at non-zero offsets inside larger arrays, and degenerate
 * sizes. A new implementation joins by being added to {@link #implementations()}.
 */
class GemmContractTest {
    static List<Gemm> implementations() {
        // one, two and three threads: these split the larger products (SIZES holds some above
        // VectorGemm.PARALLEL_FLOPS, split by rows and by columns) into strips, three threads into a number of strips
        // that is not a multiple of the threads
        return List.of(new EjmlGemm(), new VectorGemm(1), new VectorGemm(2), new VectorGemm(3));
    }

    /**
     * m, n, k. Beyond the small and degenerate cases, sizes that leave edge tiles in every direction of VectorGemm's
     * 6×16 micro-kernel, span several cache blocks (k > KC = 256, m > MC = 120, with uneven remainders) and, for the
     * larger ones, pass the size from which a product is split across threads; then products that take the dot-product
     * path for A·Bᵀ (m ≤ 32, k ≥ 512: 3×3 blocks, edges, a k tail, several k blocks, one and two threads, and the
     * wide 3×5 blocks where the CPU has AVX-512); and
     * thin products read in place (one of m, n, k at most VectorGemm.THIN: blocks of 32 columns, a single vector,
     * a scalar tail; Aᵀ·B with a k above 4·THIN takes the packed path); and A·B with few rows, B read in place
     * (4 ≤ m ≤ FEW_MAX_M: 6- and 4-row tiles, a column tail through the padded strip, leftover rows), and A·Bᵀ with
     * few columns, A read in place (n ≤ FEW_MAX_N: 16- and 24-wide strips, full and padded, leftover rows).
     */
    static final int[][] SIZES = {{1, 1, 1}, {3, 5, 4}, {17, 9, 33}, {64, 48, 70}, {2, 3, 0}, {0, 4, 2},
        {6, 16, 1}, {7, 17, 5}, {5, 15, 300}, {12, 32, 8}, {13, 1, 40}, {1, 33, 17},
        {121, 35, 257}, {37, 130, 513}, {250, 61, 140}, {61, 250, 140}, {150, 90, 160}, {90, 150, 160},
        {10, 8, 515}, {3, 3, 512}, {32, 40, 1030}, {32, 61, 1100}, {4, 100, 2053}, {1, 2, 600},
        {10, 75, 40}, {40, 75, 10}, {75, 10, 40}, {10, 128, 100},
        {8, 40, 30}, {20, 200, 250}, {23, 50, 64}, {24, 90, 1024}, {81, 10, 784}, {250, 20, 200}, {37, 40, 50},
        {9, 15, 1030}, {200, 40, 600}, {130, 200, 300}, {40, 128, 600}, {250, 61, 1030},
        // the few-columns strips at 512 bits (32 and 48 wide)
        {70, 50, 40}, {37, 80, 50}};

    /** Guards the sizes above against a change of VectorGemm's thresholds leaving one of its paths untested. */
    @Test
    void sizesReachEveryPathOfVectorGemm() {
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && !dots(s) && s[0] >= s[1]), "parallel, row-major");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && !dots(s) && s[0] < s[1]), "parallel, wide");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && dots(s)), "parallel dot products");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && dots(s) && s[0] % DotKernels.DR != 0
                && s[1] % DotKernels.DW != 0 && Math.min(s[0], s[1]) > VectorGemm.DOT_MAX_M) || !DotKernels.WIDE_DOTS,
                "parallel wide dot products with rows and columns left over");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> s[2] >= VectorGemm.DOT_MIN_K && !dots(s)),
                "a long inner dimension with too many rows of A for the dot path");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && !dots(s) && s[0] > s[1]
                && s[2] > PackedProduct.KC),
                "parallel row strips over several k slices");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> parallel(s) && !dots(s) && s[0] <= s[1] && s[0] > PackedProduct.MC
                && s[2] > PackedProduct.KC), "parallel column strips over several m blocks and k slices");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !parallel(s) && dots(s) && s[0] % DotKernels.DR != 0),
                "sequential dot products with edge rows");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> s[2] > PackedProduct.KC && s[0] > PackedProduct.MC),
                "several cache blocks in k and m");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !parallel(s) && Math.min(s[0], s[2]) <= VectorGemm.THIN
                && s[1] % (4 * VectorGemm.L) > VectorGemm.L && s[1] > 4 * VectorGemm.L),
                "thin rows with 4-vector blocks, a vector and a scalar tail");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !parallel(s) && s[0] > 12 && s[0] <= VectorGemm.FEW_MAX_M
                && s[0] % 6 == 5 && s[1] % InPlaceProduct.NR != 0 && s[2] > VectorGemm.THIN),
                "few rows: 6- and 4-row tiles, a leftover row and a column tail");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> s[0] == 8 && s[1] > InPlaceProduct.NR && s[2] > VectorGemm.THIN),
                "few rows: two 4-row tiles");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> dots(s) && s[0] > VectorGemm.DOT_MAX_M), "dots, few columns");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !parallel(s) && dots(s) && s[0] % DotKernels.DR == 0
                && s[1] % DotKernels.DW == 0 && s[2] > DotProduct.KD && s[2] % 8 != 0),
                "wide 3×5 dot blocks over two k blocks with a k tail");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !dots(s) && s[0] > VectorGemm.FEW_MAX_N
                && s[1] > InPlaceProduct.NR && s[1] <= VectorGemm.FEW_MAX_N && s[2] > VectorGemm.THIN),
                "few columns of Bᵀ: a full strip and a narrower one");
        assertTrue(Arrays.stream(SIZES).anyMatch(s -> !dots(s) && s[1] == InPlaceProduct.NR + InPlaceProduct.WIDE
                && s[0] % 4 != 0 && s[2] > VectorGemm.THIN), "few columns of Bᵀ: a 2-vector then a full 3-vector strip");
    }

    private static boolean parallel(int[] s) {
        return 2L * s[0] * s[1] * s[2] >= VectorGemm.PARALLEL_FLOPS;
    }

    /** The dot-product path, when the product is A·Bᵀ (it is run with every transpose combination). */
    private static boolean dots(int[] s) {
        return s[2] >= VectorGemm.DOT_MIN_K && (Math.min(s[0], s[1]) <= VectorGemm.DOT_MAX_M
                || DotKernels.WIDE_DOTS && (long) s[0] * Math.min(s[2], DotProduct.KD) <= VectorGemm.DOT_MAX_A);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void matchesTripleLoopForEveryVariant(Gemm gemm) {
        Random rng = new Random(0);
        for (int[] s : SIZES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        int aOff = 3;
                        int bOff = 5;
                        int cOff = 7;
                        float[] a = random(rng, aOff + m * k + 2);
                        float[] b = random(rng, bOff + k * n + 1);
                        float[] c = random(rng, cOff + m * n + 4);
                        float[] before = c.clone();
                        gemm.gemm(ta, tb, m, n, k, a, aOff, b, bOff, c, cOff, acc);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = acc ? before[cOff + i * n + j] : 0;
                                for (int p = 0; p < k; p++) {
                                    float av = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
                                    float bv = tb ? b[bOff + j * k + p] : b[bOff + p * n + j];
                                    sum += (double) av * bv;
                                }
                                assertEquals(sum, c[cOff + i * n + j], 1e-5 * (1 + Math.abs(sum)) * Math.max(1, k),
                                        gemm.name() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                                                + " acc=" + acc + " at (" + i + "," + j + ")");
                            }
                        }
                        // nothing outside C's block is touched
                        for (int i = 0; i < cOff; i++) {
                            assertEquals(before[i], c[i], 0f, "element before C");
                        }
                        for (int i = cOff + m * n; i < c.length; i++) {
                            assertEquals(before[i], c[i], 0f, "element after C");
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

    /**
     * The wide 3×5 dot blocks (used where the CPU has AVX-512) sum every element of C exactly as the 3×3 blocks do:
     * A·Bᵀ with 10 rows of B (two wide blocks) and with its first 9 rows (three 3×3 blocks) agree bit for bit on
     * those 9 columns — the shape of a convolution's weight gradient with 10 output channels.
     */
    @Test
    void wideDotBlocksSumAsTheNarrowOnes() {
        Random rng = new Random(5);
        int m = 81;
        int k = 1030;
        float[] a = random(rng, m * k);
        float[] b = random(rng, 10 * k);
        float[] wide = new float[m * 10];
        float[] narrow = new float[m * 9];
        VectorGemm gemm = new VectorGemm(1);
        gemm.gemm(false, true, m, 10, k, a, 0, b, 0, wide, 0, false);
        gemm.gemm(false, true, m, 9, k, a, 0, b, 0, narrow, 0, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 9; j++) {
                assertEquals(Float.floatToRawIntBits(narrow[i * 9 + j]), Float.floatToRawIntBits(wide[i * 10 + j]),
                        "(" + i + ", " + j + ")");
            }
        }
    }
}
