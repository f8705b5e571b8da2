package polyhead.tensor;

import static polyhead.tensor.DotKernels.dot;
import static polyhead.tensor.VectorGemm.L;
import static polyhead.tensor.VectorGemm.S;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorGemm}'s paths for small shapes, which read the operands in place instead of packing them: thin
 * products one row of C at a time ({@link #rowByRow}, see {@link VectorGemm#THIN}), A·B with few rows of A
 * ({@link #fewRows}) and A·Bᵀ with few rows of B ({@link #fewCols}) by 6- and 4-row register tiles that sweep one
 * 16-column strip of op(B) at a time.
 */
final class InPlaceProduct extends Product {
    /** The width of {@link #fewCols}'s strip for a last 17 to 24 columns. */
    static final int WIDE = 3 * L;
    /** Width of a tile of two 256-bit vectors. */
    static final int NR = 2 * L;

    InPlaceProduct(Product p) {
        super(p);
    }

    /**
     * C[i0:i1, j0:n] of op(A)·B (B not transposed), four rows at a time in blocks of four vectors' width (16
     * accumulators, each of B's four vectors loaded once for the four rows), then the rows' last columns and the
     * last rows one at a time ({@link #rowTail}). Every element is the same chain of fused multiply-adds over k from
     * +0, so the bits do not depend on which loop computes it. One row at a time, a block kept four chains of
     * dependent multiply-adds in flight, fewer than the two FMA pipes need to hide their latency: W1's heads' input
     * gradients (512×128×10 and ×5, k the number of classes) took 21.8 and 14.0 µs alone, four rows at a time 9.7
     * and 6.1 (session 19).
     */
    void rowByRow(int i0, int i1, int j0) {
        int i = i0;
        for (; i + 3 < i1; i += 4) {
            int ci = cOffset + i * n;
            int j = j0;
            for (; j <= n - 4 * L; j += 4 * L) {
                // the four rows written out, as in the micro-kernels: vectors kept in an array or passed to a helper
                // are boxed unless C2 inlines everything (VectorGemm.S)
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                FloatVector t0 = s0;
                FloatVector t1 = s0;
                FloatVector t2 = s0;
                FloatVector t3 = s0;
                FloatVector u0 = s0;
                FloatVector u1 = s0;
                FloatVector u2 = s0;
                FloatVector u3 = s0;
                FloatVector v0 = s0;
                FloatVector v1 = s0;
                FloatVector v2 = s0;
                FloatVector v3 = s0;
                for (int p = 0, bo = bOffset + j; p < k; p++, bo += n) {
                    FloatVector b0 = FloatVector.fromArray(S, b, bo);
                    FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
                    FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
                    FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
                    FloatVector x = FloatVector.broadcast(S, transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p]);
                    s0 = x.fma(b0, s0);
                    s1 = x.fma(b1, s1);
                    s2 = x.fma(b2, s2);
                    s3 = x.fma(b3, s3);
                    x = FloatVector.broadcast(S, transA ? a[aOffset + p * m + i + 1] : a[aOffset + (i + 1) * k + p]);
                    t0 = x.fma(b0, t0);
                    t1 = x.fma(b1, t1);
                    t2 = x.fma(b2, t2);
                    t3 = x.fma(b3, t3);
                    x = FloatVector.broadcast(S, transA ? a[aOffset + p * m + i + 2] : a[aOffset + (i + 2) * k + p]);
                    u0 = x.fma(b0, u0);
                    u1 = x.fma(b1, u1);
                    u2 = x.fma(b2, u2);
                    u3 = x.fma(b3, u3);
                    x = FloatVector.broadcast(S, transA ? a[aOffset + p * m + i + 3] : a[aOffset + (i + 3) * k + p]);
                    v0 = x.fma(b0, v0);
                    v1 = x.fma(b1, v1);
                    v2 = x.fma(b2, v2);
                    v3 = x.fma(b3, v3);
                }
                store(s0, ci + j);
                store(s1, ci + j + L);
                store(s2, ci + j + 2 * L);
                store(s3, ci + j + 3 * L);
                store(t0, ci + n + j);
                store(t1, ci + n + j + L);
                store(t2, ci + n + j + 2 * L);
                store(t3, ci + n + j + 3 * L);
                store(u0, ci + 2 * n + j);
                store(u1, ci + 2 * n + j + L);
                store(u2, ci + 2 * n + j + 2 * L);
                store(u3, ci + 2 * n + j + 3 * L);
                store(v0, ci + 3 * n + j);
                store(v1, ci + 3 * n + j + L);
                store(v2, ci + 3 * n + j + 2 * L);
                store(v3, ci + 3 * n + j + 3 * L);
            }
            for (int r = 0; j < n && r < 4; r++) {
                rowTail(i + r, j);
            }
        }
        for (; i < i1; i++) {
            rowTail(i, j0);
        }
    }

    /** Row i of C from column j0 on: blocks of four vectors' width, then of one, then single columns. */
    private void rowTail(int i, int j0) {
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

    /**
     * The whole product A·B (neither transposed, 4 ≤ m ≤ {@link #FEW_MAX_M}) with B read in place: for each
     * 16-column strip of C, tiles of 6 rows (4 where 6 would leave a remainder of 2, as for m = 8 or 10) sum over
     * all of k in 12 (8) vector registers, reading the strip's k×16 floats of B, which stay in L1 across tiles.
     * Rows beyond the last full tile (at most 3) and the last n mod 16 columns go {@link #rowByRow}.
     */
    void fewRows(VectorWorkspace ws) {
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

    /**
     * The whole product A·Bᵀ (A not transposed, n ≤ {@link #FEW_MAX_N}): for each strip of C's columns, the
     * strip of op(B) (k×16, or k×24 for a last 17 to 24 columns, B's rows side by side, zero-padded) is written
     * once, then every row tile of A is read in place against it ({@link #tiles}: 6 and 4 rows; 24-wide strips
     * {@link #rows4x24}); a strip wider than what is left of C goes through a scratch tile. Rows beyond the last
     * tile (at most 3) are dot products. The 24-wide strip is for 20 output channels: in 16 + 16 columns only 20
     * of 32 lanes work, in 24 columns 20 of 24.
     */
    void fewCols(VectorWorkspace ws) {
        int tiled16 = tiledRows();
        int tiled24 = m - m % 4;
        float[] strip = ws.strip(k * WIDE);
        for (int j0 = 0; j0 < n; ) {
            int left = n - j0;
            if (left <= L) {
                oneVector(ws, j0, left);
                break;
            }
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

    /**
     * The last {@code cols} ≤ L columns of A·Bᵀ from column {@code j0}: B's rows side by side in a one-vector strip
     * (zero-padded), 8 rows of A at a time into a scratch tile, the rows that {@link #tiledRows} leaves (at most 3)
     * as dot products, as in the two-vector strips: the same sums, so the same bits. For a head of 10 or 5 classes
     * at 512 bits the two-vector strip kept 10 (or 5) of 32 lanes busy.
     */
    private void oneVector(VectorWorkspace ws, int j0, int cols) {
        float[] strip = ws.strip(k * L);
        for (int j = 0; j < cols; j++) {
            for (int p = 0, src = bOffset + (j0 + j) * k; p < k; p++) {
                strip[p * L + j] = b[src + p];
            }
        }
        for (int p = 0; cols < L && p < k; p++) {
            Arrays.fill(strip, p * L + cols, (p + 1) * L, 0f);
        }
        float[] tile = ws.rowsTile(8 * L);
        int tiled = tiledRows(); // the rows the two-vector tiles cover, so that the same rows are dot products
        int i = 0;
        for (int rows; (rows = Math.min(8, tiled - i)) > 0; i += rows) {
            rows8x1(aOffset + i * k, rows, strip, tile);
            for (int r = 0; r < rows; r++) {
                int ci = cOffset + (i + r) * n + j0;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = accumulate ? c[ci + j] + tile[r * L + j] : tile[r * L + j];
                }
            }
        }
        for (; i < m; i++) {
            for (int j = j0; j < j0 + cols; j++) {
                float s = dot(k, a, aOffset + i * k, b, bOffset + j * k);
                int e = cOffset + i * n + j;
                c[e] = accumulate ? c[e] + s : s;
            }
        }
    }

    /**
     * The 8×L tile {@code tile[0...]} = 8 rows of A from {@code a[a0...]} times the k×L strip {@code bs[0...]}; with
     * {@code rows} &lt; 8 the last row is repeated in the tile's rows below it (multiplied, not used).
     */
    private void rows8x1(int a0, int rows, float[] bs, float[] tile) {
        int a1 = a0 + Math.min(1, rows - 1) * k;
        int a2 = a0 + Math.min(2, rows - 1) * k;
        int a3 = a0 + Math.min(3, rows - 1) * k;
        int a4 = a0 + Math.min(4, rows - 1) * k;
        int a5 = a0 + Math.min(5, rows - 1) * k;
        int a6 = a0 + Math.min(6, rows - 1) * k;
        int a7 = a0 + Math.min(7, rows - 1) * k;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        for (int p = 0, bo = 0; p < k; p++, bo += L) {
            FloatVector v = FloatVector.fromArray(S, bs, bo);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(v, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(v, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(v, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(v, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(v, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(v, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(v, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(v, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
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

    /** cs[ci..ci+L) = v, or += v when {@code add}. */
    private static void put(FloatVector v, float[] cs, int ci, boolean add) {
        (add ? v.add(FloatVector.fromArray(S, cs, ci)) : v).intoArray(cs, ci);
    }

    /** c[ci..ci+L) = v, or += v when accumulating. */
    private void store(FloatVector v, int ci) {
        (accumulate ? v.add(FloatVector.fromArray(S, c, ci)) : v).intoArray(c, ci);
    }

}
