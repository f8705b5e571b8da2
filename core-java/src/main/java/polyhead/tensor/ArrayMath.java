package polyhead.tensor;

/**
 * Element loops over two arrays read from different offsets — {@code dst[d + i] += src[s + i]} and
 * {@code dst[d + i] += a · src[s + i]} — and the 2×2 max pooling ({@link #maxPool2x2}), with vectors where the Vector
 * API runs.
 *
 * <p>Why not plain loops: on JDK 17, C2 vectorizes a loop over two arrays only when both are indexed by the same
 * expression ({@code i} or {@code o + i}); with two different offsets it cannot rule out that they overlap and runs
 * the loop one element at a time, several times slower. col2im's runs and the optimizer's flat buffer (added to each
 * parameter's own array) are such loops (figures in BENCHMARKS.md, implementation notes).
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

        /** See {@link ArrayMath#addBias}. */
        void addBias(float[] y, int yo, int rows, int cols, int ld, float[] bias, int bo, boolean relu);

        /** See {@link ArrayMath#reluMask(float[], float[], float[], int, int)}. */
        void reluMask(float[] g, float[] y, float[] out, int from, int to);

        /** See {@link ArrayMath#sumColumns(float[], int, int, int, int, float[])}. */
        void sumColumns(float[] g, int rows, int cols, int j0, int j1, float[] out);

        /** See {@link ArrayMath#dotDouble(float[], int, float[], int, int)}. */
        double dotDouble(float[] a, int ao, float[] b, int bo, int n);

        /** See {@link ArrayMath#weightedSum}. */
        void weightedSum(float[][] v, double[] a, int n, float[] out);

        /** See {@link ArrayMath#copyRuns}. */
        void copyRuns(float[] src, int s, int srcStride, float[] dst, int d, int runs, int len);

        /** See {@link ArrayMath#exp(double[], int, int)}. */
        void exp(double[] x, int from, int to);

        /** See {@link ArrayMath#maxPool2x2}. */
        void maxPool2x2(float[] x, int xOff, int planes, int h, int w, float[] out, int outOff, int[] argmax,
                        int argBase, boolean relu);
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

        @Override
        public void addBias(float[] y, int yo, int rows, int cols, int ld, float[] bias, int bo, boolean relu) {
            for (int r = 0; r < rows; r++) {
                int o = yo + r * ld;
                if (relu) {
                    for (int j = 0; j < cols; j++) {
                        y[o + j] = Math.max(y[o + j] + bias[bo + j], 0f);
                    }
                } else {
                    for (int j = 0; j < cols; j++) {
                        y[o + j] += bias[bo + j];
                    }
                }
            }
        }

        @Override
        public void reluMask(float[] g, float[] y, float[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                out[i] = passWhereNotZero(g[i], y[i]);
            }
        }

        @Override
        public void sumColumns(float[] g, int rows, int cols, int j0, int j1, float[] out) {
            double[] acc = new double[j1 - j0];
            for (int r = 0; r < rows; r++) {
                for (int j = j0, o = r * cols; j < j1; j++) {
                    acc[j - j0] += g[o + j];
                }
            }
            for (int j = j0; j < j1; j++) {
                out[j] = (float) acc[j - j0];
            }
        }

        @Override
        public double dotDouble(float[] a, int ao, float[] b, int bo, int n) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = 0;
            for (; i <= n - 8; i += 8) {
                s0 += (double) a[ao + i] * b[bo + i];
                s1 += (double) a[ao + i + 1] * b[bo + i + 1];
                s2 += (double) a[ao + i + 2] * b[bo + i + 2];
                s3 += (double) a[ao + i + 3] * b[bo + i + 3];
                s4 += (double) a[ao + i + 4] * b[bo + i + 4];
                s5 += (double) a[ao + i + 5] * b[bo + i + 5];
                s6 += (double) a[ao + i + 6] * b[bo + i + 6];
                s7 += (double) a[ao + i + 7] * b[bo + i + 7];
            }
            for (; i < n; i++) {
                s0 += (double) a[ao + i] * b[bo + i];
            }
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }

        @Override
        public void weightedSum(float[][] v, double[] a, int n, float[] out) {
            for (int k = 0; k < n; k++) {
                double s = 0;
                for (int t = 0; t < v.length; t++) {
                    if (v[t] != null && a[t] != 0) {
                        s += a[t] * v[t][k];
                    }
                }
                out[k] = (float) s;
            }
        }

        @Override
        public void exp(double[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = ArrayMath.exp(x[i]);
            }
        }

        @Override
        public void copyRuns(float[] src, int s, int srcStride, float[] dst, int d, int runs, int len) {
            for (int r = 0; r < runs; r++) {
                System.arraycopy(src, s + r * srcStride, dst, d + r * len, len);
            }
        }

        @Override
        public void maxPool2x2(float[] x, int xOff, int planes, int h, int w, float[] out, int outOff, int[] argmax,
                               int argBase, boolean relu) {
            int ho = h / 2;
            int wo = w / 2;
            for (int p = 0, k = outOff; p < planes; p++) {
                for (int oh = 0; oh < ho; oh++, k += wo) {
                    maxPool2x2Row(x, xOff + p * h * w + 2 * oh * w, w, 0, wo, out, k, argmax, argBase - xOff, relu);
                }
            }
        }
    };

    /**
     * Windows {@code [ow0, ow1)} of the 2×2 pooling of the row pair starting at {@code x[row]} (rows w apart), into
     * {@code out[k ...]} and {@code argmax[k ...]} (the index in x plus {@code shift}); see {@link #maxPool2x2}.
     */
    static void maxPool2x2Row(float[] x, int row, int w, int ow0, int ow1, float[] out, int k, int[] argmax,
                              int shift, boolean relu) {
        for (int ow = ow0; ow < ow1; ow++, k++) {
            int i0 = row + 2 * ow;
            int best = i0;
            float max = x[i0];
            float v = x[i0 + 1];
            best = pick(best, i0 + 1, v > max | v != v);
            max = Math.max(max, v);
            v = x[i0 + w];
            best = pick(best, i0 + w, v > max | v != v);
            max = Math.max(max, v);
            v = x[i0 + w + 1];
            best = pick(best, i0 + w + 1, v > max | v != v);
            out[k] = relu ? Math.max(x[best], 0f) : x[best];
            argmax[k] = best + shift;
        }
    }

    /**
     * {@code take ? candidate : best} through a mask, so that C2 emits no branch: written as a conditional
     * expression it compiled to a jump that random data mispredicts, and the 2×2 pooling ran slower.
     */
    private static int pick(int best, int candidate, boolean take) {
        int mask = take ? -1 : 0;
        return best ^ ((best ^ candidate) & mask);
    }

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

    /**
     * A fully connected layer's epilogue, in place on a block of {@code rows} rows of {@code cols} values, rows
     * {@code ld} apart from {@code y[yo]}: {@code y[r, j] += bias[bo + j]}, with {@code relu} then
     * {@code y[r, j] = Math.max(y[r, j], 0)} (NaN stays NaN, −0 becomes +0), each value rounded once per operation.
     */
    public static void addBias(float[] y, int yo, int rows, int cols, int ld, float[] bias, int bo, boolean relu) {
        KERNELS.addBias(y, yo, rows, cols, ld, bias, bo, relu);
    }

    /**
     * ReLU's backward: {@code out[i] = g[i]} where the output {@code y[i]} is not +0 (y &gt; 0 or NaN), else +0, for
     * i in [0, n). Without a branch, which would mispredict on random signs.
     */
    public static void reluMask(float[] g, float[] y, float[] out, int n) {
        KERNELS.reluMask(g, y, out, 0, n);
    }

    /** {@link #reluMask(float[], float[], float[], int)} for i in [from, to) only. */
    public static void reluMask(float[] g, float[] y, float[] out, int from, int to) {
        KERNELS.reluMask(g, y, out, from, to);
    }

    /** {@link #reluMask} for one element. */
    public static float passWhereNotZero(float g, float y) {
        // the bits of y are 0 exactly where the gradient is stopped, so (b | −b) >> 31 is all ones where it passes
        int b = Float.floatToRawIntBits(y);
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & ((b | -b) >> 31));
    }

    /**
     * A bias gradient: {@code out[j] = Σ_r g[r·cols + j]} for j in [0, cols), each column summed in double over the
     * rows in order from 0 and rounded to float once.
     */
    public static void sumColumns(float[] g, int rows, int cols, float[] out) {
        KERNELS.sumColumns(g, rows, cols, 0, cols, out);
    }

    /**
     * {@link #sumColumns(float[], int, int, float[])} for the columns j in [j0, j1) only: each column's sum is the
     * same whatever range it is summed in.
     */
    public static void sumColumns(float[] g, int rows, int cols, int j0, int j1, float[] out) {
        KERNELS.sumColumns(g, rows, cols, j0, j1, out);
    }

    /**
     * {@code runs} runs of {@code len} values, run r from {@code src[s + r·srcStride]}, one after another into
     * {@code dst[d ...]}: {@code dst[d + r·len + e] = src[s + r·srcStride + e]} (an im2col row of a stride-1
     * convolution without padding: Ho runs of Wo input values). Nothing else in {@code dst} is written. With vectors
     * each short run is one or two vector loads and stores, the stores running past the run into the next one,
     * which overwrites them (the last run is copied exactly): W2's second layer copies runs of 10 values, each
     * {@code System.arraycopy} call costing more than its copy.
     */
    public static void copyRuns(float[] src, int s, int srcStride, float[] dst, int d, int runs, int len) {
        KERNELS.copyRuns(src, s, srcStride, dst, d, runs, len);
    }

    /**
     * In place: {@code x[i] = e^x[i]} for i in [from, to), in double, within two ulps of {@link Math#exp} (see
     * {@link #exp(double)}). The vector kernel does the same IEEE operations on 8 (or 4) values at once, so both
     * kernels give the same bits, at every JIT tier. Softmax cross-entropy's exponentials: on W1 at batch 512,
     * {@code Math.exp} one value at a time was about 5% of the training step.
     */
    public static void exp(double[] x, int from, int to) {
        KERNELS.exp(x, from, to);
    }

    /** Below this e^x is 0 (after rounding), above {@link #EXP_MAX} it is +∞: x is clamped to the interval first. */
    static final double EXP_MIN = -746;
    static final double EXP_MAX = 710;
    static final double LOG2_E = 0x1.71547652b82fep0;
    /** 1.5·2^52: x·log₂e + this rounds x·log₂e to the nearest integer k, held in the low bits of the sum. */
    static final double EXP_SHIFTER = 0x1.8p52;
    static final long EXP_SHIFTER_BITS = Double.doubleToRawLongBits(EXP_SHIFTER);
    /** ln 2 in two parts: the double nearest to it, and the rest. */
    static final double LN2_HI = 0x1.62e42fefa39efp-1;
    static final double LN2_LO = 0x1.abc9e3b39803fp-56;
    /** 1/n! for n = 13 down to 0, Horner's order: the Taylor polynomial of e^r, |r| ≤ ln2/2 (remainder &lt; 5e-18). */
    static final double[] EXP_TAYLOR = taylor(13);

    private static double[] taylor(int degree) {
        double[] c = new double[degree + 1];
        double factorial = 1;
        for (int n = 1; n <= degree; n++) {
            factorial *= n; // exact up to 13! (below 2^53)
        }
        for (int n = degree; n >= 0; n--) {
            c[degree - n] = 1 / factorial;
            factorial /= Math.max(n, 1);
        }
        return c;
    }

    /**
     * e^x by the textbook reduction, in IEEE operations that the vector kernel repeats lane by lane: x clamped to
     * [{@link #EXP_MIN}, {@link #EXP_MAX}] (NaN stays NaN); k = x·log₂e rounded to the nearest integer; r = x − k·ln2
     * (two fused multiply-adds, ln 2 in two parts); e^r by its Taylor polynomial of degree 13 (Horner, fused
     * multiply-adds); times 2^⌊k/2⌋ and 2^(k−⌊k/2⌋), two exact powers of two so that results near overflow and
     * subnormal ones are rounded once. Not {@code Math.exp}'s bits (at most two ulps apart). Chosen over the Vector
     * API's {@code EXP}, which runs the JDK's SVML routine once compiled but {@code Math.exp} lane by lane before, so
     * that the same values would get different bits early and late in a run.
     */
    static double exp(double x) {
        double xc = Math.max(Math.min(x, EXP_MAX), EXP_MIN);
        double t = Math.fma(xc, LOG2_E, EXP_SHIFTER);
        double k = t - EXP_SHIFTER;
        double r = Math.fma(-k, LN2_HI, xc);
        r = Math.fma(-k, LN2_LO, r);
        double p = EXP_TAYLOR[0];
        for (int i = 1; i < EXP_TAYLOR.length; i++) {
            p = Math.fma(p, r, EXP_TAYLOR[i]);
        }
        long kl = Double.doubleToRawLongBits(t) - EXP_SHIFTER_BITS;
        long k1 = kl >> 1;
        long k2 = kl - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    /** In place: {@code dst[d + i] += a * src[s + i]} for i in [0, n) (the product rounded, then the sum). */
    public static void addScaled(float[] dst, int d, float[] src, int s, int n, float a) {
        KERNELS.addScaled(dst, d, src, s, n, a);
    }

    /**
     * {@code out[k] = (float) Σ_t a[t]·v[t][k]} for k in [0, n): each term a product in double, summed in double from
     * 0 in the order of t and rounded to float once; rows that are null or whose a[t] is 0 are left out. The vector
     * kernel does the same operations on a vector of floats at a time, widened to two vectors of doubles, so the two
     * kernels agree bit for bit.
     */
    public static void weightedSum(float[][] v, double[] a, int n, float[] out) {
        if (v.length != a.length) {
            throw new IllegalArgumentException("weightedSum: " + v.length + " rows but " + a.length + " weights");
        }
        KERNELS.weightedSum(v, a, n, out);
    }

    /**
     * Σ_i a[ao + i]·b[bo + i] over i in [0, n), every product and sum in double (each product of two floats is exact in
     * double), in several partial sums added at the end: the one running sum of a plain loop waits for each addition
     * before the next (about 4 cycles per element), these do not. The scalar kernel keeps eight (indices by residue
     * mod 8), the vector kernel two vectors of doubles; the result can differ from the plain loop's, and between the
     * kernels, in the last bits of the double.
     */
    public static double dotDouble(float[] a, int ao, float[] b, int bo, int n) {
        return KERNELS.dotDouble(a, ao, b, bo, n);
    }

    /** {@link #dotDouble(float[], int, float[], int, int)} of two whole arrays of the same length. */
    public static double dotDouble(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dotDouble: lengths " + a.length + " and " + b.length + " differ");
        }
        return dotDouble(a, 0, b, 0, a.length);
    }

    /**
     * Max pooling over 2×2 windows at stride 2 of {@code planes} planes of h×w floats at {@code x[xOff ...]}, into
     * ⌊h/2⌋×⌊w/2⌋ outputs per plane at {@code out[outOff ...]}, PyTorch's rules: the first maximum of the window in
     * row-major order, or its last NaN. Each window's argmax goes to {@code argmax[outOff ...]} as its index in x
     * relative to {@code xOff}, plus {@code argBase}; with {@code relu} each output is the ReLU of the maximum (the
     * argmax unchanged). The vector kernel gives the same outputs and indices as the scalar loop, bit for bit.
     */
    public static void maxPool2x2(float[] x, int xOff, int planes, int h, int w, float[] out, int outOff, int[] argmax,
                                  int argBase, boolean relu) {
        KERNELS.maxPool2x2(x, xOff, planes, h, w, out, outOff, argmax, argBase, relu);
    }
}
