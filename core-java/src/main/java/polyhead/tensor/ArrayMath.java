package polyhead.tensor;

/**
 * Element loops over two arrays read from different offsets — {@code dst[d + i] += src[s + i]} and
 * {@code dst[d + i] += a · src[s + i]} — with vectors where the Vector API runs.
 *
 * <p>Why not plain loops: on JDK 17, C2 vectorizes a loop over two arrays only when both are indexed by the same
 * expression ({@code i} or {@code o + i}); with two different offsets it cannot rule out that they overlap and runs
 * the loop one element at a time (4× slower for {@code dst[d + i] += a · src[i]}, measured). col2im's runs and the
 * optimizer's flat buffer (added to each parameter's own array) are such loops; the vector loop made col2im 1.8×
 * faster for a 10-channel 5×5 convolution over 14×14 (runs of 10) and for a 9×9 over 36×36 (runs of 28).
 *
 * <p>{@link VectorArrayMath} is used when the Vector API module is enabled (loaded reflectively, as {@link Gemms}
 * loads VectorGemm, so that this class runs without the module), else scalar loops. Both do the same IEEE operations
 * on the same pairs (a product, then a sum; no fused multiply-add), so the results are the same bit for bit.
 */
public final class ArrayMath {
    /** The loops, with vectors or one element at a time. */
    interface Kernels {
        /** {@code dst[d + i] += src[s + i]} for i in [0, n). */
        void add(float[] dst, int d, float[] src, int s, int n);

        /** {@code dst[d + i] += a * src[s + i]} for i in [0, n), the product rounded before the sum. */
        void addScaled(float[] dst, int d, float[] src, int s, int n, float a);
    }

    static final Kernels SCALAR = new Kernels() {
        @Override
        public void add(float[] dst, int d, float[] src, int s, int n) {
            for (int i = 0; i < n; i++) {
                dst[d + i] += src[s + i];
            }
        }

        @Override
        public void addScaled(float[] dst, int d, float[] src, int s, int n, float a) {
            for (int i = 0; i < n; i++) {
                dst[d + i] += a * src[s + i];
            }
        }
    };

    private static final Kernels KERNELS = kernels();

    private ArrayMath() {
    }

    private static Kernels kernels() {
        if (Gemms.vectorAvailable()) {
            try {
                return (Kernels) Class.forName("polyhead.tensor.VectorArrayMath").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar loops
            }
        }
        return SCALAR;
    }

    /** In place: {@code dst[d + i] += src[s + i]} for i in [0, n). */
    public static void add(float[] dst, int d, float[] src, int s, int n) {
        KERNELS.add(dst, d, src, s, n);
    }

    /** In place: {@code dst[d + i] += a * src[s + i]} for i in [0, n) (the product rounded, then the sum). */
    public static void addScaled(float[] dst, int d, float[] src, int s, int n, float a) {
        KERNELS.addScaled(dst, d, src, s, n, a);
    }
}
