package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link VectorDirectConvolution#weightGradient} in 3×3 blocks (the AVX2 path, and any channel count that is not a
 * multiple of 5) against the definition, with one or two channels left after the last block; and, where the CPU has
 * AVX-512, the same bits as the 3×5 blocks.
 */
class WeightGradientBlocksTest {
    @Test
    void narrowBlocksMatchTheDefinitionAndTheWideBlocksBitForBit() {
        VectorDirectConvolution vector = new VectorDirectConvolution();
        // {C, H, W, O, kh, kw}
        int[][] settings = {{1, 36, 36, 10, 9, 9}, {2, 12, 10, 1, 3, 3}, {2, 12, 10, 2, 3, 3}, {3, 9, 13, 5, 2, 3},
            {1, 9, 20, 7, 2, 6}, {2, 11, 17, 15, 3, 3}};
        Random rng = new Random(78);
        for (int[] s : settings) {
            Im2col.Geometry geo = new Im2col.Geometry(s[0], s[1], s[2], s[4], s[5], 1, 1, 0, 0);
            int o = s[3];
            int ho = geo.outHeight();
            int wo = geo.outWidth();
            float[] x = Tensor.randn(rng, Shape.of(3 + geo.inputSize())).data();
            float[] g = Tensor.randn(rng, Shape.of(5 + o * ho * wo)).data();
            float[] before = Tensor.randn(rng, Shape.of(4 + geo.colRows() * o)).data();
            for (boolean accumulate : new boolean[] {false, true}) {
                String what = Arrays.toString(s) + (accumulate ? " accumulating" : "");
                float[] narrow = before.clone();
                vector.weightGradient(geo, o, x, 3, g, 5, narrow, 2, accumulate, false);
                for (int r = 0; r < geo.colRows(); r++) {
                    int ch = r / (s[4] * s[5]);
                    int p = r / s[5] % s[4];
                    int q = r % s[5];
                    for (int oc = 0; oc < o; oc++) {
                        double sum = accumulate ? before[2 + r * o + oc] : 0;
                        for (int i = 0; i < ho; i++) {
                            for (int j = 0; j < wo; j++) {
                                sum += (double) x[3 + (ch * s[1] + i + p) * s[2] + j + q] * g[5 + (oc * ho + i) * wo + j];
                            }
                        }
                        assertEquals(sum, narrow[2 + r * o + oc], 1e-4 * (1 + Math.abs(sum)), what + " at " + r + "," + oc);
                    }
                }
                assertEquals(before[1], narrow[1], 0f, what + ": before dwt");
                assertEquals(before[narrow.length - 1], narrow[narrow.length - 1], 0f, what + ": after dwt");
                if (DotKernels.WIDE_DOTS && o % DotKernels.DW == 0) {
                    float[] wide = before.clone();
                    vector.weightGradient(geo, o, x, 3, g, 5, wide, 2, accumulate, true);
                    for (int i = 0; i < wide.length; i++) {
                        assertEquals(Float.floatToRawIntBits(narrow[i]), Float.floatToRawIntBits(wide[i]),
                                what + ": 3×5 against 3×3 blocks at " + i);
                    }
                }
            }
        }
    }
}
