package polyhead.autodiff.ops;

import java.util.Arrays;
import java.util.function.IntConsumer;

import polyhead.autodiff.Backward;
import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.DirectConvolution;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Im2col;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Two-dimensional convolution (cross-correlation, as in every deep-learning library) over NCHW tensors, computed
 * through {@link Im2col} and one matrix product per group of samples (their column matrices side by side), with column
 * buffers that are reused across calls; where the direct convolution installed with the GEMM has a kernel for the
 * geometry ({@link DirectConvolution#canConvolve}: the vector GEMM's at stride 1 without padding), the forward pass
 * reads the input in place instead. The groups run in parallel over the cores, or optionally one after the other with
 * each product shared over the cores (see {@link #PARALLEL_GROUPS}).
 */
public final class Convolution {
    /**
     * The largest column matrix of a group of samples, in floats (256 KiB): small enough that a group's columns, and
     * the packed panels the GEMM makes of them, stay in a core's L2 cache between im2col and the product (and between
     * the product and col2im). With 4 MiB groups W2 spent more time in im2col, col2im and the GEMM's packing, all
     * memory-bound, than in the products (BENCHMARKS.md, implementation notes).
     */
    static final int GROUP_FLOATS = 1 << 16;
    /**
     * Convolutions of fewer flops (2·N·O·C·kh·kw·Ho·Wo) run as few groups as the buffer allows; from here on the batch
     * is cut into at least {@link #MIN_GROUPS} groups, so that parallel groups have tasks to share.
     */
    static final double PARALLEL_FLOPS = 4e6;
    /** Groups a parallel convolution is cut into at least: a few per core, so that a busy core does fewer. */
    static final int MIN_GROUPS = 8;
    /**
     * Whether the groups of a convolution run in parallel, one group per thread at a time ({@link Parallel}), or one
     * after the other with each product shared over the cores by the GEMM: system property {@value #PARALLEL_PROPERTY}
     * ({@code true} or {@code false}), default {@code true}. Parallel groups also spread im2col, col2im, the gathers
     * and the bias over the cores. With the L2-sized groups of {@link #GROUP_FLOATS} every group is a short task that
     * idle threads pull from a counter, so a core that another process occupies simply does fewer; W2 ran faster
     * so, on an idle machine and with the cores also busy (BENCHMARKS.md, implementation notes). Results are the same
     * bit for bit either way.
     */
    static final String PARALLEL_PROPERTY = "polyhead.conv.parallelGroups";
    static final boolean PARALLEL_GROUPS = Boolean.parseBoolean(System.getProperty(PARALLEL_PROPERTY, "true"));

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Convolution() {
    }

    /** {@link #conv2d(Var, Var, Var, int, int, int, int)} with the same stride and padding in both dimensions. */
    public static Var conv2d(Var x, Var weight, Var bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, stride, padding, padding);
    }

    /**
     * PyTorch's {@code F.conv2d(x, weight, bias, stride=(sh, sw), padding=(ph, pw))} with dilation 1 and groups 1.
     * For x [N, C, H, W], weight [O, C, kh, kw] and an optional bias [O], the output y [N, O, Ho, Wo] is
     * <pre>
     *   y[n,o,i,j] = b[o] + Σ_{c,p,q} w[o,c,p,q] · x[n, c, i·sh − ph + p, j·sw − pw + q]
     * </pre>
     * with x read as 0 outside the input, {@code Ho = ⌊(H + 2ph − kh)/sh⌋ + 1} and {@code Wo = ⌊(W + 2pw − kw)/sw⌋ + 1}
     * (rows or columns the last window does not reach are ignored, as in PyTorch).
     *
     * <p>Per sample, with X = im2col(x[n]) of shape (C·kh·kw)×(Ho·Wo) and W the weight seen as O×(C·kh·kw), the
     * output is {@code W·X} and, for an output gradient G [O, Ho·Wo]:
     * ∂/∂x[n] = col2im(Wᵀ·G), ∂/∂w = Σₙ G·Xᵀ, ∂/∂b[o] = Σ_{n,i,j} G[n,o,i,j]. A group of samples is computed at
     * once with their X (and G) side by side: [X₁ X₂ …] is one (C·kh·kw)×(k·Ho·Wo) matrix.
     *
     * @param bias null for no bias
     * @throws IllegalArgumentException if a stride is below 1 or a padding below 0
     * @throws ShapeException if x or weight is not of rank 4, the channel counts differ, the bias is not [O], or the
     *                        kernel is larger than the padded input
     */
    public static Var conv2d(Var x, Var weight, Var bias, int strideH, int strideW, int padH, int padW) {
        return conv2d(x, weight, bias, strideH, strideW, padH, padW, GROUP_FLOATS, PARALLEL_GROUPS);
    }

    /** The public conv2d with the size limit of the column buffer as a parameter, so tests can force small groups. */
    static Var conv2d(Var x, Var weight, Var bias, int strideH, int strideW, int padH, int padW, int groupFloats) {
        return conv2d(x, weight, bias, strideH, strideW, padH, padW, groupFloats, PARALLEL_GROUPS);
    }

    /**
     * ... and the choice of running the groups in parallel (each on one thread) or one after the other on the caller
     * (each product then shared over the cores by the GEMM).
     */
    static Var conv2d(Var x, Var weight, Var bias, int strideH, int strideW, int padH, int padW, int groupFloats,
                      boolean parallelGroups) {
        Im2col.Geometry geo = geometry(x, weight, bias, strideH, strideW, padH, padW);
        Shape sx = x.shape();
        Shape sw = weight.shape();
        int n = sx.dim(0);
        int o = sw.dim(0);
        Plan plan = new Plan(geo, n, o, groupSize(n, o, geo.colRows(), geo.colCols(), groupFloats));
        Shape outShape = Shape.of(n, o, geo.outHeight(), geo.outWidth());
        float[] xd = x.value().data();
        float[] wd = weight.value().data();
        float[] bd = bias == null ? null : bias.value().data();
        float[] out = Arena.floatsToOverwrite(outShape.size()); // every element written below
        Gemm gemm = Gemms.current();
        DirectConvolution direct = Gemms.directConvolution();
        int outSize = plan.outSize();
        forEachGroup(parallelGroups, plan.groups(),
                t -> plan.forward(t, gemm, direct, xd, wd, bd, out, plan.first(t) * outSize, WORKSPACE.get()));
        Backward rule = g -> {
            float[] dg = g.data();
            backward(plan, gemm, parallelGroups, x, weight, bias, (t, gx, gwParts, gbParts, ws) -> plan.backward(t,
                    gemm, direct, xd, wd, dg, plan.first(t) * outSize, gx, gwParts, gbParts, ws));
        };
        Tensor y = Tensor.wrap(outShape, out);
        return bias == null ? Var.result(y, "conv2d", rule, x, weight) : Var.result(y, "conv2d", rule, x, weight, bias);
    }

    /**
     * {@code maxPool2d(relu(conv2d(x, weight, bias, stride, padding)), 2)} (2×2 windows, stride 2, no padding) as one
     * node, with the values and gradients of the three nodes bit for bit. Each group of samples is convolved into a
     * small buffer of the thread's (a few hundred KB at most, see {@link #GROUP_FLOATS}) and pooled from there while it
     * is in cache; the convolution's output is never written out, and in the backward pass each group's output
     * gradient is rebuilt from the pooled gradient (zeros, and each window's gradient at its argmax) in the same
     * buffer just before the group's products read it. The bias is added before the pooling, as in the separate
     * nodes, so that ties are broken on the same values. W2's convolutions wrote and reread 8 MB (the first) and 2 MB
     * per step for their outputs, as much again for the pooling's input gradient, which was zeroed first.
     *
     * <p>{@link polyhead.nn.Sequential} uses it for a {@code Conv2d}, a ReLU and a {@code MaxPool2d(2)} in a row.
     * Where the convolution's output is smaller than 2×2 this is the three nodes (and fails as they do).
     *
     * @throws IllegalArgumentException and {@link ShapeException} as {@link #conv2d(Var, Var, Var, int, int, int, int)}
     */
    public static Var conv2dReluMaxPool2x2(Var x, Var weight, Var bias, int stride, int padding) {
        return conv2dReluMaxPool2x2(x, weight, bias, stride, padding, GROUP_FLOATS, PARALLEL_GROUPS);
    }

    /** ... with the group size limit and the parallel choice of {@link #conv2d} as parameters, for tests. */
    static Var conv2dReluMaxPool2x2(Var x, Var weight, Var bias, int stride, int padding, int groupFloats,
                                    boolean parallelGroups) {
        Im2col.Geometry geo = geometry(x, weight, bias, stride, stride, padding, padding);
        if (geo.outHeight() < 2 || geo.outWidth() < 2) {
            return Pooling.reluMaxPool2d(conv2d(x, weight, bias, stride, stride, padding, padding, groupFloats,
                    parallelGroups), 2, 2, 2, 2, 0, 0);
        }
        Shape sx = x.shape();
        int n = sx.dim(0);
        int o = weight.shape().dim(0);
        Plan plan = new Plan(geo, n, o, groupSize(n, o, geo.colRows(), geo.colCols(), groupFloats));
        int ho = geo.outHeight();
        int wo = geo.outWidth();
        int hp = ho / 2;
        int wp = wo / 2;
        Shape outShape = Shape.of(n, o, hp, wp);
        float[] xd = x.value().data();
        float[] wd = weight.value().data();
        float[] bd = bias == null ? null : bias.value().data();
        float[] out = Arena.floatsToOverwrite(outShape.size()); // every window's maximum written below
        int[] argmax = Arena.intsToOverwrite(out.length); // and its argmax, an index into the unwritten output
        Gemm gemm = Gemms.current();
        DirectConvolution direct = Gemms.directConvolution();
        int outSize = plan.outSize();
        int pooledSize = o * hp * wp;
        forEachGroup(parallelGroups, plan.groups(), t -> {
            Workspace ws = WORKSPACE.get();
            int gs = plan.size(t);
            float[] y = ws.y(gs * outSize);
            plan.forward(t, gemm, direct, xd, wd, bd, y, 0, ws);
            int s0 = plan.first(t);
            ArrayMath.maxPool2x2(y, 0, gs * o, ho, wo, out, s0 * pooledSize, argmax, s0 * outSize, true);
        });
        Backward rule = g -> {
            float[] dg = g.data();
            backward(plan, gemm, parallelGroups, x, weight, bias, (t, gx, gwParts, gbParts, ws) -> {
                int gs = plan.size(t);
                int base = plan.first(t) * outSize;
                float[] gy = ws.gy(gs * outSize);
                Arrays.fill(gy, 0, gs * outSize, 0f);
                for (int i = plan.first(t) * pooledSize, end = i + gs * pooledSize; i < end; i++) {
                    gy[argmax[i] - base] = ArrayMath.passWhereNotZero(dg[i], out[i]);
                }
                plan.backward(t, gemm, direct, xd, wd, gy, 0, gx, gwParts, gbParts, ws);
            });
        };
        Tensor pooled = Tensor.wrap(outShape, out);
        String op = "conv2dReluMaxPool2x2";
        return bias == null ? Var.result(pooled, op, rule, x, weight)
                : Var.result(pooled, op, rule, x, weight, bias);
    }

    /** The backward pass of one group: its share of the gradients, into the arrays {@link #backward} hands out. */
    @FunctionalInterface
    private interface GroupBackward {
        void run(int t, float[] gx, float[] gwParts, double[] gbParts, Workspace ws);
    }

    /**
     * The gradients of a convolution node: each group's share ({@code group}), then the weight and bias parts summed in
     * group order, so that the sums do not depend on which thread ran which group.
     */
    /**
     * {@code gw[oc·rows + r] += Σ_t parts[t][r·o + oc]} for rows r in [r0, r1), the groups' parts (each (rows)×o,
     * {@code rows·o} apart) added in group order.
     */
    private static void sumParts(float[] parts, int groups, int rows, int o, float[] gw, int r0, int r1) {
        for (int t = 0; t < groups; t++) {
            for (int r = r0, p = t * rows * o + r0 * o; r < r1; r++) {
                for (int oc = 0; oc < o; oc++, p++) {
                    gw[oc * rows + r] += parts[p];
                }
            }
        }
    }

    private static void backward(Plan plan, Gemm gemm, boolean parallelGroups, Var x, Var weight, Var bias,
                                 GroupBackward group) {
        Shape sx = x.shape();
        Shape sw = weight.shape();
        int o = sw.dim(0);
        boolean needX = x.requiresGrad();
        boolean needW = weight.requiresGrad();
        boolean needB = bias != null && bias.requiresGrad();
        if (!needX && !needW && !needB) {
            return;
        }
        float[] gx = needX ? Arena.floats(sx.size()) : null;
        float[] gwParts = needW ? Arena.floatsToOverwrite(plan.groups() * sw.size()) : null; // products overwrite
        double[] gbParts = needB ? new double[plan.groups() * o] : null;
        forEachGroup(parallelGroups, plan.groups(), t -> group.run(t, gx, gwParts, gbParts, WORKSPACE.get()));
        if (needX) {
            x.addFreshGrad(Tensor.wrap(sx, gx));
        }
        if (needW) {
            // each part is ∂Wᵀ, (C·kh·kw)×O; summed in group order into each element. Over all cores, each on its
            // own rows of ∂Wᵀ, when there is much to sum (W2's second layer: 5,000 values from each of its groups)
            float[] gw = Arena.floats(sw.size());
            int rows = gw.length / o;
            int groups = plan.groups();
            if ((long) groups * gw.length < MatMul.PARALLEL_VALUES) {
                sumParts(gwParts, groups, rows, o, gw, 0, rows);
            } else {
                Parallel.forParts(rows, 1, (r0, r1) -> sumParts(gwParts, groups, rows, o, gw, r0, r1));
            }
            weight.addFreshGrad(Tensor.wrap(sw, gw));
        }
        if (needB) {
            float[] gb = Arena.floats(o);
            for (int oc = 0; oc < o; oc++) {
                double s = 0;
                for (int t = 0; t < plan.groups(); t++) {
                    s += gbParts[t * o + oc];
                }
                gb[oc] = (float) s;
            }
            bias.addFreshGrad(Tensor.wrap(bias.shape(), gb));
        }
    }

    /** The convolution's geometry, after checking the operands (the errors name conv2d and the shapes at fault). */
    private static Im2col.Geometry geometry(Var x, Var weight, Var bias, int strideH, int strideW, int padH,
                                            int padW) {
        requireAtLeast("strideH", strideH, 1);
        requireAtLeast("strideW", strideW, 1);
        requireAtLeast("padH", padH, 0);
        requireAtLeast("padW", padW, 0);
        Shape sx = x.shape();
        Shape sw = weight.shape();
        if (sx.rank() != 4) {
            throw new ShapeException("conv2d: input " + sx + " must have rank 4 [N, C, H, W] (weight " + sw + ")");
        }
        if (sw.rank() != 4) {
            throw new ShapeException("conv2d: weight " + sw + " must have rank 4 [O, C, kh, kw] (input " + sx + ")");
        }
        int c = sx.dim(1);
        int h = sx.dim(2);
        int w = sx.dim(3);
        int o = sw.dim(0);
        int kh = sw.dim(2);
        int kw = sw.dim(3);
        if (sw.dim(1) != c) {
            throw new ShapeException("conv2d: input " + sx + " has " + c + " channels but weight " + sw + " expects "
                    + sw.dim(1));
        }
        if (bias != null && !bias.shape().equals(Shape.of(o))) {
            throw new ShapeException("conv2d: bias " + bias.shape() + " must have shape [" + o
                    + "], one value per output channel of weight " + sw + " (input " + sx + ")");
        }
        if (kh == 0 || kw == 0) {
            throw new ShapeException("conv2d: weight " + sw + " has an empty kernel (input " + sx + ")");
        }
        if (h + 2L * padH < kh || w + 2L * padW < kw) {
            throw new ShapeException("conv2d: kernel " + kh + "x" + kw + " of weight " + sw + " is larger than input "
                    + sx + " padded by " + padH + "x" + padW);
        }
        return new Im2col.Geometry(c, h, w, kh, kw, strideH, strideW, padH, padW);
    }

    private static void forEachGroup(boolean parallel, int groups, IntConsumer task) {
        if (parallel) {
            Parallel.forEach(groups, task);
        } else {
            for (int t = 0; t < groups; t++) {
                task.accept(t);
            }
        }
    }

    /**
     * Samples per group. Groups can be the tasks shared over the cores, so a product of at least
     * {@link #PARALLEL_FLOPS} is cut into at least {@link #MIN_GROUPS} groups (still products large enough for the
     * GEMM to share); each group's column matrix stays within {@code groupFloats}.
     * The grouping depends on the sizes only, never on the number of threads, so neither do the results.
     */
    static int groupSize(int n, int o, int rows, int cols, int groupFloats) {
        int group = Math.max(1, Math.min(n, groupFloats / Math.max(1, rows * cols)));
        if (2.0 * n * o * rows * cols >= PARALLEL_FLOPS) {
            group = Math.min(group, Math.max(1, (n + MIN_GROUPS - 1) / MIN_GROUPS));
        }
        return group;
    }

    /** One convolution's sizes and the work of one group of samples, forward and backward. */
    private record Plan(Im2col.Geometry geo, int n, int o, int group) {
        int groups() {
            return (n + group - 1) / group;
        }

        /** The size of one sample's output, O·Ho·Wo. */
        int outSize() {
            return o * geo.colCols();
        }

        /** The first sample of group t. */
        int first(int t) {
            return t * group;
        }

        /** The number of samples in group t (the last group may be smaller). */
        int size(int t) {
            return Math.min(group, n - t * group);
        }

        /**
         * Whether the input gradient goes through G padded to the input's width (one col2im run per kernel position,
         * see {@link #backward}): at stride 1 without padding, for output rows shorter than 16, where col2im's runs
         * of Wo floats cost more than the product's extra W/Wo columns of zeros (at most twice as many), as for W2's
         * second layer (14 wide, Wo 10; BENCHMARKS.md, implementation notes).
         * With non-finite weights, zeros times them reach input positions the plain path leaves alone. Only for a GEMM
         * that {@link Gemm#prefersPaddedRows prefers} it.
         */
        boolean rowRuns() {
            return geo.strideH() == 1 && geo.strideW() == 1 && geo.padH() == 0 && geo.padW() == 0
                    && geo.outWidth() < 16 && geo.width() <= 2 * geo.outWidth() && geo.outHeight() > 1;
        }

        /**
         * Output of group t, sample j of the group at {@code out[outBase + j·O·Ho·Wo ...]}: its column matrices side by
         * side, X = [X₁ X₂ …] of (C·kh·kw)×(gs·Ho·Wo), one product Y = W·X, then each sample's block of Y to its place
         * in the output, the bias added on the way; or, where the direct convolution has a kernel for the geometry
         * ({@link DirectConvolution#canConvolve}), each sample straight from its input.
         */
        void forward(int t, Gemm gemm, DirectConvolution direct, float[] xd, float[] wd, float[] bd, float[] out,
                     int outBase, Workspace ws) {
            int rows = geo.colRows();
            int cols = geo.colCols();
            int outSize = o * cols;
            int s0 = first(t);
            int gs = size(t);
            if (direct.canConvolve(geo, o)) {
                // straight from the input, sample by sample (the same values as through im2col and the product)
                for (int j = 0; j < gs; j++) {
                    direct.convolve(geo, o, wd, bd, xd, (s0 + j) * geo.inputSize(), out, outBase + j * outSize);
                }
                return;
            }
            int ld = gs * cols;
            float[] xcols = ws.xcols(rows * ld);
            for (int j = 0; j < gs; j++) {
                Im2col.im2col(geo, xd, (s0 + j) * geo.inputSize(), xcols, j * cols, ld);
            }
            float[] ym = out;
            int yOff = outBase;
            if (gs > 1) {
                ym = ws.gm(o * ld);
                yOff = 0;
            }
            gemm.gemm(false, false, o, ld, rows, wd, 0, xcols, 0, ym, yOff, false);
            if (gs == 1 && bd == null) {
                return;
            }
            // Y is [o, gs·cols]: sample j's output [o, cols] is its column block j
            for (int j = 0; j < gs; j++) {
                for (int oc = 0; oc < o; oc++) {
                    int src = yOff + oc * ld + j * cols;
                    int dst = outBase + j * outSize + oc * cols;
                    float bv = bd == null ? 0f : bd[oc];
                    for (int k = 0; k < cols; k++) {
                        out[dst + k] = ym[src + k] + bv;
                    }
                }
            }
        }

        /**
         * Gradients of group t, with G = the group's output gradient as one [o, gs·Ho·Wo] matrix (sample j's at
         * {@code dg[gBase + j·O·Ho·Wo ...]}): ∂/∂X = Wᵀ·G, each sample's block added back onto its input by col2im;
         * the group's part of ∂/∂W, transposed (X·Gᵀ), into {@code gwParts[t·|W| ...]}; of ∂/∂b, the row sums of G,
         * into {@code gbParts[t·o ...]}. A null array is a gradient that is not needed.
         */
        void backward(int t, Gemm gemm, DirectConvolution direct, float[] xd, float[] wd, float[] dg, int gBase,
                      float[] gx, float[] gwParts, double[] gbParts, Workspace ws) {
            int rows = geo.colRows();
            int cols = geo.colCols();
            int outSize = o * cols;
            int s0 = first(t);
            int gs = size(t);
            int ld = gs * cols;
            float[] gm = dg;
            int gOff = gBase;
            if (gs > 1) {
                gm = ws.gm(o * ld);
                gOff = 0;
                for (int j = 0; j < gs; j++) {
                    for (int oc = 0; oc < o; oc++) {
                        System.arraycopy(dg, gBase + j * outSize + oc * cols, gm, oc * ld + j * cols, cols);
                    }
                }
            }
            if (gbParts != null) {
                for (int oc = 0; oc < o; oc++) {
                    // four running sums: one chain of dependent double additions ran at a quarter of the speed
                    double q0 = 0;
                    double q1 = 0;
                    double q2 = 0;
                    double q3 = 0;
                    int k = gOff + oc * ld;
                    int end = k + ld;
                    for (; k <= end - 4; k += 4) {
                        q0 += gm[k];
                        q1 += gm[k + 1];
                        q2 += gm[k + 2];
                        q3 += gm[k + 3];
                    }
                    for (; k < end; k++) {
                        q0 += gm[k];
                    }
                    gbParts[t * o + oc] = (q0 + q1) + (q2 + q3);
                }
            }
            if (gx != null && rowRuns() && gemm.prefersPaddedRows()) {
                // G with its rows padded from Wo to W by zeros: each column-matrix row of Wᵀ·G then adds onto the
                // input as one run (Im2col.col2imRows) instead of Ho runs of Wo
                int w = geo.width();
                int wo = geo.outWidth();
                int span = geo.outHeight() * w;
                int ldp = gs * span;
                float[] gp = ws.gpad(o * ldp);
                // zeroed whole, then the rows copied in (one fill, not one per row of Wo values)
                Arrays.fill(gp, 0, o * ldp, 0f);
                for (int j = 0; j < gs; j++) {
                    for (int oc = 0; oc < o; oc++) {
                        for (int i = 0; i < geo.outHeight(); i++) {
                            int d = oc * ldp + j * span + i * w;
                            System.arraycopy(dg, gBase + j * outSize + oc * cols + i * wo, gp, d, wo);
                        }
                    }
                }
                float[] dcols = ws.dcols(rows * ldp);
                gemm.gemm(true, false, rows, ldp, o, wd, 0, gp, 0, dcols, 0, false);
                for (int j = 0; j < gs; j++) {
                    Im2col.col2imRows(geo, dcols, j * span, ldp, gx, (s0 + j) * geo.inputSize());
                }
            } else if (gx != null) {
                float[] dcols = ws.dcols(rows * ld);
                gemm.gemm(true, false, rows, ld, o, wd, 0, gm, gOff, dcols, 0, false);
                for (int j = 0; j < gs; j++) {
                    Im2col.col2im(geo, dcols, j * cols, ld, gx, (s0 + j) * geo.inputSize());
                }
            }
            if (gwParts != null && direct.canWeightGradient(geo, o)) {
                // straight from each sample's input, no column matrix (the same products, summed in another order)
                for (int j = 0; j < gs; j++) {
                    direct.weightGradient(geo, o, xd, (s0 + j) * geo.inputSize(), dg, gBase + j * outSize, gwParts,
                            t * o * rows, j > 0);
                }
            } else if (gwParts != null) {
                // the columns are recomputed rather than kept from the forward pass: keeping them would hold kh·kw
                // copies of the input for the lifetime of the graph, and was slower too (tried on W2: the product
                // then streams 90 MB of columns from memory instead of reading a group's, just written, in L2)
                float[] xcols = ws.xcols(rows * ld);
                for (int j = 0; j < gs; j++) {
                    Im2col.im2col(geo, xd, (s0 + j) * geo.inputSize(), xcols, j * cols, ld);
                }
                // ∂Wᵀ = X·Gᵀ, (C·kh·kw)×O: with few output channels the GEMM reads X in place against a transposed
                // copy of G, where G·Xᵀ would be dot products that each end in a horizontal sum
                gemm.gemm(false, true, rows, o, ld, xcols, 0, gm, gOff, gwParts, t * o * rows, false);
            }
        }
    }

    /**
     * A thread's scratch matrices, grown on demand and kept for the thread's life (a few MB each at most, see
     * {@link #GROUP_FLOATS}), so that a training step allocates no column matrices once it has run once.
     */
    private static final class Workspace {
        private float[] xcols = new float[0];
        private float[] dcols = new float[0];
        private float[] gm = new float[0];
        private float[] gpad = new float[0];
        private float[] y = new float[0];
        private float[] gy = new float[0];

        /** A group's convolution output, for the fused pooling (see {@link #conv2dReluMaxPool2x2}). */
        float[] y(int size) {
            if (y.length < size) {
                y = new float[size];
            }
            return y;
        }

        /** A group's output gradient, rebuilt from the pooled gradient (see {@link #conv2dReluMaxPool2x2}). */
        float[] gy(int size) {
            if (gy.length < size) {
                gy = new float[size];
            }
            return gy;
        }

        float[] xcols(int size) {
            if (xcols.length < size) {
                xcols = new float[size];
            }
            return xcols;
        }

        float[] dcols(int size) {
            if (dcols.length < size) {
                dcols = new float[size];
            }
            return dcols;
        }

        float[] gpad(int size) {
            if (gpad.length < size) {
                gpad = new float[size];
            }
            return gpad;
        }

        float[] gm(int size) {
            if (gm.length < size) {
                gm = new float[size];
            }
            return gm;
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("conv2d: " + name + " must be >= " + min + ", got " + value);
        }
    }
}
