package polyhead.tensor;

import static polyhead.tensor.DotKernels.DR;
import static polyhead.tensor.DotKernels.DW;
import static polyhead.tensor.DotKernels.WIDE_DOTS;
import static polyhead.tensor.DotKernels.dot;
import static polyhead.tensor.DotKernels.dot3x3;
import static polyhead.tensor.DotKernels.dot3x5;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link VectorGemm}'s path for {@code C = A·Bᵀ} with few rows of A or of B and a long inner dimension (see
 * {@link VectorGemm#DOT_MAX_M}): every element of C is the dot product of a row of A and a row of B, both contiguous,
 * so neither operand is packed. In blocks of {@link DotKernels}, on one thread ({@link #dots}) or on all
 * ({@link #computeParallel}).
 */
final class DotProduct extends Product {
    /** Depth of the dot path's k blocks (floats): 3 rows of A and of B stay in L1. */
    static final int KD = 1024;
    /** Tasks per thread of the parallel dot path: enough to even out a slow or busy core, few enough to stay cheap. */
    private static final int TASKS_PER_THREAD = 8;

    DotProduct(Product p) {
        super(p);
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
                        dot3x5(kb, a, aOffset + i * k + pc, k, b, bOffset + j * k + pc, k, c,
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
                        dot3x3(kb, a, aOffset + i * k + pc, k, b, bOffset + j * k + pc, k,
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

    /** The dot-product path over all threads: tasks are ranges of B's rows (columns of C). */
    void computeParallel(WorkerPool pool, int threads) {
        // ranges of whole blocks: of 5 columns where the wide blocks run (a range that cut them would run as 3×3)
        int unit = WIDE_DOTS ? DW : DR;
        int tasks = Math.min(ceilDiv(n, unit), TASKS_PER_THREAD * threads);
        int step = roundUp(ceilDiv(n, tasks), unit);
        int count = ceilDiv(n, step);
        AtomicInteger next = new AtomicInteger();
        pool.run(threads, part -> {
            for (int t; (t = next.getAndIncrement()) < count; ) {
                dots(t * step, Math.min(n, (t + 1) * step));
            }
        });
    }
}
