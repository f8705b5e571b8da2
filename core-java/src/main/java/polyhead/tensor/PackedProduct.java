package polyhead.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorGemm}'s general path, Goto's / BLIS's: for each KC-deep slice of the inner dimension, op(B) is packed
 * into NR-wide column panels in the order the micro-kernel ({@link MicroKernel}) reads them, with zeros past the
 * matrix edge; the micro-kernel then adds an MR×NR tile of the product into C as KC rank-1 updates held in registers,
 * reading MR rows of op(A) in place (A's rows, or Aᵀ's contiguous columns), an MC-high block of them at a time. Only
 * a last panel of fewer than MR rows of op(A) is packed (zero-padded), and tiles that overhang the edge of C are
 * computed into a scratch tile and added from there. On one thread ({@link #computeSequential}) or on all, in strips
 * of C ({@link #computeParallel}).
 *
 * <p>Block sizes: an A block (MC×KC ≤ 120×256 floats, 120 KiB) stays in L2 and one B panel (KC×NR, 16 or 32 KiB) in
 * L1; KC and MC are evened out over the blocks so that no block is a thin remainder.
 */
final class PackedProduct extends Product {
    /**
     * Whether the kernels run in 512-bit vectors ({@link VectorGemm#S}; here {@link WideMicroKernel}, 6×32 tiles)
     * rather than 256-bit ones ({@link MicroKernel}, 6×16): by default where the JVM's preferred vector width is 512
     * bits (AVX-512, unless the JVM is held to 256 bits, e.g. by -XX:UseAVX=2), else 256; {@code
     * -Dpolyhead.gemm.kernelBits=256} or {@code 512} chooses (512 only where the JVM compiles 512-bit vectors to
     * hardware instructions). On a core with full-width 512-bit multiply-adds (AMD Zen 5: 367-425 GFLOPS on two
     * threads against 187-212 at 256 bits, {@link FmaCeiling}) W1's training steps at batch 512 ran about 25%
     * faster, at batch 128 3-14%, at batch 32 no faster, and a 1024³ product 1.65 times (BENCHMARKS.md, issue 21).
     * The packed products give the same bits at either width (each element of C is the same sum in the same order),
     * and so do the direct convolution and the in-place tiles; dot products and the element loops' reductions sum
     * their lanes in another order, within float32 rounding.
     */
    static final boolean WIDE = wide(System.getProperty("polyhead.gemm.kernelBits"));
    static final int MR = 6;
    static final int NR = WIDE ? 32 : MicroKernel.NR;
    static final int KC = 256;
    static final int MC = 120;
    static final int NC = 3072;
    /**
     * Width of a parallel product's column strips, in B panels (32 columns: two 16-wide panels, or one 32-wide):
     * narrow strips even out the threads (a strip costs no packing of its own beyond its part of B); W1's 784 columns
     * make 25 strips.
     */
    static final int STRIP_PANELS = Math.max(1, 32 / NR);
    /** Row strips per thread in a parallel product split by rows (each strip rereads all of packed B). */
    static final int STRIPS_PER_THREAD = 4;

    /** Whether to use the wide kernels, given the property's value (null when unset: the JVM's preferred width). */
    static boolean wide(String bits) {
        return wide(bits, FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** {@link #wide(String)} on a JVM whose preferred vectors are {@code preferredBits} wide. */
    static boolean wide(String bits, int preferredBits) {
        String chosen = bits == null ? "512" : bits.trim();
        if (!chosen.equals("256") && !chosen.equals("512")) {
            throw new IllegalArgumentException("-Dpolyhead.gemm.kernelBits=" + bits + ": expected 256 or 512");
        }
        return chosen.equals("512") && preferredBits >= 512;
    }

    PackedProduct(Product p) {
        super(p);
    }

    /**
     * The whole product on this thread: B packed one KC×NC block at a time, A read in place one MC×KC block at a time
     * ({@link #multiplyBlockInPlaceA}).
     */
    void computeSequential(VectorWorkspace ws) {
        int kBlocks = ceilDiv(k, KC);
        int kc = ceilDiv(k, kBlocks);
        int mBlocks = ceilDiv(m, MC);
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        int nc = Math.min(NC, roundUp(n, NR));
        float[] pa = ws.packedA(MR * kc);
        float[] pb = ws.packedB(nc * kc);
        for (int jc = 0; jc < n; jc += nc) {
            int nb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                packB(pb, 0, jc, nb, pc, kb);
                for (int ic = 0; ic < m; ic += mc) {
                    int mb = Math.min(mc, m - ic);
                    multiplyBlockInPlaceA(pa, 0, false, pb, 0, ic, mb, jc, nb, pc, kb, ws.tile,
                            pc == 0 && !accumulate);
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
                    } else if (WIDE) {
                        WideMicroKernel.kernel(kb, pa, ao + ir * kb, MR, pb, bo + jr * kb, c, ci, n);
                    } else {
                        MicroKernel.kernel(kb, pa, ao + ir * kb, MR, pb, bo + jr * kb, c, ci, n);
                    }
                } else {
                    kernelStore(kb, pa, ao + ir * kb, pb, bo + jr * kb, tile, 0, NR);
                    addTile(tile, ci, rows, cols, overwrite);
                }
            }
        }
    }

    /** C[rows × cols] from {@code ci} (rows n apart) = or += the scratch tile's top-left corner (rows NR apart). */
    private void addTile(float[] tile, int ci, int rows, int cols, boolean overwrite) {
        for (int r = 0; r < rows; r++) {
            int dst = ci + r * n;
            for (int j = 0; j < cols; j++) {
                c[dst + j] = overwrite ? tile[r * NR + j] : c[dst + j] + tile[r * NR + j];
            }
        }
    }

    private static void kernelStore(int kb, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc) {
        if (WIDE) {
            WideMicroKernel.kernelStore(kb, pa, ao, MR, pb, bo, c, co, ldc);
        } else {
            MicroKernel.kernelStore(kb, pa, ao, MR, pb, bo, c, co, ldc);
        }
    }

    /**
     * All threads on one product, each on whole strips of C: strips of columns or of rows ({@link #inColumns}). op(A)
     * is read in place ({@link #multiplyBlockInPlaceA}); in strips of rows all of op(B) is packed once into the
     * caller's workspace, the threads sharing the work one B panel of one KC slice at a time, and every thread waits
     * until all panels are there before its first strip; in strips of columns each strip packs its own part of op(B),
     * one KC slice at a time, and multiplies it at once while it is in L1 and L2 — the sequential path's loops on a
     * part of C. (Until session 18 every thread packed all of op(B) for its strips of rows: for W1's X·W₁ᵀ at batch 512
     * a transposing pack of 200K values, 67 µs on each thread; shared, W1's step at batch 512 took 0.034 ms less, the
     * change toggled in one JVM, BENCHMARKS.md, issue 21, session 18.) Each thread takes the strips of its own block of
     * C first (part p: strips p·per to (p+1)·per − 1), then those the other parts have not taken yet, so that at every
     * call of a shape the same core works on the same part of C, and two threads rarely write the same cache line of C.
     * The two cores here share no cache (a cache line written on one and read on the other took 230 ns one way), and a
     * step's operands come from the products and the optimizer's passes before it: with strips handed out from one
     * counter (0, per, 1, per + 1 ...), which core took which strip depended on which came first, and W1's step at
     * batch 512, toggled in one JVM, took 0.018–0.032 ms longer, its optimizer phase 15–19 µs (session 19).
     *
     * <p>It replaced a two-phase scheme (all threads pack all of both operands into shared buffers, then all compute
     * blocks of C), which packed 1.2 MB for W1's 128×784·(256×784)ᵀ and then read it back from L3 after a barrier,
     * spent a large part of the product packing, and left most blocks to one thread (BENCHMARKS.md, implementation
     * notes). Until session 15 each thread also packed all of op(A) (strips of columns) or its strip of it (rows).
     * In strips of columns, a last panel of op(A) of fewer than MR rows is packed once per thread for every KC slice
     * and kept for its later strips: packed per strip, a gather of 4 values from each of 512 rows of Aᵀ, W1's
     * weight gradient at batch 512 spent 3-5% of its time there (session 16).
     */
    void computeParallel(WorkerPool pool, int threads) {
        int kBlocks = ceilDiv(k, KC);
        int kc = ceilDiv(k, kBlocks);
        boolean columns = inColumns(m, n, threads);
        // columns: strips of STRIP_PANELS B panels; rows: strips of MR-multiples, between 2·MR and MC, ~4 per thread
        int width = columns ? STRIP_PANELS * NR
                : Math.max(2 * MR, Math.min(MC, roundUp(ceilDiv(m, STRIPS_PER_THREAD * threads), MR)));
        int strips = ceilDiv(columns ? n : m, width);
        int per = ceilDiv(strips, threads);
        int nPad = roundUp(n, NR);
        // rows: all of op(B), every KC slice, packed once into the caller's workspace by whichever threads are there,
        // one B panel of one slice at a time
        float[] shared = columns ? null : VectorWorkspace.get().packedB(nPad * k);
        int panels = nPad / NR;
        int units = columns ? 0 : kBlocks * panels;
        // per part: the next of its own strips not yet taken
        AtomicIntegerArray own = new AtomicIntegerArray(threads);
        for (int q = 0; q < threads; q++) {
            own.set(q, q * per);
        }
        AtomicInteger packNext = new AtomicInteger();
        AtomicInteger packDone = new AtomicInteger();
        pool.run(threads, part -> {
            VectorWorkspace ws = VectorWorkspace.get();
            float[] pb = null; // rows: the shared op(B); columns: one KC slice of the strip's part
            float[] pa = null; // a last panel of op(A) of fewer than MR rows (columns: of every KC slice)
            boolean aPacked = false; // columns: that panel packed, by this thread's first strip
            for (int u; (u = packNext.getAndIncrement()) < units; ) {
                int pc = u / panels * kc;
                int jr = u % panels * NR;
                int kb = Math.min(kc, k - pc);
                try {
                    packB(shared, pc * nPad + jr * kb, jr, Math.min(NR, n - jr), pc, kb);
                } finally {
                    packDone.incrementAndGet(); // even on an error, which run rethrows: no thread waits forever
                }
            }
            while (packDone.get() < units) {
                Thread.onSpinWait(); // the last panels, being packed by the other threads
            }
            // this part's own strips first, then those of the other parts not yet taken, part after part
            for (int q = part, s; q < part + threads; ) {
                int owner = q % threads;
                if ((s = own.getAndIncrement(owner)) >= Math.min(strips, (owner + 1) * per)) {
                    q++;
                    continue;
                }
                if (pb == null) {
                    pa = ws.packedA(MR * (columns ? k : kc));
                    pb = columns ? ws.packedB(width * kc) : shared;
                }
                int s0 = s * width;
                int sb = Math.min(width, (columns ? n : m) - s0);
                for (int pc = 0; pc < k; pc += kc) {
                    int kb = Math.min(kc, k - pc);
                    boolean overwrite = pc == 0 && !accumulate;
                    if (columns) {
                        packB(pb, 0, s0, sb, pc, kb);
                        multiplyBlockInPlaceA(pa, pc * MR, aPacked, pb, 0, 0, m, s0, sb, pc, kb, ws.tile, overwrite);
                    } else {
                        multiplyBlockInPlaceA(pa, 0, false, pb, pc * nPad, s0, sb, 0, n, pc, kb, ws.tile, overwrite);
                    }
                }
                aPacked = columns;
            }
        });
    }

    /**
     * Whether a parallel product goes in strips of columns rather than of rows: when op(A) is the smaller operand
     * (m ≤ n), and also when op(B) is wide enough for at least four strips of columns per thread. In strips of
     * columns each thread packs only its own columns of op(B) but reads all of op(A), once per strip; in strips of
     * rows all of op(B) is packed once and read by every thread, and each thread reads only its rows of op(A). The
     * two cores here share no cache, so what decides is which operand the other core wrote last. Before session 19
     * only m ≤ n went in columns; W1's X·W₁ᵀ at batch 512 (512×256×784: X the input batch, Bᵀ a transposing pack of
     * W₁) took 731–751 µs alone in rows and 615–643 in columns, and the step 0.11–0.15 ms less (toggled in one JVM).
     * With two strips per thread 512×128×256 also ran faster alone in columns (117 → 100 µs), but in the step, where
     * op(A) is the hidden layer the previous passes wrote row by row on both cores, the step was 0.016–0.035 ms
     * slower than in rows; 1152×128×1152 (1261 → 1550 µs) and 2048×64×576 (one strip per thread, 514 → 674) were
     * slower alone too (BENCHMARKS.md, issue 21, session 19).
     */
    static boolean inColumns(int m, int n, int threads) {
        int perThread = ceilDiv(n, STRIP_PANELS * NR) / threads;
        return m <= n || perThread >= 4;
    }

    /**
     * {@link #multiplyBlock} for C[i0:i0+mb, j0:j0+nb] with op(A) read in place rather than packed: whole 6-row
     * panels go through the in-place kernels ({@link WideMicroKernel#kernelRows} for A; for Aᵀ the panel kernel
     * {@link WideMicroKernel#kernel} with Aᵀ's row length as its stride), a last panel of fewer rows is packed into
     * {@code pa} from {@code pao} (unless {@code aPacked}: already there, from an earlier strip of columns of the same
     * KC slice) and goes through {@link #multiplyBlock}. The same multiply-adds in the same order as with A packed,
     * so the same bits.
     *
     * <p>Why: in a parallel product every thread packed all of op(A) (strips of columns) or its row strip of it, and
     * packing A row by row is a scalar gather from six rows; W1's step at batch 512 spent 12% of its time there.
     * Reading A in place, W1's step at batch 512 ran 10% faster (2.96 against 2.67 ms, the change toggled in one
     * JVM), at batch 128 2%, and the 1024³ product 6% faster (BENCHMARKS.md, issue 21, session 15).
     */
    void multiplyBlockInPlaceA(float[] pa, int pao, boolean aPacked, float[] pb, int bo, int i0, int mb, int j0,
                               int nb, int p0, int kb, float[] tile, boolean overwrite) {
        int whole = mb / MR * MR;
        // op(A)[i, p] in place: a[i·k + p] (rows k apart), or a[p·m + i] for Aᵀ (each p's 6 values contiguous)
        int lda = transA ? m : k;
        for (int jr = 0; jr < nb; jr += NR) {
            int cols = Math.min(NR, nb - jr);
            for (int ir = 0; ir < whole; ir += MR) {
                int ai = aOffset + (transA ? p0 * m + i0 + ir : (i0 + ir) * k + p0);
                int ci = cOffset + (i0 + ir) * n + j0 + jr;
                if (cols < NR) {
                    inPlaceA(true, kb, ai, lda, pb, bo + jr * kb, tile, 0, NR);
                    addTile(tile, ci, MR, cols, overwrite);
                } else {
                    inPlaceA(overwrite, kb, ai, lda, pb, bo + jr * kb, c, ci, n);
                }
            }
        }
        if (whole < mb) {
            if (!aPacked) {
                packA(pa, pao, i0 + whole, mb - whole, p0, kb);
            }
            multiplyBlock(pa, pao, pb, bo, i0 + whole, mb - whole, j0, nb, kb, tile, overwrite);
        }
    }

    /** The in-place kernel of this width and transpose of A, storing the tile or adding it to C. */
    private void inPlaceA(boolean store, int kb, int ao, int lda, float[] pb, int bo, float[] cs, int co, int ldc) {
        if (WIDE) {
            if (transA) {
                if (store) {
                    WideMicroKernel.kernelStore(kb, a, ao, lda, pb, bo, cs, co, ldc);
                } else {
                    WideMicroKernel.kernel(kb, a, ao, lda, pb, bo, cs, co, ldc);
                }
            } else if (store) {
                WideMicroKernel.kernelStoreRows(kb, a, ao, lda, pb, bo, cs, co, ldc);
            } else {
                WideMicroKernel.kernelRows(kb, a, ao, lda, pb, bo, cs, co, ldc);
            }
        } else if (transA) {
            if (store) {
                MicroKernel.kernelStore(kb, a, ao, lda, pb, bo, cs, co, ldc);
            } else {
                MicroKernel.kernel(kb, a, ao, lda, pb, bo, cs, co, ldc);
            }
        } else if (store) {
            MicroKernel.kernelStoreRows(kb, a, ao, lda, pb, bo, cs, co, ldc);
        } else {
            MicroKernel.kernelRows(kb, a, ao, lda, pb, bo, cs, co, ldc);
        }
    }

    /**
     * Packs op(A)[i0:i0+mb, p0:p0+kb] (now only a last panel of fewer than MR rows: whole panels are read in place)
     * into MR-high panels from {@code pa[d]}: panel q holds, for p = 0..kb−1,
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
                if (cols == NR && WIDE) {
                    for (int p = 0; p < kb; p++, s += n, d += NR) {
                        System.arraycopy(b, s, pb, d, NR);
                    }
                } else if (cols == NR) {
                    for (int p = 0; p < kb; p++, s += n, d += NR) {
                        FloatVector.fromArray(FloatVector.SPECIES_256, b, s).intoArray(pb, d);
                        FloatVector.fromArray(FloatVector.SPECIES_256, b, s + 8).intoArray(pb, d + 8);
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
