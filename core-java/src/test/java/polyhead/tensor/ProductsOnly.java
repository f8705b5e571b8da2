package polyhead.tensor;

/** For tests: a GEMM's matrix products behind a wrapper that offers none of its optional kernels. */
public final class ProductsOnly {
    private ProductsOnly() {
    }

    /** {@code gemm}'s products, named "products only": not a VectorGemm, so no direct convolution goes with it. */
    public static Gemm of(Gemm gemm) {
        return new Gemm() {
            @Override
            public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b,
                             int bOffset, float[] c, int cOffset, boolean accumulate) {
                gemm.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
            }

            @Override
            public String name() {
                return "products only";
            }
        };
    }
}
