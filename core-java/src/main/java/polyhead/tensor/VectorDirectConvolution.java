package polyhead.tensor;

import static polyhead.tensor.DotKernels.DR;
import static polyhead.tensor.DotKernels.DW;
import static polyhead.tensor.DotKernels.WIDE_DOTS;
import static polyhead.tensor.DotKernels.dot3x3;
import static polyhead.tensor.DotKernels.dot3x5;
import static polyhead.tensor.ConvolutionTiles.STRIP;
import static polyhead.tensor.Product.roundUp;
import static polyhead.tensor.VectorGemm.FEW_MAX_K;
import static polyhead.tensor.VectorGemm.FEW_MAX_M;
import static polyhead.tensor.VectorGemm.L;
import static polyhead.tensor.VectorGemm.checkRange;

import java.util.Arrays;

/**
 * The {@link DirectConvolution} of {@link VectorGemm}, written with the Vector API (which must be enabled with
 * {@code --add-modules jdk.incubator.vector}): a convolution's forward pass with {@link VectorGemm}'s in-place tiles
 * ({@link ConvolutionTiles}) and its weight gradient with the dot-product blocks ({@link DotKernels}), both reading
 * the input in place, at stride 1 without padding.
 */
public final class VectorDirectConvolution implements DirectConvolution {
    /**
     * A convolution at stride 1 without padding whose output rows are at least 16 wide, computed as {@link
     * InPlaceProduct#fewRows} computes W·im2col(x) (same tiles, same order of the sum over k, so the same result bit
     * for bit) but reading each 16-wide strip of the column matrix straight from the input: for output row i and
     * columns j..j+15, column-matrix row k = (c, p, q) is x[c][i+p][j+q .. j+q+15], contiguous. An output row wider
     * than 16 and not a multiple of it ends with a strip that overlaps the one before (its columns are computed twice,
     * with the same values). No column matrix is written, which for W2's first convolution (1×36×36, 9×9) was a large
     * share of its forward time. Output channels 4 to {@link VectorGemm#FEW_MAX_M}, C·kh·kw at most {@link
     * VectorGemm#FEW_MAX_K}. (Java evaluates a·b + c with one rounding in {@code fma} in both, so the equality is
     * exact.)
     */
    @Override
    public boolean canConvolve(Im2col.Geometry g, int outChannels) {
        return g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0 && g.outWidth() >= STRIP
                && outChannels >= 4 && outChannels <= FEW_MAX_M && g.colRows() <= FEW_MAX_K;
    }

    /**
     * A convolution's weight gradient straight from its input, for stride 1 without padding and kernels 3k wide: the
     * dot path's blocks, 3 kernel columns q..q+2 × 5 output channels ({@link DotKernels#dot3x5}, where the CPU has
     * AVX-512 and the channels are 5m) or × 3 ({@link DotKernels#dot3x3}; the last one or two channels through a
     * scratch tile, against zero rows). Per sample, the input rows are copied to a buffer of width
     * roundUp(Wo, L) + kw − 1 and the output-gradient rows to one of width roundUp(Wo, L), both zero beyond the data,
     * so that every product is a whole L-lane vector (8 or 16 lanes, {@link VectorGemm#L}) and the padding adds exact
     * zeros; the padded input is then copied once per kernel column q, its rows cut to roundUp(Wo, L) values from
     * column q, so that every A row of a block is read contiguously; outputs at least 8 wide (W2's second layer, 10
     * wide, pads to 16 at either width);
     * there is no im2col matrix; for W2's first layer (1×36×36, 9×9, 10 channels) faster than im2col and the dot
     * products, with the 3×5 blocks and with the 3×3 blocks alike (BENCHMARKS.md, implementation notes). Each
     * accumulator runs over all Ho
     * rows in one flat loop: on JDK 17, vector accumulators carried through nested loops are boxed.
     */
    @Override
    public boolean canWeightGradient(Im2col.Geometry g, int outChannels) {
        return g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0 && g.kernelW() % DR == 0
                && outChannels >= 1 && g.outWidth() >= 8;
    }

