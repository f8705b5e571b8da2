package polyhead.tensor;

/**
 * General matrix product over row-major float arrays: {@code C = op(A)·op(B)} or {@code C += op(A)·op(B)}, where
 * {@code op(X)} is {@code X} or {@code Xᵀ}.
 *
 * <p>{@code op(A)} is m×k, {@code op(B)} is k×n and C is m×n. Each matrix is dense and row-major starting at its
 * offset: A is stored m×k (or k×m when transposed), B is stored k×n (or n×k when transposed). C must not alias A
 * or B. Implementations: {@link EjmlGemm} (portable) and {@link VectorGemm} (fast, needs the Vector API module);
 * {@link Gemms} selects one at start-up and {@link Gemms#use} replaces it. Convolutions that skip the im2col matrix
 * are a {@link DirectConvolution}, installed with the GEMM.
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
