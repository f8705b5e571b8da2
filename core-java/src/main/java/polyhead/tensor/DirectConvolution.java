package polyhead.tensor;

/**
 * Optional convolution kernels that read a sample's input in place instead of through an im2col matrix: the forward
 * pass ({@link #convolve}) and the weight gradient ({@link #weightGradient}), each for the geometries it says it
 * handles. {@code polyhead.autodiff.ops.Convolution} takes them where they apply and im2col with a {@link Gemm}
 * product everywhere else. {@link Gemms} installs one with the GEMM: {@link VectorDirectConvolution} with the
 * {@link VectorGemm}, whose products its forward pass reproduces bit for bit, and {@link #NONE} with any other.
 */
public interface DirectConvolution {
    /** No kernel for any geometry: every convolution goes through im2col and the GEMM. */
    DirectConvolution NONE = new DirectConvolution() {
        @Override
        public boolean canConvolve(Im2col.Geometry g, int outChannels) {
            return false;
        }

        @Override
        public void convolve(Im2col.Geometry g, int outChannels, float[] w, float[] bias, float[] x, int xOffset,
                             float[] y, int yOffset) {
            throw new UnsupportedOperationException(name() + " has no direct convolution for " + g);
        }

        @Override
        public boolean canWeightGradient(Im2col.Geometry g, int outChannels) {
            return false;
        }

        @Override
        public void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad,
                                   int gOffset, float[] dwt, int dwtOffset, boolean accumulate) {
            throw new UnsupportedOperationException(name() + " has no direct weight gradient for " + g);
        }

        @Override
        public String name() {
            return "none";
        }
    };

    /** Whether {@link #convolve} has a kernel for this geometry and number of output channels. */
    boolean canConvolve(Im2col.Geometry g, int outChannels);

    /**
     * The convolution of one sample straight from its input, without an im2col matrix:
     * {@code y[o][i][j] = Σ_{c,p,q} w[o][c][p][q]·x[c][i+p][j+q]}, plus {@code bias[o]} if it is not null, for the
     * geometry {@code g} (one sample, C×H×W at {@code x[xOffset]}), weights [outChannels, C·kh·kw] and the output
     * [outChannels, Ho·Wo] at {@code y[yOffset]} (overwritten). The sum over (c, p, q) runs in that order and the bias
     * is added last, as a product with the im2col matrix followed by adding the bias would.
     *
     * @throws UnsupportedOperationException if {@link #canConvolve} is false for {@code g}
     */
    void convolve(Im2col.Geometry g, int outChannels, float[] w, float[] bias, float[] x, int xOffset, float[] y,
                  int yOffset);

    /** Whether {@link #weightGradient} has a kernel for this geometry and number of output channels. */
    boolean canWeightGradient(Im2col.Geometry g, int outChannels);

    /**
     * One sample's contribution to a convolution's weight gradient, transposed, without an im2col matrix:
     * {@code dwt[r·O + o] (+)= Σ_{i,j} x[c][i+p][j+q]·g[o][i][j]} for {@code r = (c, p, q)} and O = outChannels, with
     * the sample's input C×H×W at {@code x[xOffset]}, its output gradient [O, Ho·Wo] at {@code g[gOffset]} and ∂Wᵀ
     * [C·kh·kw, O] at {@code dwt[dwtOffset]} (added to when {@code accumulate}, else overwritten). The same products
     * as X·Gᵀ with X = im2col(x), summed in another order.
     *
     * @throws UnsupportedOperationException if {@link #canWeightGradient} is false for {@code g}
     */
    void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad, int gOffset,
                        float[] dwt, int dwtOffset, boolean accumulate);

    /** A short name for logs and benchmark reports. */
    String name();
}
