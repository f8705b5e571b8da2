package polyhead.tensor;

import static polyhead.tensor.DotKernels.WIDE_DOTS;
import static polyhead.tensor.DotProduct.KD;
import static polyhead.tensor.InPlaceProduct.NR;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast {@link Gemm}: packed panels, a register-blocked FMA micro-kernel written with the Vector API
 * ({@code jdk.incubator.vector}, which must be enabled with {@code --add-modules jdk.incubator.vector}), cache
 * blocking, and work shared over the cores when the product is large enough to pay for it.
 *
 * <p>This class chooses, for each call, one of the kernel families, each a subclass of {@link Product} holding the
 * call's operands:
 * <ul>
 *   <li>{@link PackedProduct}, the general path (Goto's / BLIS's): op(A) and op(B) packed into panels in cache-sized
 *       blocks, multiplied by {@link MicroKernel}'s 6×16 register tile; the transposes are absorbed by the packing.
 *   <li>{@link DotProduct}: A·Bᵀ with few rows of A or of B and a long inner dimension, as dot products of rows read
 *       in place ({@link DotKernels}; see {@link #DOT_MAX_M}).
 *   <li>{@link InPlaceProduct}: A·B with few rows of A ({@link #FEW_MAX_M}), A·Bᵀ with few rows of B
 *       ({@link #FEW_MAX_N}), and thin products ({@link #THIN}), read in place where packing would cost more than it
 *       saves.
 * </ul>
 * The direct convolution that reproduces these products' results ({@link VectorDirectConvolution}) shares the tiles
 * and the dot kernels.
 *
 * <p>Parallel products (at least {@link #PARALLEL_FLOPS}) are cut into strips of C, several per thread, that the
 * threads pull from a counter, so a core that another process occupies simply does fewer of them (see
 * {@link WorkerPool}); each thread packs the smaller operand once for all its strips (see
 * {@link PackedProduct#computeParallel}). Smaller products, and calls made while the pool is busy with another
 * thread's parallel product or loop, or made inside a task of {@link Parallel} (whose loop already occupies the
 * cores), run on the calling thread with per-thread buffers ({@link VectorWorkspace}).
 *
 * <p>Results can differ from {@link EjmlGemm} in the last bits (the summation order differs), never by more than
 * float32 rounding of a length-k dot product. The thresholds below were set by timing each path on the shapes of the
 * benchmark workloads; the figures are in {@code BENCHMARKS.md} (implementation notes).
 */
public final class VectorGemm implements Gemm {
    /**
     * The vectors of every kernel: 512 bits, 16 floats, where the JVM prefers that width; else 256 bits, 8 floats
     * ({@link PackedProduct#WIDE}; {@code -Dpolyhead.gemm.kernelBits} chooses). All kernels share one width: on JDK
     * 17 the Vector API's methods keep one type profile for all their callers, and once vectors of two widths have run
     * through them, C2 compiles kernels whose vectors pass through a loop or a helper without the intrinsics
     * (measured: W1's products ten times slower).
     */
    static final VectorSpecies<Float> S = PackedProduct.WIDE ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int L = S.length();
    /**
     * Products of fewer flops (2·m·n·k) stay on the calling thread. A parallel product pays a hand-off (waking a
     * parked worker) and a second packing pass: W1's products at batch 32 ran slower on two threads than on one, its
     * products at batch 512 and W2's grouped convolutions faster, even with the machine loaded by other builds.
     */
    static final long PARALLEL_FLOPS = 4_000_000;
    /**
     * {@code C = A·Bᵀ} with few rows of A or of B (either may be the short side: the work is symmetric) goes through
     * {@link DotProduct#dots} instead of packing: every element is the dot product of a row of A and a row of B, both
     * contiguous. Packing costs O((m + n)·k) against O(m·n·k) of work, so with few rows the packing of B dominates (a
     * convolution's weight gradient: m = output channels, B = the im2col matrix); the dot kernel reads both operands
     * in place. For more rows, or a short inner dimension, the packed kernel is faster.
     */
    static final int DOT_MAX_M = 32;
    /**
     * ... or, with the wide 3×5 blocks ({@link DotKernels#WIDE_DOTS}), as long as A's rows over one k block
     * (m·min(k, KD) floats) are at most 48K floats: up to 62 rows at k = 784. It was 128K (W1's first product at
     * batch 128, X·W₁ᵀ = 128×784·(256×784)ᵀ, went through the dots) until the packed path stopped packing A
     * (session 15): on two threads that product then ran at 248 GFLOPS packed against 177 as dots, 64 rows at 188
     * against 170, 48 rows at 131 against 173 (BENCHMARKS.md, issue 21).
     */
    static final long DOT_MAX_A = 3 << 14;
    /** ... and a long enough inner dimension: each 3×3 block ends in nine horizontal sums (see above). */
    static final int DOT_MIN_K = 512;
    /**
     * Thin products — m, n or k at most this, below {@link #PARALLEL_FLOPS} — are read in place without packing
     * ({@link DotProduct#dots} for A·Bᵀ, else {@link InPlaceProduct#rowByRow}): a multi-task model's heads (W1: 10
     * and 5 classes) make three per head and step, and the packed kernel computes them in overhanging 6×16 tiles, or
     * with 10-deep panels, after packing both operands. Aᵀ·B only up to k = 4·THIN: its rows of C reread B from L2
     * once each, and for a longer inner dimension the packed path was faster.
     */
    static final int THIN = 16;
    /**
     * {@code C = A·B} with at most this many rows of A (and at least 4) goes through {@link InPlaceProduct#fewRows}:
     * B is read in place, one 16-column strip at a time (k×16 floats, in L1), by 6- and 4-row register tiles that
     * each sweep the strip, instead of being packed first. Packing B costs as much memory traffic as the product
     * reads, and with few rows it is a large share of the work: a convolution's forward product (m = output channels,
     * B = the im2col matrix) spent more time packing than multiplying.
     */
    static final int FEW_MAX_M = 24;
    /** ... and an inner dimension at most this, so that a strip of B (k×16 floats) stays in L1 / L2. */
    static final int FEW_MAX_K = 1024;
    /**
     * {@code C = A·Bᵀ} with at most this many columns (and at least 4 rows) goes through
     * {@link InPlaceProduct#fewCols}: op(B) is transposed into zero-padded k×16 strips (a few KB) and A is read in
     * place by the same 6- and 4-row tiles as {@link #FEW_MAX_M}. This is the weight gradient of a convolution
     * computed transposed, ∂Wᵀ = X·Gᵀ with X the im2col matrix and n = output channels, when the inner dimension is
     * too short for the dot-product path, and W1's heads' backward product. Two strips of {@link InPlaceProduct#NR}
     * (2 vectors) columns: 32 at 256 bits, where it was measured; 64 at 512 bits by the same rule, not tuned there.
     */
    static final int FEW_MAX_N = 4 * L;

    private static final VectorDirectConvolution DIRECT_CONVOLUTION = new VectorDirectConvolution();

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
        // pools whose workers both stay awake would share a core: a product run between another pool's calls got one
        // thread's worth)
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

    /** The width in bits of the vectors the JIT compiles to here (256 with AVX2, 512 with AVX-512). */
    public static int preferredVectorBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
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
            // read in place: A·Bᵀ as dot products, op(A)·B one row of C at a time (not for Aᵀ·Bᵀ)
            if (transB) {
                new DotProduct(p).dots(0, n);
            } else {
                new InPlaceProduct(p).rowByRow(0, m, 0);
            }
        } else if (pool != null && 2L * m * n * k >= PARALLEL_FLOPS && !Parallel.inside() && parallel.tryLock()) {
            try {
                if (dots) {
                    new DotProduct(p).computeParallel(pool, threads);
                } else {
                    new PackedProduct(p).computeParallel(pool, threads);
                }
            } finally {
                parallel.unlock();
            }
        } else if (dots) {
            new DotProduct(p).dots(0, n);
        } else if (fewRows) {
            new InPlaceProduct(p).fewRows(VectorWorkspace.get());
        } else if (fewCols) {
            new InPlaceProduct(p).fewCols(VectorWorkspace.get());
        } else {
            new PackedProduct(p).computeSequential(VectorWorkspace.get());
        }
    }

    /** Yes: for W2's second layer the padded product plus long runs are faster than the short runs. */
    @Override
    public boolean prefersPaddedRows() {
        return true;
    }

    /**
     * The direct convolution that goes with this GEMM: its forward pass gives the bits of im2col and this GEMM's
     * product (see {@link Gemms#use(Gemm)}).
     */
    public DirectConvolution directConvolution() {
        return DIRECT_CONVOLUTION;
    }

    static void checkRange(String what, float[] x, int offset, long length) {
        if (offset < 0 || offset + length > x.length) {
            throw new IndexOutOfBoundsException("gemm: " + what + " needs " + length + " elements from offset " + offset
                    + " but the array has " + x.length);
        }
    }
}
