package polyhead.tensor;

/**
 * General matrix product over row-major float arrays: {@code C = op(A)·op(B)} or {@code C += op(A)·op(B)}, where
 * {@code op(X)} is {@code X} or {@code Xᵀ}.
 *
 * <p>{@code op(A)} is m×k, {@code op(B)} is k×n and C is m×n. Each matrix is dense and row-major starting at its
 * offset: A is stored m×k (or k×m when transposed), B is stored k×n (or n×k when transposed). C must not alias A
 * or B. Implementations: {@link EjmlGemm} (portable) and {@link VectorGemm} (fast, needs the Vector API module);
 * {@link Gemms} selects one at start-up and {@link Gemms#use} replaces it.
 */
public interface Gemm {
    /**
     * @param transA use Aᵀ
     * @param transB use Bᵀ
     * @param accumulate add into C instead of overwriting it
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset, boolean accumulate);

    /**
     * Whether {@link #convolve} has a kernel for this geometry and number of output channels (default: never).
     */
    default boolean canConvolve(Im2col.Geometry g, int outChannels) {
        return false;
    }

    /**
     * Optional kernel ({@link #canConvolve}): the convolution of one sample straight from its input, without an
     * im2col matrix: {@code y[o][i][j] = Σ_{c,p,q} w[o][c][p][q]·x[c][i+p][j+q]}, plus {@code bias[o]} if it is not
     * null, for the geometry {@code g} (one sample, C×H×W at {@code x[xOffset]}), weights [outChannels, C·kh·kw]
     * and the output [outChannels, Ho·Wo] at {@code y[yOffset]} (overwritten). The sum over (c, p, q) runs in that
     * order and the bias is added last, as a product with the im2col matrix followed by adding the bias would.
     *
     * @throws UnsupportedOperationException if {@link #canConvolve} is false for {@code g}
     */
    default void convolve(Im2col.Geometry g, int outChannels, float[] w, float[] bias, float[] x, int xOffset,
                          float[] y, int yOffset) {
        throw new UnsupportedOperationException(name() + " has no direct convolution for " + g);
    }

    /**
     * Whether {@link #weightGradient} runs for this geometry and number of output channels: an optional kernel for a
     * convolution's weight gradient straight from its input.
     */
    default boolean canWeightGradient(Im2col.Geometry g, int outChannels) {
        return false;
    }

    /**
     * Optional kernel ({@link #canWeightGradient}): one sample's contribution to a convolution's weight gradient,
     * transposed, without an im2col matrix: {@code dwt[r·O + o] (+)= Σ_{i,j} x[c][i+p][j+q]·g[o][i][j]} for
     * {@code r = (c, p, q)} and O = outChannels, with the sample's input C×H×W at {@code x[xOffset]}, its output
     * gradient [O, Ho·Wo] at {@code g[gOffset]} and ∂Wᵀ [C·kh·kw, O] at {@code dwt[dwtOffset]} (added to when
     * {@code accumulate}, else overwritten). The same products as X·Gᵀ with X = im2col(x), summed in another order.
     *
     * @throws UnsupportedOperationException if {@link #canWeightGradient} is false for {@code g}
     */
    default void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad, int gOffset,
                                float[] dwt, int dwtOffset, boolean accumulate) {
        throw new UnsupportedOperationException(name() + " has no direct weight gradient for " + g);
    }

    /**
     * Whether convolutions may multiply extra columns of zeros to save scattered additions (an input gradient through
     * an output gradient padded to the input's width, one col2im run per kernel position): true for a GEMM fast enough
     * that the extra products cost less than the short runs they replace. Off by default, so a GEMM that wraps
     * another (to count its products, say) sees only the products the model defines.
     */
    default boolean prefersPaddedRows() {
        return false;
    }

    /** A short name for logs and benchmark reports. */
    String name();
}