    @Override
    public void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad, int gOffset,
                               float[] dwt, int dwtOffset, boolean accumulate) {
        if (!canWeightGradient(g, outChannels)) {
            throw new UnsupportedOperationException("no direct weight gradient for " + g + " with " + outChannels
                    + " output channels");
        }
        weightGradient(g, outChannels, x, xOffset, grad, gOffset, dwt, dwtOffset, accumulate,
                WIDE_DOTS && outChannels % DW == 0);
    }

    /** {@link #weightGradient} with 3×5 blocks ({@code wide}) or 3×3 blocks and a scratch tile for the last channels. */
    void weightGradient(Im2col.Geometry g, int outChannels, float[] x, int xOffset, float[] grad, int gOffset,
                        float[] dwt, int dwtOffset, boolean accumulate, boolean wide) {
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int ho = g.outHeight();
        int wo = g.outWidth();
        checkRange("x", x, xOffset, g.inputSize());
        checkRange("g", grad, gOffset, (long) outChannels * ho * wo);
        checkRange("dwt", dwt, dwtOffset, (long) g.colRows() * outChannels);
        int gp = roundUp(wo, L);
        int xp = gp + kw - 1;
        VectorWorkspace ws = VectorWorkspace.get();
        float[] px = ws.paddedX(c * h * xp);
        // the 3×3 blocks read whole groups of three channels: the last group's missing ones are zero rows
        int gRows = wide ? outChannels : roundUp(outChannels, DR);
        float[] pg = ws.paddedG(gRows * ho * gp);
        // the buffers are shared by every geometry on this thread: zeroed whole every time (one fill each, not one
        // per row: W2's first layer has 316 rows per sample, and the short fills were 1.7% of its step), then the
        // rows copied in
        Arrays.fill(px, 0, c * h * xp, 0f);
        Arrays.fill(pg, 0, gRows * ho * gp, 0f);
        for (int r = 0; r < c * h; r++) {
            System.arraycopy(x, xOffset + r * w, px, r * xp, w);
        }
        for (int r = 0; r < outChannels * ho; r++) {
            System.arraycopy(grad, gOffset + r * wo, pg, r * gp, wo);
        }
        // the input seen from each kernel column q: sx[q·cs + r·gp + j] = px[r·xp + q + j] for j < gp, so that the
        // kernels read each of their A rows contiguously (one load index plus fixed offsets: bounds checked once per
        // call) instead of jumping the padding at every row's end; the same values, so the same bits
        int cs = c * h * gp;
        float[] sx = ws.shiftedX(kw * cs);
        for (int q = 0; q < kw; q++) {
            ArrayMath.copyRuns(px, q, xp, sx, q * cs, c * h, gp);
        }
        int plane = ho * gp;
        int steps = ho * (gp / L); // vector steps: Ho rows of gp / L vectors
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < kh; p++) {
                for (int q = 0; q < kw; q += DR) {
                    int row = (ch * kh + p) * kw + q;
                    int xStart = q * cs + (ch * h + p) * gp;
                    // A's three "rows" are the input seen from columns q, q+1, q+2 (cs apart in sx); B's five
                    // (three) are the channels' output gradients
                    int o = 0;
                    for (; wide && o < outChannels; o += DW) {
                        dot3x5(steps * L, sx, xStart, cs, pg, o * plane, plane, dwt,
                                dwtOffset + row * outChannels + o, outChannels, !accumulate);
                    }
                    for (; o + DR <= outChannels; o += DR) {
                        dot3x3(steps * L, sx, xStart, cs, pg, o * plane, plane, dwt,
                                dwtOffset + row * outChannels + o, outChannels, !accumulate);
                    }
                    if (o < outChannels) {
                        // the last one or two channels: a block over the zero rows, into a scratch tile
                        float[] tile = ws.tile;
                        dot3x3(steps * L, sx, xStart, cs, pg, o * plane, plane, tile, 0, DR, true);
                        for (int r = 0; r < DR; r++) {
                            for (int e = 0, d = dwtOffset + (row + r) * outChannels + o; e < outChannels - o; e++) {
                                dwt[d + e] = accumulate ? dwt[d + e] + tile[r * DR + e] : tile[r * DR + e];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void convolve(Im2col.Geometry g, int outChannels, float[] w, float[] bias, float[] x, int xOffset,
                         float[] y, int yOffset) {
        if (!canConvolve(g, outChannels)) {
            throw new UnsupportedOperationException("no direct convolution for " + g + " with " + outChannels
                    + " output channels");
        }
        int k = g.colRows();
        int ho = g.outHeight();
        int wo = g.outWidth();
        checkRange("x", x, xOffset, g.inputSize());
        checkRange("w", w, 0, (long) outChannels * k);
        checkRange("y", y, yOffset, (long) outChannels * ho * wo);
        int[] rowOffsets = rowOffsets(g);
        int width = g.width();
        // A = w (outChannels×k), C = y (outChannels × Ho·Wo); "B" is read through rowOffsets
        ConvolutionTiles p = new ConvolutionTiles(
                new Product(false, false, outChannels, ho * wo, k, w, 0, x, xOffset, y, yOffset, false));
        int tiled = p.tiledRows();
        for (int i = 0; i < ho; i++) {
            for (int j = 0; ; j += STRIP) {
                j = Math.min(j, wo - STRIP);
                int xo = xOffset + i * width + j;
                int co = yOffset + i * wo + j;
                strip(p, outChannels, tiled, rowOffsets, xo, co, bias);
                if (j == wo - STRIP) {
                    break;
                }
            }
        }
    }

    /**
     * One 16-wide strip of the output (16 columns of every output channel): 6- and 4-row tiles, then single rows, in
     * 256-bit tiles or in 512-bit ones ({@link PackedProduct#WIDE}, a constant: C2 keeps one branch).
     */
    private static void strip(ConvolutionTiles p, int outChannels, int tiled, int[] rowOffsets, int xo, int co,
                              float[] bias) {
        for (int r = 0; r < tiled; ) {
            int rem = outChannels - r;
            if (rem >= 6 && rem != 8) {
                if (PackedProduct.WIDE) {
                    p.rows6DirectWide(r, rowOffsets, xo, co, bias);
                } else {
                    p.rows6Direct(r, rowOffsets, xo, co, bias);
                }
                r += 6;
            } else {
                if (PackedProduct.WIDE) {
                    p.rows4DirectWide(r, rowOffsets, xo, co, bias);
                } else {
                    p.rows4Direct(r, rowOffsets, xo, co, bias);
                }
                r += 4;
            }
        }
        for (int r = tiled; r < outChannels; r++) {
            if (PackedProduct.WIDE) {
                p.rowDirectWide(r, rowOffsets, xo, co, bias);
            } else {
                p.rowDirect(r, rowOffsets, xo, co, bias);
            }
        }
    }

    /**
     * For {@link #convolve}: where row k = (c, p, q) of the im2col matrix starts in a sample, {@code c·H·W + p·W + q}
     * (its entry for output position (i, j) is {@code i·W + j} further on). In this thread's workspace, valid until
     * the next call.
     */
    private static int[] rowOffsets(Im2col.Geometry g) {
        int[] rowOffsets = VectorWorkspace.get().rowOffsets(g.colRows());
        int width = g.width();
        int plane = g.height() * width;
        for (int c = 0, r = 0; c < g.channels(); c++) {
            for (int p = 0; p < g.kernelH(); p++) {
                for (int q = 0; q < g.kernelW(); q++) {
                    rowOffsets[r++] = c * plane + p * width + q;
                }
            }
        }
        return rowOffsets;
    }

    @Override
    public String name() {
        return "vector";
    }
}
