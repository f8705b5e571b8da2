package polyhead.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Im2col}'s row addition with 256-bit vectors ({@code jdk.incubator.vector}): 8 floats per addition, the
 * last {@code n mod 8} one by one. Loaded only when the module is enabled (see {@link Im2col}).
 */
final class VectorRowAdd implements Im2col.RowAdd {
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
}
