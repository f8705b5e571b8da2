package polyhead.tensor;

import java.util.Arrays;

/**
 * The im2col transform that turns a 2-D convolution into one matrix product, and its adjoint col2im.
 *
 * <p>For one sample of C×H×W values (row-major, NCHW without the N), a kernel kh×kw, stride (sh, sw), zero padding
 * (ph, pw) and dilation 1, the column matrix has {@code C·kh·kw} rows and {@code Ho·Wo} columns:
 * <pre>
 *   cols[(c·kh + i)·kw + j][oh·Wo + ow] = x[c][oh·sh − ph + i][ow·sw − pw + j]   (0 outside the input)
 * </pre>
 * with {@code Ho = ⌊(H + 2ph − kh)/sh⌋ + 1} and {@code Wo = ⌊(W + 2pw − kw)/sw⌋ + 1}. This layout makes a convolution
 * with weights [O, C, kh, kw] (seen as an O×(C·kh·kw) matrix) the product {@code W·cols}, an O×(Ho·Wo) matrix that
 * is already the sample's [O, Ho, Wo] output: one gemm per sample and no transposition.
 *
 * <p>{@link #col2im} is the adjoint (transpose) of {@link #im2col}: it scatter-adds every column entry back onto the
 * input position it was read from, and drops entries that were read from the padding. So
 * {@code <im2col(x), y> = <x, col2im(y)>} for all x and y, and col2im maps the gradient of the columns to the
 * gradient of the input.
 */
public final class Im2col {
    private Im2col() {
    }

    /**
     * The sizes of one im2col transform: input C×H×W, kernel kh×kw, stride (sh, sw), zero padding (ph, pw).
     * Requires positive kernel and stride, non-negative padding, and a kernel no larger than the padded input.
     */
    public record Geometry(int channels, int height, int width, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW) {
        public Geometry {
            if (channels < 0 || height < 0 || width < 0) {
                throw new IllegalArgumentException("im2col: input size " + channels + "x" + height + "x" + width
                        + " has a negative dimension");
            }
            if (kernelH < 1 || kernelW < 1) {
                throw new IllegalArgumentException("im2col: kernel " + kernelH + "x" + kernelW
                        + " must be >= 1 in both dimensions");
            }
            if (strideH < 1 || strideW < 1) {
                throw new IllegalArgumentException("im2col: stride " + strideH + "x" + strideW
                        + " must be >= 1 in both dimensions");
            }
            if (padH < 0 || padW < 0) {
                throw new IllegalArgumentException("im2col: padding " + padH + "x" + padW
                        + " must be >= 0 in both dimensions");
            }
            if ((long) height + 2L * padH < kernelH || (long) width + 2L * padW < kernelW) {
                throw new ShapeException("im2col: kernel " + kernelH + "x" + kernelW + " is larger than the input "
                        + height + "x" + width + " padded by " + padH + "x" + padW);
            }
        }

        /** {@code Ho = ⌊(H + 2ph − kh)/sh⌋ + 1}. */
        public int outHeight() {
            return (height + 2 * padH - kernelH) / strideH + 1;
        }

        /** {@code Wo = ⌊(W + 2pw − kw)/sw⌋ + 1}. */
        public int outWidth() {
            return (width + 2 * padW - kernelW) / strideW + 1;
        }

        /** Elements of one input sample, {@code C·H·W}. */
        public int inputSize() {
            return channels * height * width;
        }

        /** Rows of the column matrix, {@code C·kh·kw}. */
        public int colRows() {
            return channels * kernelH * kernelW;
        }

        /** Columns of the column matrix, {@code Ho·Wo}. */
        public int colCols() {
            return outHeight() * outWidth();
        }
    }

    /**
     * Writes the column matrix of the sample at {@code x[xOffset ...]} into {@code cols[colsOffset ...]}
     * ({@code colRows()·colCols()} elements, every one overwritten). {@code x} is not modified.
     */
    public static void im2col(Geometry g, float[] x, int xOffset, float[] cols, int colsOffset) {
        im2col(g, x, xOffset, cols, colsOffset, g.colCols());
    }

