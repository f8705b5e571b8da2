package polyhead.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayMath}'s loops with 256-bit vectors ({@code jdk.incubator.vector}): 8 floats per operation, the last
 * {@code n mod 8} one by one; the scaled sum multiplies, then adds (no FMA), as the scalar loop. Loaded only when the
 * module is enabled.
 */
final class VectorArrayMath implements ArrayMath.Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    @Override
    public void add(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] += src[s + i];
        }
    }

    @Override
    public void addScaled(float[] dst, int d, float[] src, int s, int n, float a) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i).mul(a))
                    .intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] += a * src[s + i];
        }
    }
}
