package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link ArrayMath}: the vector loops give the scalar loops' results bit for bit, and the scalar loops are right. */
class ArrayMathTest {

    @Test
    void vectorLoopsEqualTheScalarLoopsAtEveryLengthAndOffset() {
        Random rng = new Random(13);
        ArrayMath.Kernels vector = new VectorArrayMath();
        for (int n = 0; n <= 40; n++) {
            for (int offset : new int[] {0, 3, 7}) {
                float[] src = Tensor.randn(rng, Shape.of(n + 9)).data();
                float[] dst = Tensor.randn(rng, Shape.of(n + 11)).data();
                float[] expected = dst.clone();
                float[] got = dst.clone();
                ArrayMath.SCALAR.add(expected, offset + 1, src, offset, n);
                vector.add(got, offset + 1, src, offset, n);
                assertArrayEquals(expected, got, 0f, "add, n = " + n + ", offset " + offset);
                expected = dst.clone();
                got = dst.clone();
                ArrayMath.SCALAR.addScaled(expected, offset, src, offset + 2, n, 0.37f);
                vector.addScaled(got, offset, src, offset + 2, n, 0.37f);
                assertArrayEquals(expected, got, 0f, "addScaled, n = " + n + ", offset " + offset);
            }
        }
    }

    @Test
    void loopsTouchOnlyTheirStretch() {
        float[] dst = {1, 1, 1, 1, 1, 1};
        ArrayMath.add(dst, 2, new float[] {9, 2, 3}, 1, 2);
        assertArrayEquals(new float[] {1, 1, 3, 4, 1, 1}, dst);
        ArrayMath.addScaled(dst, 0, new float[] {4, 8}, 0, 2, 0.5f);
        assertArrayEquals(new float[] {3, 5, 3, 4, 1, 1}, dst);
        float big = 1e8f;
        float[] rounding = {1};
        ArrayMath.addScaled(rounding, 0, new float[] {big}, 0, 1, 3f);
        assertEquals(1f + 3f * big, rounding[0], 0f, "product rounded, then the sum");
    }
}