    /**
     * {@link #im2col(Geometry, float[], int, float[], int)} into a wider matrix: row r of the column matrix is written
     * to {@code cols[colsOffset + r·ld ...]} ({@code colCols()} elements; {@code ld ≥ colCols()}). Several samples
     * placed side by side this way ({@code colsOffset = j·colCols()}, {@code ld = samples·colCols()}) make one
     * matrix, so a convolution over a batch is one matrix product.
     */
    public static void im2col(Geometry g, float[] x, int xOffset, float[] cols, int colsOffset, int ld) {
        int h = g.height();
        int w = g.width();
        int ho = g.outHeight();
        int wo = g.outWidth();
        int sw = g.strideW();
        requireStride(ld, ho * wo);
        int row = colsOffset;
        for (int c = 0; c < g.channels(); c++) {
            int plane = xOffset + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int dx = j - g.padW();
                    // output columns whose input column ow·sw + dx lies inside [0, w)
                    int owLo = firstInside(dx, sw);
                    int owHi = Math.min(wo, lastInside(dx, sw, w) + 1);
                    if (sw == 1 && g.strideH() == 1 && g.padH() == 0 && owLo == 0 && owHi == wo) {
                        // every output row reads Wo input values in a row: Ho runs, rows w apart
                        ArrayMath.copyRuns(x, plane + i * w + dx, w, cols, row, ho, wo);
                        row += ld;
                        continue;
                    }
                    for (int oh = 0; oh < ho; oh++) {
                        int dst = row + oh * wo;
                        int ih = oh * g.strideH() - g.padH() + i;
                        if (ih < 0 || ih >= h || owLo >= owHi) {
                            Arrays.fill(cols, dst, dst + wo, 0f);
                            continue;
                        }
                        if (owLo > 0) {
                            Arrays.fill(cols, dst, dst + owLo, 0f);
                        }
                        int src = plane + ih * w + dx;
                        if (sw == 1) {
                            System.arraycopy(x, src + owLo, cols, dst + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) {
                                cols[dst + ow] = x[src + ow * sw];
                            }
                        }
                        if (owHi < wo) {
                            Arrays.fill(cols, dst + owHi, dst + wo, 0f);
                        }
                    }
                    row += ld;
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of the column matrix at {@code cols[colsOffset ...]} into the
     * input position it reads, {@code x[xOffset ...]} (modified: accumulated into, not overwritten). Entries that
     * correspond to padding are dropped. {@code cols} is not modified.
     */
    public static void col2im(Geometry g, float[] cols, int colsOffset, float[] x, int xOffset) {
        col2im(g, cols, colsOffset, g.colCols(), x, xOffset);
    }

    /** {@link #col2im(Geometry, float[], int, float[], int)} from a wider matrix: row r at {@code colsOffset + r·ld}. */
    public static void col2im(Geometry g, float[] cols, int colsOffset, int ld, float[] x, int xOffset) {
        int h = g.height();
        int w = g.width();
        int ho = g.outHeight();
        int wo = g.outWidth();
        int sw = g.strideW();
        requireStride(ld, ho * wo);
        int row = colsOffset;
        for (int c = 0; c < g.channels(); c++) {
            int plane = xOffset + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int dx = j - g.padW();
                    int owLo = firstInside(dx, sw);
                    int owHi = Math.min(wo, lastInside(dx, sw, w) + 1);
                    for (int oh = 0; oh < ho; oh++) {
                        int ih = oh * g.strideH() - g.padH() + i;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = row + oh * wo;
                        int dst = plane + ih * w + dx;
                        if (sw == 1) {
                            ArrayMath.add(x, dst + owLo, cols, src + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) {
                                x[dst + ow * sw] += cols[src + ow];
                            }
                        }
                    }
                    row += ld;
                }
            }
        }
    }

    /**
     * {@link #col2im(Geometry, float[], int, int, float[], int)} for a column matrix whose rows are laid out as
     * Ho rows of W (the input's width), each output row's Wo values followed by W − Wo zeros — the product Wᵀ·G with G
     * padded that way — at stride 1 without padding. Row (c, p, q) then maps onto the input as one run of
     * (Ho − 1)·W + Wo floats from x[c][p][q] (each output row's zeros land on positions of the next input row, adding
     * nothing), so it is added with one {@link ArrayMath#add} instead of Ho adds of Wo floats.
     *
     * @throws IllegalArgumentException unless the stride is 1 and there is no padding, or if ld is shorter than Ho·W
     */
    public static void col2imRows(Geometry g, float[] cols, int colsOffset, int ld, float[] x, int xOffset) {
        if (g.strideH() != 1 || g.strideW() != 1 || g.padH() != 0 || g.padW() != 0) {
            throw new IllegalArgumentException("col2imRows: needs stride 1 and no padding, got " + g);
        }
        int w = g.width();
        requireStride(ld, g.outHeight() * w);
        int run = (g.outHeight() - 1) * w + g.outWidth();
        int row = colsOffset;
        for (int c = 0; c < g.channels(); c++) {
            for (int p = 0; p < g.kernelH(); p++) {
                for (int q = 0; q < g.kernelW(); q++) {
                    ArrayMath.add(x, xOffset + (c * g.height() + p) * w + q, cols, row, run);
                    row += ld;
                }
            }
        }
    }

    private static void requireStride(int ld, int colCols) {
        if (ld < colCols) {
            throw new IllegalArgumentException("im2col: row stride " + ld + " is shorter than a row (" + colCols + ")");
        }
    }

    /** The smallest o ≥ 0 with {@code o·stride + offset ≥ 0}. */
    private static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** The largest o with {@code o·stride + offset ≤ size − 1}, or −1 if there is none with o ≥ 0. */
    private static int lastInside(int offset, int stride, int size) {
        int room = size - 1 - offset;
        return room < 0 ? -1 : room / stride;
    }
}
