package polyhead.tensor;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast {@link Gemm}: packed panels, a register-blocked FMA micro-kernel written with the Vector API
 * ({@code jdk.incubator.vector}, which must be enabled with {@code --add-modules jdk.incubator.vector}), cache
 * blocking, and work shared over the cores when the product is large enough to pay for it.
 *
 * <p>The structure is Goto's / BLIS's: for each KC-deep slice of the inner dimension, op(B) is packed into NR-wide
 * column panels and an MC-high block of op(A) into MR-high row panels, in the order the micro-kernel reads them,
 * with zeros past the matrix edge; the micro-kernel then adds an MR×NR tile of the product into C as KC rank-1
 * updates held in registers. The transposes are absorbed by the packing, so all four variants run the same kernel.
 * Tiles that overhang the edge of C are computed into a scratch tile and added from there. Exceptions that skip the
 * packing where it costs more than it saves: A·Bᵀ with few rows of A or of B and a long inner dimension is computed
 * as dot products of rows (see {@link #DOT_MAX_M}); A·B with few rows of A reads B in place ({@link #FEW_MAX_M}),
 * A·Bᵀ with few rows of B reads A in place ({@link #FEW_MAX_N}); thin products are read in place ({@link #THIN}).
 *
 * <p>MR×NR = 6×16 with 256-bit vectors: 12 accumulators, 2 panel vectors and a broadcast fit the 16 vector registers
 * of AVX2 (a 4×24 kernel is faster where AVX-512's 32 registers exist but spills on AVX2; 512-bit vectors ran at
 * half speed on JDK 17). Block sizes: an A block (MC×KC ≤ 120×256 floats, 120 KiB) stays in L2 and one B panel
 * (KC×NR, 16 KiB) in L1; KC and MC are evened out over the blocks so that no block is a thin remainder.
 *
 * <p>Parallel products (at least {@link #PARALLEL_FLOPS}) are cut into strips of C, several per thread, that the
 * threads pull from a counter, so a core that another process occupies simply does fewer of them (see
 * {@link WorkerPool}); each thread packs the smaller operand once for all its strips (see {@link #computeParallel}).
 * Smaller products, and calls made while the
 * pool is busy with another thread's parallel product or loop, or made inside a task of {@link Parallel} (whose loop
 * already occupies the cores), run on the calling thread with per-thread buffers.
 *
 * <p>Results can differ from {@link EjmlGemm} in the last bits (the summation order differs), never by more than
 * float32 rounding of a length-k dot product.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 120;
    static final int NC = 3072;
    /**
     * Products of fewer flops (2·m·n·k) stay on the calling thread. A parallel product pays a hand-off (a park/unpark
     * round trip is ~11 µs on our VMs, less while a worker still spins) and a second packing pass; at 2 MFLOP
     * (~30 µs on one core) W1 at batch 32 ran slower on two threads than on one, while from ~8 MFLOP (batch 512,
     * W2's grouped convolutions) two threads won even with the machine loaded by other builds.
     */
    static final long PARALLEL_FLOPS = 4_000_000;
    /**
     * {@code C = A·Bᵀ} with few rows of A or of B (either may be the short side: the work is symmetric) goes through
     * {@link Product#dots} instead of packing: every element is the dot product of a row of A and a row of B, both
     * contiguous. Packing costs O((m + n)·k) against O(m·n·k) of work,
     * so with few rows the packing of B dominates (a convolution's weight gradient: m = output channels, B = the
     * im2col matrix); the dot kernel reads both operands in place. For more rows the packed kernel is faster.
     * Measured on one core (GFLOPS dots / packed): 10×81·81×12544 46/21, 20×250·250×4100 44/37, 32×256·256×784
     * 60/55, 64×256·256×784 69/69, 128×256·256×784 54/78; and with a short inner dimension, 20×250·250×100 16/42,
     * 32×128·128×256 43/54.
     */
    static final int DOT_MAX_M = 32;
    /**
     * ... or, with the wide 3×5 blocks ({@link #WIDE_DOTS}), as long as A's rows over one k block (m·min(k, KD)
     * floats) fit in L2, where each block of B's rows rereads them: no packing at all. W1's first product at batch
     * 128, X·W₁ᵀ = 128×784·(256×784)ᵀ: 155-157 against 133-140 GFLOPS packed (two threads; one thread 88 against 81);
     * 512×784·(256×784)ᵀ, A 1.6 MB, the same either way (152-158), so it stays packed.
     */
    static final long DOT_MAX_A = 1 << 17;
    /** ... and a long enough inner dimension: each 3×3 block ends in nine horizontal sums (see above). */
    static final int DOT_MIN_K = 512;
    /** Rows of A and of B per dot-product block. */
    static final int DR = 3;
    /**
     * Rows of B per wide dot-product block (3 rows of A × 5 of B), used when they tile the product exactly: fifteen
     * accumulators and six operand vectors need AVX-512's 32 vector registers (C2 gives 256-bit vectors all 32 when the
     * CPU has AVX-512), so only there ({@link #WIDE_DOTS}). A convolution's weight gradient X·Gᵀ with 10 output
     * channels (W2's first layer, 81×10 per sample) then streams X twice instead of four times and has no one-column
     * remainder of single dot products: 33-35 against 18.5-19 us per sample (one thread).
     */
    static final int DW = 5;
    /** Whether the wide 3×5 dot blocks are used: the CPU has AVX-512 (32 vector registers). */
    static final boolean WIDE_DOTS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    /** Depth of the dot path's k blocks (floats): 3 rows of A and of B stay in L1. */
    static final int KD = 1024;
    /**
     * Thin products — m, n or k at most this, below {@link #PARALLEL_FLOPS} — go through {@link Product#thin},
     * without packing: a multi-task model's heads (W1: 10 and 5 classes) make three per head and step. The packed
     * kernel computes them in overhanging 6×16 tiles, or with 10-deep panels, after packing both operands: W1's head
     * products ran at 4-8 GFLOPS on one core (32×128·128×10: 11 µs, 10×32·32×128: 20 µs, 32×10·10×128: 13 µs); read
     * in place, 2-4 µs (medians of 300 calls, loaded machine). Aᵀ·B only up to k = 4·THIN: its rows of C reread B
     * from L2 once each, and at 10×512·512×128 the packed path was faster (27 against 41 µs).
     */
    static final int THIN = 16;
    /**
     * {@code C = A·B} with at most this many rows of A (and at least 4) goes through {@link Product#fewRows}: B is
     * read in place, one 16-column strip at a time (k×16 floats, in L1), by 6- and 4-row register tiles that each
     * sweep the strip, instead of being packed first. Packing B costs as much memory traffic as the product reads,
     * and with few rows it is a large share of the work: a convolution's forward product (m = output channels,
     * B = the im2col matrix) spent more time packing than multiplying. Measured on one core, medians (GFLOPS in
     * place / before: the thin path for m ≤ 16, else packed): 6×81·81×784 83-91/52, 10×81·81×784 81-87/40,
     * 10×81·81×1568 77-79/34, 20×250·250×100 64/44, 20×250·250×200 75/53, 20×250·250×400 81-87/49,
     * 24×128·128×512 80/69.
     */
    static final int FEW_MAX_M = 24;
    /** ... and an inner dimension at most this, so that a strip of B (k×16 floats) stays in L1 / L2. */
    static final int FEW_MAX_K = 1024;
    /**
     * {@code C = A·Bᵀ} with at most this many columns (and at least 4 rows) goes through {@link Product#fewCols}:
     * op(B) is transposed into zero-padded k×16 strips (a few KB) and A is read in place by the same 6- and 4-row
     * tiles as {@link #FEW_MAX_M}. This is the weight gradient of a convolution computed transposed, ∂Wᵀ = X·Gᵀ
     * with X the im2col matrix and n = output channels, when the inner dimension is too short for the dot-product
     * path. One core, GFLOPS in place / packed: 250×200·(20×200)ᵀ 49/33-44 (G·Xᵀ packed: 44); W1's head at
     * batch 128 and 512, 128×128·(10×128)ᵀ 40-43/37 and 512×128·(10×128)ᵀ 45-47/37; at batch 32 31-32/31-36
     * (2.6 µs).
     */
    static final int FEW_MAX_N = 32;
    /** The width of {@link Product#fewCols}'s strip for a last 17 to 24 columns. */
    static final int WIDE = 3 * L;
    /** Tasks per thread of the parallel dot path: enough to even out a slow or busy core, few enough to stay cheap. */
    private static final int TASKS_PER_THREAD = 8;
    /**
     * Width of a parallel product's column strips, in B panels: narrow strips even out the threads (a strip costs no
     * packing of its own beyond its part of B); W1's 784 columns make 25 strips.
     */
    static final int STRIP_PANELS = 2;
    /** Row strips per thread in a parallel product split by rows (each strip rereads all of packed B). */
    static final int STRIPS_PER_THREAD = 4;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private final int threads;
    private final WorkerPool pool;
    /** Held during a parallel product: guards the pool. */
    private final ReentrantLock parallel;

    /** Runs on all available processors. */
    public VectorGemm() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** Runs on at most {@code threads} threads (the caller's and {@code threads − 1} daemon workers). */
    public VectorGemm(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        // up to one thread per processor: Parallel's pool, whose threads the convolutions and pooling use too (two
        // pools whose workers both stay awake would share a core: products that gave 155 GFLOPS on two threads gave
        // 88, one thread's worth, when run between another pool's calls)
        if (threads > 1 && threads <= Parallel.threads() && Parallel.pool() != null) {
            this.pool = Parallel.pool();
            this.parallel = Parallel.lock();
        } else {
            this.pool = threads > 1 ? new WorkerPool(threads, "polyhead-gemm") : null;
            this.parallel = new ReentrantLock();
        }
    }

    /**
     * True if this JVM has 256-bit vectors that the JIT compiles to hardware instructions (AVX2 on x86); without
     * them the Vector API falls back to a scalar emulation far slower than EJML.
     */
    public static boolean isSupported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= S.vectorBitSize();
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "vector" + (threads > 1 ? "-" + threads + "t" : "");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkRange("A", a, aOffset, (long) m * k);
        checkRange("B", b, bOffset, (long) k * n);
        checkRange("C", c, cOffset, (long) m * n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            }
            return;
        }
        Product p = new Product(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
        boolean dots = !transA && transB && k >= DOT_MIN_K
                && (Math.min(m, n) <= DOT_MAX_M || WIDE_DOTS && (long) m * Math.min(k, KD) <= DOT_MAX_A);
        boolean thin = Math.min(Math.min(m, n), k) <= THIN && 2L * m * n * k < PARALLEL_FLOPS
                && (!transA || !transB && k <= 4 * THIN);
        boolean fewRows = !transA && !transB && m >= 4 && m <= FEW_MAX_M && n >= NR && k <= FEW_MAX_K;
        boolean fewCols = !transA && transB && !dots && n <= FEW_MAX_N && m >= 4 && k <= FEW_MAX_K;
        if (thin && !fewRows && !fewCols) {
            p.thin();
        } else if (pool != null && 2L * m * n * k >= PARALLEL_FLOPS && !Parallel.inside() && parallel.tryLock()) {
            try {
                if (dots) {
                    computeDotsParallel(p);
                } else {
                    computeParallel(p);
                }
            } finally {
                parallel.unlock();
            }
        } else if (dots) {
            p.dots(0, n);
        } else if (fewRows) {
            p.fewRows(WORKSPACE.get());
        } else if (fewCols) {
            p.fewCols(WORKSPACE.get());
        } else {
            p.computeSequential(WORKSPACE.get());
        }
    }

    /**
     * A convolution at stride 1 without padding whose output rows are at least 16 wide, computed as
     * {@link Product#fewRows} computes W·im2col(x) (same tiles, same order of the sum over k, so the same result bit
     * for bit) but reading each 16-wide strip of the column matrix straight from the input: for output row i and
     * columns j..j+15, column-matrix row k = (c, p, q) is x[c][i+p][j+q .. j+q+15], contiguous. An output row wider
     * than 16 and not a multiple of it ends with a strip that overlaps the one before (its columns are computed
     * twice, with the same values). No column matrix is written, which for W2's first convolution (1×36×36, 9×9) was
     * a third of its forward time. Output channels 4 to {@link #FEW_MAX_M}, C·kh·kw at most {@link #FEW_MAX_K}.
     * (Java evaluates a·b + c with one rounding in {@code fma} in both, so the equality is exact.)
     */
    @Override
    public boolean canConvolve(Im2col.Geometry g, int outChannels) {
        return g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0 && g.outWidth() >= NR
                && outChannels >= 4 && outChannels <= FEW_MAX_M && g.colRows() <= FEW_MAX_K;
    }

    /** Yes: for W2's second layer the padded product plus long runs took 25-27 us per sample against 29-31 us. */
    @Override
    public boolean prefersPaddedRows() {
        return true;
    }

    /**
     * A convolution's weight gradient straight from its input, for stride 1 without padding and kernels 3k wide: the
     * dot path's blocks, 3 kernel columns q..q+2 × 5 output channels ({@link #dot3x5}, where the CPU has AVX-512 and
     * the channels are 5m) or × 3 ({@link #dot3x3}; the last one or two channels through a scratch tile, against zero
     * rows), but reading the input rows in place. Per sample, the input rows are
     * copied to a buffer of width roundUp(Wo, 8) + kw − 1 and the output-gradient rows to one of width roundUp(Wo, 8),
     * both zero beyond the data, so that every product is a whole 8-lane vector and the padding adds exact zeros;
     * there is no im2col matrix. W2's first layer (1×36×36, 9×9, 10 channels): 19.7 us per sample against 24-26 us
     * for im2col plus the 3×5 dot products (one thread, probe; the columns alone took 15 us). With the 3×3 blocks (the
     * JIT held to AVX2 on the same machine) W2's step took 0.95 of the time through im2col and 3×3 dot products.
     * Each accumulator runs over all Ho rows in one flat loop: on JDK 17, vector accumulators carried through nested
     * loops are boxed.
     */
    @Override
    public boolean canWeightGradient(Im2col.Geometry g, int outChannels) {
        return g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0 && g.kernelW() % DR == 0
                && outChannels >= 1 && g.outWidth() >= L;
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
        Workspace ws = WORKSPACE.get();
        float[] px = ws.paddedX(c * h * xp);
        // the 3×3 blocks read whole groups of three channels: the last group's missing ones are zero rows
        int gRows = wide ? outChannels : roundUp(outChannels, DR);
        float[] pg = ws.paddedG(gRows * ho * gp);
        Arrays.fill(pg, outChannels * ho * gp, gRows * ho * gp, 0f);
        // the buffers are shared by every geometry on this thread: the padding of each row is zeroed every time
        for (int r = 0; r < c * h; r++) {
            System.arraycopy(x, xOffset + r * w, px, r * xp, w);
            Arrays.fill(px, r * xp + w, (r + 1) * xp, 0f);
        }
        for (int r = 0; r < outChannels * ho; r++) {
            System.arraycopy(grad, gOffset + r * wo, pg, r * gp, wo);
            Arrays.fill(pg, r * gp + wo, (r + 1) * gp, 0f);
        }
        int plane = ho * gp;
        int steps = ho * (gp / L); // vector steps: Ho rows of gp / L vectors
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < kh; p++) {
                for (int q = 0; q < kw; q += DR) {
                    int row = (ch * kh + p) * kw + q;
                    int xStart = (ch * h + p) * xp + q;
                    // A's three "rows" are the input read from columns q, q+1, q+2 (one float apart), jumping the
                    // padding at the end of every input row; B's five (three) are the channels' output gradients
                    int o = 0;
                    for (; wide && o < outChannels; o += DW) {
                        dot3x5(steps * L, px, xStart, 1, gp / L, xp - gp, pg, o * plane, plane, dwt,
                                dwtOffset + row * outChannels + o, outChannels, !accumulate);
                    }
                    for (; o + DR <= outChannels; o += DR) {
                        dot3x3(steps * L, px, xStart, 1, gp / L, xp - gp, pg, o * plane, plane, dwt,
                                dwtOffset + row * outChannels + o, outChannels, !accumulate);
                    }
                    if (o < outChannels) {
                        // the last one or two channels: a block over the zero rows, into a scratch tile
                        float[] tile = ws.tile;
                        dot3x3(steps * L, px, xStart, 1, gp / L, xp - gp, pg, o * plane, plane, tile, 0, DR, true);
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
        Product p = new Product(false, false, outChannels, ho * wo, k, w, 0, x, xOffset, y, yOffset, false);
        int tiled = p.tiledRows();
        for (int i = 0; i < ho; i++) {
            for (int j = 0; ; j += NR) {
                j = Math.min(j, wo - NR);
                int xo = xOffset + i * width + j;
                int co = yOffset + i * wo + j;
                for (int r = 0; r < tiled; ) {
                    int rem = outChannels - r;
                    if (rem >= 6 && rem != 8) {
                        p.rows6Direct(r, rowOffsets, xo, co, bias);
                        r += 6;
                    } else {
                        p.rows4Direct(r, rowOffsets, xo, co, bias);
                        r += 4;
                    }
                }
                for (int r = tiled; r < outChannels; r++) {
                    p.rowDirect(r, rowOffsets, xo, co, bias);
                }
                if (j == wo - NR) {
                    break;
                }
            }
        }
    }

    /**
     * For {@link #convolve}: where row k = (c, p, q) of the im2col matrix starts in a sample, {@code c·H·W + p·W + q}
     * (its entry for output position (i, j) is {@code i·W + j} further on). In this thread's workspace, valid until
     * the next call.
     */
    private static int[] rowOffsets(Im2col.Geometry g) {
        int[] rowOffsets = WORKSPACE.get().rowOffsets(g.colRows());
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

    /** The dot-product path over all threads: tasks are ranges of B's rows (columns of C). */
    private void computeDotsParallel(Product p) {
        // ranges of whole blocks: of 5 columns where the wide blocks run (a range that cut them would run as 3×3)
        int unit = WIDE_DOTS ? DW : DR;
        int tasks = Math.min(ceilDiv(p.n, unit), TASKS_PER_THREAD * threads);
        int step = roundUp(ceilDiv(p.n, tasks), unit);
        int count = ceilDiv(p.n, step);
        AtomicInteger next = new AtomicInteger();
        pool.run(threads, part -> {
            for (int t; (t = next.getAndIncrement()) < count; ) {
                p.dots(t * step, Math.min(p.n, (t + 1) * step));
            }
        });
    }

    /**
     * All threads on one product, each on whole strips of C: strips of columns when op(A) is the smaller operand
     * (m ≤ n), else strips of rows. Every thread packs all of the smaller operand into its own workspace when it starts
     * its first strip (so it is packed once per thread, not once per product), and each strip packs its own part of
     * the other operand, one KC slice at a time, and multiplies it at once while it is in L2 — the sequential path's
     * loops on a part of C. The threads pull strips from a counter in an order that keeps them far apart in C (the
     * first strips handed out are 0, per, 2·per ...), so that two threads rarely write the same cache line of C.
     *
     * <p>It replaced a two-phase scheme (all threads pack all of both operands into shared buffers, then all compute
     * blocks of C), which packed 1.2 MB for W1's 128×784·(256×784)ᵀ and then read it back from L3 after a barrier:
     * 170 us of its 550 us went to packing, and the worker computed 6 of the 16 blocks. That product with strips
     * (medians of 400 calls, two threads, the same pool): 491 → 397 us; with workers that stay awake too (see
     * {@link WorkerPool}), the W1 step at batch 32 / 128 / 512 took 0.83 / 0.85 / 0.84 of the time (alternating
     * JVMs).
     */
    private void computeParallel(Product p) {
        int m = p.m;
        int n = p.n;
        int k = p.k;
        int kBlocks = ceilDiv(k, KC);
        int kc = ceilDiv(k, kBlocks);
        boolean columns = m <= n;
        // columns: strips of STRIP_PANELS B panels; rows: strips of MR-multiples, between 2·MR and MC, ~4 per thread
        int width = columns ? STRIP_PANELS * NR
                : Math.max(2 * MR, Math.min(MC, roundUp(ceilDiv(m, STRIPS_PER_THREAD * threads), MR)));
        int strips = ceilDiv(columns ? n : m, width);
        int per = ceilDiv(strips, threads);
        int slots = per * threads;
        int mBlocks = ceilDiv(m, MC);
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        int mPad = roundUp(m, MR);
        int nPad = roundUp(n, NR);
        AtomicInteger next = new AtomicInteger();
        pool.run(threads, part -> {
            Workspace ws = WORKSPACE.get();
            float[] whole = null; // this thread's packing of all of the smaller operand, every KC slice
            float[] strip = null; // one KC slice of the strip's part of the other operand
            for (int t; (t = next.getAndIncrement()) < slots; ) {
                int s = t % threads * per + t / threads;
                if (s >= strips) {
                    continue;
                }
                if (whole == null) {
                    whole = columns ? ws.packedA(mPad * k) : ws.packedB(nPad * k);
                    strip = columns ? ws.packedB(width * kc) : ws.packedA(width * kc);
                    for (int pc = 0; pc < k; pc += kc) {
                        int kb = Math.min(kc, k - pc);
                        if (columns) {
                            p.packA(whole, pc * mPad, 0, m, pc, kb);
                        } else {
                            p.packB(whole, pc * nPad, 0, n, pc, kb);
                        }
                    }
                }
                int s0 = s * width;
                int sb = Math.min(width, (columns ? n : m) - s0);
                for (int pc = 0; pc < k; pc += kc) {
                    int kb = Math.min(kc, k - pc);
                    boolean overwrite = pc == 0 && !p.accumulate;
                    if (columns) {
                        p.packB(strip, 0, s0, sb, pc, kb);
                        for (int ic = 0; ic < m; ic += mc) {
                            p.multiplyBlock(whole, pc * mPad + ic * kb, strip, 0, ic, Math.min(mc, m - ic), s0, sb,
                                    kb, ws.tile, overwrite);
                        }
                    } else {
                        p.packA(strip, 0, s0, sb, pc, kb);
                        p.multiplyBlock(strip, 0, whole, pc * nPad, s0, sb, 0, n, kb, ws.tile, overwrite);
                    }
                }
            }
        });
    }

    private static void checkRange(String what, float[] x, int offset, long length) {
        if (offset < 0 || offset + length > x.length) {
            throw new IndexOutOfBoundsException("gemm: " + what + " needs " + length + " elements from offset " + offset
                    + " but the array has " + x.length);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** Per-thread packing buffers for the sequential path, grown on demand and kept; and a scratch edge tile. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];
        float[] strip = new float[0];
        float[] rowsTile = new float[0];
        int[] rowOffsets = new int[0];
        float[] paddedX = new float[0];
        float[] paddedG = new float[0];

        /** Buffers for the direct weight gradient's padded copies of the input and the output gradient. */
        float[] paddedX(int size) {
            if (paddedX.length < size) {
                paddedX = new float[size];
            }
            return paddedX;
        }

        float[] paddedG(int size) {
            if (paddedG.length < size) {
                paddedG = new float[size];
            }
            return paddedG;
        }

        int[] rowOffsets(int size) {
            if (rowOffsets.length < size) {
                rowOffsets = new int[size];
            }
            return rowOffsets;
        }

        float[] strip(int size) {
            if (strip.length < size) {
                strip = new float[size];
            }
            return strip;
        }

        float[] rowsTile(int size) {
            if (rowsTile.length < size) {
                rowsTile = new float[size];
            }
            return rowsTile;
        }

        float[] packedA(int size) {
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }

        float[] packedB(int size) {
            if (packedB.length < size) {
                packedB = new float[size];
            }
            return packedB;
        }
    }

    /** One call's operands and the loops over them. */
    private record Product(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset, boolean accumulate) {

        /** The whole product on this thread: B packed one KC×NC block at a time, A one MC×KC block at a time. */
        void computeSequential(Workspace ws) {
            int kBlocks = ceilDiv(k, KC);
            int kc = ceilDiv(k, kBlocks);
            int mBlocks = ceilDiv(m, MC);
            int mc = roundUp(ceilDiv(m, mBlocks), MR);
            int nc = Math.min(NC, roundUp(n, NR));
            float[] pa = ws.packedA(mc * kc);
            float[] pb = ws.packedB(nc * kc);
            for (int jc = 0; jc < n; jc += nc) {
                int nb = Math.min(nc, n - jc);
                for (int pc = 0; pc < k; pc += kc) {
                    int kb = Math.min(kc, k - pc);
                    packB(pb, 0, jc, nb, pc, kb);
                    for (int ic = 0; ic < m; ic += mc) {
                        int mb = Math.min(mc, m - ic);
                        packA(pa, 0, ic, mb, pc, kb);
                        multiplyBlock(pa, 0, pb, 0, ic, mb, jc, nb, kb, ws.tile, pc == 0 && !accumulate);
                    }
                }
            }
        }

        /**
         * C[i0:i0+mb, j0:j0+nb] += one KC slice of the product (with {@code overwrite}, =: the first slice of a
         * product that does not accumulate, so that C is not zeroed first), from the A panels packed at
         * {@code pa[ao...]} and the B panels at {@code pb[bo...]}: B panel by B panel (in L1), A panel by A panel (in
         * L2). Tiles that overhang C's edge go through a scratch tile that the kernel overwrites.
         */
        void multiplyBlock(float[] pa, int ao, float[] pb, int bo, int i0, int mb, int j0, int nb, int kb,
                           float[] tile, boolean overwrite) {
            for (int jr = 0; jr < nb; jr += NR) {
                int cols = Math.min(NR, nb - jr);
                for (int ir = 0; ir < mb; ir += MR) {
                    int rows = Math.min(MR, mb - ir);
                    int ci = cOffset + (i0 + ir) * n + j0 + jr;
                    if (rows == MR && cols == NR) {
                        if (overwrite) {
                            kernelStore(kb, pa, ao + ir * kb, pb, bo + jr * kb, c, ci, n);
                        } else {
                            kernel(kb, pa, ao + ir * kb, pb, bo + jr * kb, c, ci, n);
                        }
                    } else {
                        kernelStore(kb, pa, ao + ir * kb, pb, bo + jr * kb, tile, 0, NR);
                        for (int r = 0; r < rows; r++) {
                            int dst = ci + r * n;
                            for (int j = 0; j < cols; j++) {
                                c[dst + j] = overwrite ? tile[r * NR + j] : c[dst + j] + tile[r * NR + j];
                            }
                        }
                    }
                }
            }
        }

        /**
         * C[:, j0:j1] (+)= A·B[j0:j1, :]ᵀ for A m×k and B n×k (transA = false, transB = true) without packing: 3×3
         * blocks of C, each nine dot products of contiguous rows accumulated in nine vector registers and summed
         * across lanes at the end; k in blocks of KD so the six rows stay in L1 while A is reread from L2.
         */
        void dots(int j0, int j1) {
            for (int pc = 0; pc < k; pc += KD) {
                int kb = Math.min(KD, k - pc);
                boolean overwrite = pc == 0 && !accumulate;
                int j = j0;
                if (WIDE_DOTS) {
                    // 3×5 blocks; the rows left below the last block of 3, one dot product per element
                    for (; j + DW <= j1; j += DW) {
                        int i = 0;
                        for (; i + DR <= m; i += DR) {
                            dot3x5(kb, a, aOffset + i * k + pc, k, Integer.MAX_VALUE, 0, b, bOffset + j * k + pc, k, c,
                                    cOffset + i * n + j, n, overwrite);
                        }
                        singleDots(i, m, j, j + DW, pc, kb, overwrite);
                    }
                }
                // 3×3 blocks (the columns left after the 3×5 blocks), and single dot products at the edges
                for (; j < j1; j += DR) {
                    int nj = Math.min(DR, j1 - j);
                    for (int i = 0; i < m; i += DR) {
                        if (i + DR <= m && nj == DR) {
                            dot3x3(kb, a, aOffset + i * k + pc, k, Integer.MAX_VALUE, 0, b, bOffset + j * k + pc, k,
                                    c, cOffset + i * n + j, n, overwrite);
                        } else {
                            singleDots(i, Math.min(m, i + DR), j, j + nj, pc, kb, overwrite);
                        }
                    }
                }
            }
        }

        /** C[i0:i1, j0:j1] (+)= A·Bᵀ over the k slice [pc, pc + kb), one dot product per element. */
        private void singleDots(int i0, int i1, int j0, int j1, int pc, int kb, boolean overwrite) {
            for (int i = i0; i < i1; i++) {
                for (int j = j0; j < j1; j++) {
                    float s = dot(kb, a, aOffset + i * k + pc, b, bOffset + j * k + pc);
                    int e = cOffset + i * n + j;
                    c[e] = overwrite ? s : c[e] + s;
                }
            }
        }

        /**
         * The whole product in place, for thin products ({@link #THIN}): A·Bᵀ by {@link #dots}; op(A)·B one row of C
         * at a time, {@code C[i,:] (+)= Σ_p op(A)[i,p]·B[p,:]}, in blocks of 32 columns summed over all of k in four
         * vector registers (B's rows are contiguous). Not for Aᵀ·Bᵀ.
         */
        void thin() {
            if (transB) {
                dots(0, n);
            } else {
                rowByRow(0, m, 0);
            }
        }

        /**
         * C[i0:i1, j0:n] of op(A)·B (B not transposed) one row at a time: in blocks of 32 columns summed over all of
         * k in four vector registers, then 8 columns, then single columns.
         */
        void rowByRow(int i0, int i1, int j0) {
            for (int i = i0; i < i1; i++) {
                int ci = cOffset + i * n;
                int j = j0;
                for (; j <= n - 4 * L; j += 4 * L) {
                    FloatVector s0 = FloatVector.zero(S);
                    FloatVector s1 = s0;
                    FloatVector s2 = s0;
                    FloatVector s3 = s0;
                    for (int p = 0, bo = bOffset + j; p < k; p++, bo += n) {
                        FloatVector x = FloatVector.broadcast(S, transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p]);
                        s0 = x.fma(FloatVector.fromArray(S, b, bo), s0);
                        s1 = x.fma(FloatVector.fromArray(S, b, bo + L), s1);
                        s2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), s2);
                        s3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * L), s3);
                    }
                    store(s0, ci + j);
                    store(s1, ci + j + L);
                    store(s2, ci + j + 2 * L);
                    store(s3, ci + j + 3 * L);
                }
                for (; j <= n - L; j += L) {
                    FloatVector s0 = FloatVector.zero(S);
                    for (int p = 0, bo = bOffset + j; p < k; p++, bo += n) {
                        float x = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
                        s0 = FloatVector.broadcast(S, x).fma(FloatVector.fromArray(S, b, bo), s0);
                    }
                    store(s0, ci + j);
                }
                for (; j < n; j++) {
                    float t = 0;
                    for (int p = 0; p < k; p++) {
                        // fma, as every vector lane does: the same rounding for a column whichever path computes it
                        float ap = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
                        t = Math.fma(ap, b[bOffset + p * n + j], t);
                    }
                    c[ci + j] = accumulate ? c[ci + j] + t : t;
                }
            }
        }

        /**
         * The whole product A·B (neither transposed, 4 ≤ m ≤ {@link #FEW_MAX_M}) with B read in place: for each
         * 16-column strip of C, tiles of 6 rows (4 where 6 would leave a remainder of 2, as for m = 8 or 10) sum over
         * all of k in 12 (8) vector registers, reading the strip's k×16 floats of B, which stay in L1 across tiles.
         * Rows beyond the last full tile (at most 3) and the last n mod 16 columns go {@link #rowByRow}.
         */
        void fewRows(Workspace ws) {
            int tiled = tiledRows();
            int nFull = n - n % NR;
            for (int j = 0; j < nFull; j += NR) {
                tiles(tiled, b, bOffset + j, n, c, cOffset + j, n, accumulate);
            }
            if (nFull < n) {
                // the last columns: copied into a zero-padded k×16 strip, multiplied into a scratch m×16 tile
                int cols = n - nFull;
                float[] strip = ws.strip(k * NR);
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOffset + p * n + nFull, strip, p * NR, cols);
                    Arrays.fill(strip, p * NR + cols, (p + 1) * NR, 0f);
                }
                float[] tile = ws.rowsTile(m * NR);
                tiles(tiled, strip, 0, NR, tile, 0, NR, false);
                for (int i = 0; i < tiled; i++) {
                    int ci = cOffset + i * n + nFull;
                    for (int j = 0; j < cols; j++) {
                        c[ci + j] = accumulate ? c[ci + j] + tile[i * NR + j] : tile[i * NR + j];
                    }
                }
            }
            rowByRow(tiled, m, 0);
        }

        /** The rows that {@link #tiles} covers with 6- and 4-row tiles: all but at most 3. */
        private int tiledRows() {
            int tiled = 0;
            for (int rem = m; rem >= 4; rem = m - tiled) {
                tiled += rem >= 6 && rem != 8 ? 6 : 4;
            }
            return tiled;
        }

        /**
         * The whole product A·Bᵀ (A not transposed, n ≤ {@link #FEW_MAX_N}): for each strip of C's columns, the
         * strip of op(B) (k×16, or k×24 for a last 17 to 24 columns, B's rows side by side, zero-padded) is written
         * once, then every row tile of A is read in place against it ({@link #tiles}: 6 and 4 rows; 24-wide strips
         * {@link #rows4x24}); a strip wider than what is left of C goes through a scratch tile. Rows beyond the last
         * tile (at most 3) are dot products. The 24-wide strip is for 20 output channels: in 16 + 16 columns only 20
         * of 32 lanes work, in 24 columns 20 of 24.
         */
        void fewCols(Workspace ws) {
            int tiled16 = tiledRows();
            int tiled24 = m - m % 4;
            float[] strip = ws.strip(k * WIDE);
            for (int j0 = 0; j0 < n; ) {
                int left = n - j0;
                int width = left > NR && left <= WIDE ? WIDE : NR;
                int cols = Math.min(width, left);
                int tiled = width == WIDE ? tiled24 : tiled16;
                for (int j = 0; j < cols; j++) {
                    for (int p = 0, src = bOffset + (j0 + j) * k; p < k; p++) {
                        strip[p * width + j] = b[src + p];
                    }
                }
                if (cols < width) {
                    for (int p = 0; p < k; p++) {
                        Arrays.fill(strip, p * width + cols, (p + 1) * width, 0f);
                    }
                    float[] tile = ws.rowsTile(tiled * width);
                    stripTiles(width, tiled, strip, tile, 0, width, false);
                    for (int i = 0; i < tiled; i++) {
                        int ci = cOffset + i * n + j0;
                        for (int j = 0; j < cols; j++) {
                            c[ci + j] = accumulate ? c[ci + j] + tile[i * width + j] : tile[i * width + j];
                        }
                    }
                } else {
                    stripTiles(width, tiled, strip, c, cOffset + j0, n, accumulate);
                }
                for (int i = tiled; i < m; i++) {
                    for (int j = j0; j < j0 + cols; j++) {
                        float s = dot(k, a, aOffset + i * k, b, bOffset + j * k);
                        int e = cOffset + i * n + j;
                        c[e] = accumulate ? c[e] + s : s;
                    }
                }
                j0 += cols;
            }
        }

        /** Rows [0, tiled) times a strip of op(B) {@code width} (16 or 24) wide, rows {@code width} apart. */
        private void stripTiles(int width, int tiled, float[] strip, float[] cs, int co, int ldc, boolean add) {
            if (width == NR) {
                tiles(tiled, strip, 0, NR, cs, co, ldc, add);
            } else {
                for (int i = 0; i < tiled; i += 4) {
                    rows4x24(aOffset + i * k, strip, cs, co + i * ldc, ldc, add);
                }
            }
        }

        /**
         * The 4×24 tile at {@code cs[ci...]} (+)= 4 rows of A from {@code a[a0...]} times the k×24 strip
         * {@code bs[0...]}: 12 accumulators, 3 strip vectors and a broadcast, the 16 registers of AVX2.
         */
        private void rows4x24(int a0, float[] bs, float[] cs, int ci, int ldc, boolean add) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c02 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c12 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c22 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            FloatVector c32 = c00;
            for (int p = 0, bo = 0; p < k; p++, bo += WIDE) {
                FloatVector b0 = FloatVector.fromArray(S, bs, bo);
                FloatVector b1 = FloatVector.fromArray(S, bs, bo + L);
                FloatVector b2 = FloatVector.fromArray(S, bs, bo + 2 * L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                c02 = x.fma(b2, c02);
                x = FloatVector.broadcast(S, a[a0 + k + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                c12 = x.fma(b2, c12);
                x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                c22 = x.fma(b2, c22);
                x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                c32 = x.fma(b2, c32);
            }
            put(c00, cs, ci, add);
            put(c01, cs, ci + L, add);
            put(c02, cs, ci + 2 * L, add);
            put(c10, cs, ci + ldc, add);
            put(c11, cs, ci + ldc + L, add);
            put(c12, cs, ci + ldc + 2 * L, add);
            put(c20, cs, ci + 2 * ldc, add);
            put(c21, cs, ci + 2 * ldc + L, add);
            put(c22, cs, ci + 2 * ldc + 2 * L, add);
            put(c30, cs, ci + 3 * ldc, add);
            put(c31, cs, ci + 3 * ldc + L, add);
            put(c32, cs, ci + 3 * ldc + 2 * L, add);
        }

        /**
         * Rows [0, tiled) of one 16-column strip: C strip (+)= A[0:tiled, :]·(k×16 strip of B at {@code bs[bo...]},
         * rows {@code ldb} apart), into {@code cs[co...]} (rows {@code ldc} apart).
         */
        private void tiles(int tiled, float[] bs, int bo, int ldb, float[] cs, int co, int ldc, boolean add) {
            for (int i = 0; i < tiled; ) {
                int rem = m - i;
                if (rem >= 6 && rem != 8) {
                    rows6(aOffset + i * k, bs, bo, ldb, cs, co + i * ldc, ldc, add);
                    i += 6;
                } else {
                    rows4(aOffset + i * k, bs, bo, ldb, cs, co + i * ldc, ldc, add);
                    i += 4;
                }
            }
        }

        /**
         * The 6×16 tile at {@code cs[ci...]} (+)= 6 rows of A from {@code a[a0...]} times the k×16 strip
         * {@code bs[bo...]}.
         */
        private void rows6(int a0, float[] bs, int bo, int ldb, float[] cs, int ci, int ldc, boolean add) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            FloatVector c40 = c00;
            FloatVector c41 = c00;
            FloatVector c50 = c00;
            FloatVector c51 = c00;
            for (int p = 0; p < k; p++, bo += ldb) {
                FloatVector b0 = FloatVector.fromArray(S, bs, bo);
                FloatVector b1 = FloatVector.fromArray(S, bs, bo + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a0 + k + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[a0 + 4 * k + p]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[a0 + 5 * k + p]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
            put(c00, cs, ci, add);
            put(c01, cs, ci + L, add);
            put(c10, cs, ci + ldc, add);
            put(c11, cs, ci + ldc + L, add);
            put(c20, cs, ci + 2 * ldc, add);
            put(c21, cs, ci + 2 * ldc + L, add);
            put(c30, cs, ci + 3 * ldc, add);
            put(c31, cs, ci + 3 * ldc + L, add);
            put(c40, cs, ci + 4 * ldc, add);
            put(c41, cs, ci + 4 * ldc + L, add);
            put(c50, cs, ci + 5 * ldc, add);
            put(c51, cs, ci + 5 * ldc + L, add);
        }

        /** {@link #rows6} with 4 rows. */
        private void rows4(int a0, float[] bs, int bo, int ldb, float[] cs, int ci, int ldc, boolean add) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int p = 0; p < k; p++, bo += ldb) {
                FloatVector b0 = FloatVector.fromArray(S, bs, bo);
                FloatVector b1 = FloatVector.fromArray(S, bs, bo + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a0 + k + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            put(c00, cs, ci, add);
            put(c01, cs, ci + L, add);
            put(c10, cs, ci + ldc, add);
            put(c11, cs, ci + ldc + L, add);
            put(c20, cs, ci + 2 * ldc, add);
            put(c21, cs, ci + 2 * ldc + L, add);
            put(c30, cs, ci + 3 * ldc, add);
            put(c31, cs, ci + 3 * ldc + L, add);
        }

        /**
         * {@link VectorGemm#convolve}'s 6×16 tile: C[r:r+6, co...] = A[r:r+6, :]·B where B's row p is the 16 floats at
         * {@code b[xo + rowOffsets[p]]}, plus the bias of each row if there is one. C's rows are n apart.
         */
        void rows6Direct(int r, int[] rowOffsets, int xo, int co, float[] bias) {
            int a0 = aOffset + r * k;
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            FloatVector c40 = c00;
            FloatVector c41 = c00;
            FloatVector c50 = c00;
            FloatVector c51 = c00;
            for (int p = 0; p < k; p++) {
                int bo = xo + rowOffsets[p];
                FloatVector b0 = FloatVector.fromArray(S, b, bo);
                FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a0 + k + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[a0 + 4 * k + p]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[a0 + 5 * k + p]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
            int ci = co + r * n;
            biased(c00, c01, bias, r, ci);
            biased(c10, c11, bias, r + 1, ci + n);
            biased(c20, c21, bias, r + 2, ci + 2 * n);
            biased(c30, c31, bias, r + 3, ci + 3 * n);
            biased(c40, c41, bias, r + 4, ci + 4 * n);
            biased(c50, c51, bias, r + 5, ci + 5 * n);
        }

        /** {@link #rows6Direct} with 4 rows. */
        void rows4Direct(int r, int[] rowOffsets, int xo, int co, float[] bias) {
            int a0 = aOffset + r * k;
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int p = 0; p < k; p++) {
                int bo = xo + rowOffsets[p];
                FloatVector b0 = FloatVector.fromArray(S, b, bo);
                FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a0 + k + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            int ci = co + r * n;
            biased(c00, c01, bias, r, ci);
            biased(c10, c11, bias, r + 1, ci + n);
            biased(c20, c21, bias, r + 2, ci + 2 * n);
            biased(c30, c31, bias, r + 3, ci + 3 * n);
        }

        /** {@link #rows6Direct} with one row (the at most 3 rows that no tile covers). */
        void rowDirect(int r, int[] rowOffsets, int xo, int co, float[] bias) {
            int a0 = aOffset + r * k;
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = c0;
            for (int p = 0; p < k; p++) {
                int bo = xo + rowOffsets[p];
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
                c1 = x.fma(FloatVector.fromArray(S, b, bo + L), c1);
            }
            biased(c0, c1, bias, r, co + r * n);
        }

        /** C[ci..ci+16) = (v0, v1) + bias[r] (no bias if null): the sum first, then the bias. */
        private void biased(FloatVector v0, FloatVector v1, float[] bias, int r, int ci) {
            if (bias != null) {
                FloatVector bv = FloatVector.broadcast(S, bias[r]);
                v0 = v0.add(bv);
                v1 = v1.add(bv);
            }
            v0.intoArray(c, ci);
            v1.intoArray(c, ci + L);
        }

        /** cs[ci..ci+L) = v, or += v when {@code add}. */
        private static void put(FloatVector v, float[] cs, int ci, boolean add) {
            (add ? v.add(FloatVector.fromArray(S, cs, ci)) : v).intoArray(cs, ci);
        }

        /** c[ci..ci+L) = v, or += v when accumulating. */
        private void store(FloatVector v, int ci) {
            (accumulate ? v.add(FloatVector.fromArray(S, c, ci)) : v).intoArray(c, ci);
        }

        /**
         * Packs op(A)[i0:i0+mb, p0:p0+kb] into MR-high panels from {@code pa[d]}: panel q holds, for p = 0..kb−1,
         * the MR values op(A)[i0+q·MR+r, p0+p] at {@code d + q·MR·kb + p·MR + r}, zero below the last row.
         */
        void packA(float[] pa, int d0, int i0, int mb, int p0, int kb) {
            for (int ir = 0; ir < mb; ir += MR) {
                int rows = Math.min(MR, mb - ir);
                int d = d0 + ir * kb;
                if (transA) {
                    // op(A)[i, p] = a[p·m + i]: each p gives `rows` contiguous values
                    int s = aOffset + p0 * m + i0 + ir;
                    for (int p = 0; p < kb; p++, s += m, d += MR) {
                        for (int r = 0; r < rows; r++) {
                            pa[d + r] = a[s + r];
                        }
                        for (int r = rows; r < MR; r++) {
                            pa[d + r] = 0f;
                        }
                    }
                } else if (rows == MR) {
                    // op(A)[i, p] = a[i·k + p]: six row streams
                    int s = aOffset + (i0 + ir) * k + p0;
                    for (int p = 0; p < kb; p++, d += MR) {
                        pa[d] = a[s + p];
                        pa[d + 1] = a[s + k + p];
                        pa[d + 2] = a[s + 2 * k + p];
                        pa[d + 3] = a[s + 3 * k + p];
                        pa[d + 4] = a[s + 4 * k + p];
                        pa[d + 5] = a[s + 5 * k + p];
                    }
                } else {
                    int s = aOffset + (i0 + ir) * k + p0;
                    for (int p = 0; p < kb; p++, d += MR) {
                        for (int r = 0; r < rows; r++) {
                            pa[d + r] = a[s + r * k + p];
                        }
                        for (int r = rows; r < MR; r++) {
                            pa[d + r] = 0f;
                        }
                    }
                }
            }
        }

        /**
         * Packs op(B)[p0:p0+kb, j0:j0+nb] into NR-wide panels from {@code pb[d]}: panel q holds, for p = 0..kb−1,
         * the NR values op(B)[p0+p, j0+q·NR+j] at {@code d + q·NR·kb + p·NR + j}, zero right of the last column.
         */
        void packB(float[] pb, int d0, int j0, int nb, int p0, int kb) {
            for (int jr = 0; jr < nb; jr += NR) {
                int cols = Math.min(NR, nb - jr);
                int d = d0 + jr * kb;
                if (!transB) {
                    // op(B)[p, j] = b[p·n + j]: each p gives `cols` contiguous values
                    int s = bOffset + p0 * n + j0 + jr;
                    if (cols == NR) {
                        for (int p = 0; p < kb; p++, s += n, d += NR) {
                            FloatVector.fromArray(S, b, s).intoArray(pb, d);
                            FloatVector.fromArray(S, b, s + L).intoArray(pb, d + L);
                        }
                    } else {
                        for (int p = 0; p < kb; p++, s += n, d += NR) {
                            for (int j = 0; j < cols; j++) {
                                pb[d + j] = b[s + j];
                            }
                            for (int j = cols; j < NR; j++) {
                                pb[d + j] = 0f;
                            }
                        }
                    }
                } else {
                    // op(B)[p, j] = b[j·k + p]: a transpose, one source row per column of the panel
                    int s = bOffset + (j0 + jr) * k + p0;
                    for (int j = 0; j < cols; j++, s += k) {
                        for (int p = 0, dd = d + j; p < kb; p++, dd += NR) {
                            pb[dd] = b[s + p];
                        }
                    }
                    for (int j = cols; j < NR; j++) {
                        for (int p = 0, dd = d + j; p < kb; p++, dd += NR) {
                            pb[dd] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The 6×16 micro-kernel: C[0:6, 0:16] += Σ_p A[:, p]·B[p, :] over one packed A panel (6 values per p) and one
     * packed B panel (16 values per p), the tile held in 12 registers; C row r starts at {@code co + r·ldc}.
     * It only accumulates; {@link #kernelStore} is the one that overwrites: a kernel that chose per call between
     * storing and adding ran at half speed under C2 once both paths had been taken.
     */
    private static void kernel(int kb, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kb; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        add(c00, c01, c, co);
        add(c10, c11, c, co + ldc);
        add(c20, c21, c, co + 2 * ldc);
        add(c30, c31, c, co + 3 * ldc);
        add(c40, c41, c, co + 4 * ldc);
        add(c50, c51, c, co + 5 * ldc);
    }

    /**
     * {@link #kernel} that stores the tile instead of adding it to C, for the first k slice of a product that does not
     * accumulate: C is then not zeroed first nor read. A method of its own — one kernel that chose per call between
     * storing and adding ran at half speed (W1 b512 1.5× slower) once C2 had seen both. The sums start at +0 and so
     * are never −0: the same bits as zeroing C and adding them.
     */
    private static void kernelStore(int kb, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kb; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store(c00, c01, c, co);
        store(c10, c11, c, co + ldc);
        store(c20, c21, c, co + 2 * ldc);
        store(c30, c31, c, co + 3 * ldc);
        store(c40, c41, c, co + 4 * ldc);
        store(c50, c51, c, co + 5 * ldc);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int co) {
        v0.intoArray(c, co);
        v1.intoArray(c, co + L);
    }

    private static void add(FloatVector v0, FloatVector v1, float[] c, int co) {
        v0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        v1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
    }

    /** Σ_p a[ao+p]·b[bo+p] for p < kb. */
    private static float dot(int kb, float[] a, int ao, float[] b, int bo) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0;
        for (; p <= kb - L; p += L) {
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; p < kb; p++) {
            s += a[ao + p] * b[bo + p];
        }
        return s;
    }

    /**
     * The 3×3 dot-product kernel: C[r][q] (+)= Σ_p A[r][p]·B[q][p] for rows r, q < 3 of A (from {@code ao}) and B
     * (from {@code bo}); C row r starts at {@code co + r·ldc}. Nine accumulators and six operand vectors fit AVX2's
     * 16 registers. Strides and jumps as {@link #dot3x5}: rows {@code sa} and {@code sb} apart, A jumping {@code skip}
     * floats after every {@code perRow} vectors.
     */
    private static void dot3x3(int kb, float[] a, int ao, int sa, int perRow, int skip, float[] b, int bo, int sb,
                               float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        int p = 0;
        int xa = ao;
        int inRow = 0;
        for (; p <= kb - L; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + sb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * sb + p);
            FloatVector x = FloatVector.fromArray(S, a, xa);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.fromArray(S, a, xa + sa);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.fromArray(S, a, xa + 2 * sa);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            xa += L;
            if (++inRow == perRow) {
                inRow = 0;
                xa += skip;
            }
        }
        // nine named sums rather than an array: this runs once per 3×3 block, and escape analysis did not remove the
        // array (it showed in allocation profiles of W1 steps)
        finishDot(c00.reduceLanes(VectorOperators.ADD), 0, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c01.reduceLanes(VectorOperators.ADD), 0, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c02.reduceLanes(VectorOperators.ADD), 0, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c10.reduceLanes(VectorOperators.ADD), 1, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c11.reduceLanes(VectorOperators.ADD), 1, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c12.reduceLanes(VectorOperators.ADD), 1, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c20.reduceLanes(VectorOperators.ADD), 2, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c21.reduceLanes(VectorOperators.ADD), 2, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c22.reduceLanes(VectorOperators.ADD), 2, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
    }

    /**
     * The wide dot-product kernel, {@link #dot3x3} for 3 rows of A and 5 of B: fifteen accumulators, each summed as
     * dot3x3 sums its nine (so the same result bit for bit), for CPUs with 32 vector registers ({@link #WIDE_DOTS}).
     * Row r of A starts at {@code ao + r·sa} and row q of B at {@code bo + q·sb}; B is read contiguously,
     * A too except that after every {@code perRow} vectors it jumps {@code skip} floats — the dot path passes the
     * row stride of both, perRow = {@code Integer.MAX_VALUE} and skip 0; {@link #weightGradient} passes rows one
     * float apart (a padded input row read from three kernel columns) that jump the padding at each row's end.
     */
    private static void dot3x5(int kb, float[] a, int ao, int sa, int perRow, int skip, float[] b, int bo,
                               int sb, float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c03 = c00;
        FloatVector c04 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c13 = c00;
        FloatVector c14 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        FloatVector c23 = c00;
        FloatVector c24 = c00;
        int p = 0;
        int xa = ao;
        int inRow = 0;
        for (; p <= kb - L; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + sb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * sb + p);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * sb + p);
            FloatVector b4 = FloatVector.fromArray(S, b, bo + 4 * sb + p);
            FloatVector x = FloatVector.fromArray(S, a, xa);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            c04 = x.fma(b4, c04);
            x = FloatVector.fromArray(S, a, xa + sa);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            c14 = x.fma(b4, c14);
            x = FloatVector.fromArray(S, a, xa + 2 * sa);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            c24 = x.fma(b4, c24);
            xa += L;
            if (++inRow == perRow) {
                inRow = 0;
                xa += skip;
            }
        }
        // the k tail (the dot path only: weightGradient's k is whole vectors) reads A without jumps
        finishDot(c00.reduceLanes(VectorOperators.ADD), 0, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c01.reduceLanes(VectorOperators.ADD), 0, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c02.reduceLanes(VectorOperators.ADD), 0, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c03.reduceLanes(VectorOperators.ADD), 0, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c04.reduceLanes(VectorOperators.ADD), 0, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c10.reduceLanes(VectorOperators.ADD), 1, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c11.reduceLanes(VectorOperators.ADD), 1, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c12.reduceLanes(VectorOperators.ADD), 1, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c13.reduceLanes(VectorOperators.ADD), 1, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c14.reduceLanes(VectorOperators.ADD), 1, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c20.reduceLanes(VectorOperators.ADD), 2, 0, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c21.reduceLanes(VectorOperators.ADD), 2, 1, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c22.reduceLanes(VectorOperators.ADD), 2, 2, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c23.reduceLanes(VectorOperators.ADD), 2, 3, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
        finishDot(c24.reduceLanes(VectorOperators.ADD), 2, 4, p, kb, a, ao, sa, b, bo, sb, c, co, ldc, overwrite);
    }

    /**
     * Adds the k tail from {@code p} to the sum {@code t} of rows r of A and q of B (rows {@code aStride} and
     * {@code bStride} apart), and stores it into C[r][q].
     */
    private static void finishDot(float t, int r, int q, int p, int kb, float[] a, int ao, int aStride, float[] b,
                                  int bo, int bStride, float[] c, int co, int ldc, boolean overwrite) {
        for (int e = p; e < kb; e++) {
            t += a[ao + r * aStride + e] * b[bo + q * bStride + e];
        }
        int ci = co + r * ldc + q;
        c[ci] = overwrite ? t : c[ci] + t;
    }
}
