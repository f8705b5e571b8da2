package polyhead.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayMath}'s loops with 256-bit vectors ({@code jdk.incubator.vector}): 8 floats per operation, the last
 * {@code n mod 8} one by one; the scaled sum multiplies, then adds (no FMA), as the scalar loop. Loaded only when the
 * module is enabled.
 */
final class VectorArrayMath implements ArrayMath.Kernels {
    /** The width of every other kernel ({@link PackedProduct#WIDE}): mixing widths in one JVM slows all of them. */
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final VectorSpecies<Integer> I = PackedProduct.WIDE ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final int L = S.length();
    /** Each lane with its neighbour in the pair: lane 2i gets lane 2i + 1 (and the reverse). */
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(S, i -> i ^ 1);
    private static final VectorShuffle<Integer> SWAP_I = VectorShuffle.fromOp(I, i -> i ^ 1);
    /** The even lanes to the low half (and again to the high half). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i % S.length());
    private static final VectorShuffle<Integer> EVEN_I = VectorShuffle.fromOp(I, i -> 2 * i % I.length());
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, (1L << L) - (1L << L / 2));
    private static final VectorMask<Integer> HIGH_I = VectorMask.fromLong(I, (1L << L) - (1L << L / 2));
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);
    /**
     * Doubles in a vector as wide as {@link #S}: each float vector converts to two of them (parts 0 and 1). The floats
     * are read with {@link #S} itself: a second float width in the same JVM makes C2 give up intrinsics in the
     * other kernels (seen as a training step that allocated 134 KB of boxed vectors).
     */
    private static final VectorSpecies<Double> D =
            PackedProduct.WIDE ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;

    @Override
    public void addBias(float[] y, int yo, int rows, int cols, int ld, float[] bias, int bo, boolean relu) {
        for (int r = 0; r < rows; r++) {
            int o = yo + r * ld;
            int j = 0;
            // two loops rather than a test per vector: C2 keeps the vectors of each in registers
            if (relu) {
                for (; j <= cols - L; j += L) {
                    FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, bias, bo + j)).max(0f)
                            .intoArray(y, o + j);
                }
                for (; j < cols; j++) {
                    y[o + j] = Math.max(y[o + j] + bias[bo + j], 0f);
                }
            } else {
                for (; j <= cols - L; j += L) {
                    FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, bias, bo + j)).intoArray(y, o + j);
                }
                for (; j < cols; j++) {
                    y[o + j] += bias[bo + j];
                }
            }
        }
    }

    @Override
    public void reluMask(float[] g, float[] y, float[] out, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            // ArrayMath.passWhereNotZero on the lanes' bits
            IntVector b = FloatVector.fromArray(S, y, i).reinterpretAsInts();
            IntVector pass = b.or(b.neg()).lanewise(VectorOperators.ASHR, 31);
            FloatVector.fromArray(S, g, i).reinterpretAsInts().and(pass).reinterpretAsFloats().intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = ArrayMath.passWhereNotZero(g[i], y[i]);
        }
    }

    @Override
    public void sumColumns(float[] g, int rows, int cols, int j0, int j1, float[] out) {
        int j = j0;
        double[] sums = new double[L];
        // L columns at a time down all the rows, their sums in two vectors of doubles: each column's sum in row order
        for (; j <= j1 - L; j += L) {
            DoubleVector s0 = DoubleVector.zero(D);
            DoubleVector s1 = DoubleVector.zero(D);
            for (int r = 0, o = j; r < rows; r++, o += cols) {
                FloatVector x = FloatVector.fromArray(S, g, o);
                s0 = s0.add(widen(x, 0));
                s1 = s1.add(widen(x, 1));
            }
            s0.intoArray(sums, 0);
            s1.intoArray(sums, L / 2);
            for (int t = 0; t < L; t++) {
                out[j + t] = (float) sums[t];
            }
        }
        for (; j < j1; j++) {
            double s = 0;
            for (int r = 0, o = j; r < rows; r++, o += cols) {
                s += g[o];
            }
            out[j] = (float) s;
        }
    }

    @Override
    public double dotDouble(float[] a, int ao, float[] b, int bo, int n) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + i);
            FloatVector y = FloatVector.fromArray(S, b, bo + i);
            // a product of two floats is exact in double, so the fused multiply-add rounds only the sum
            s0 = widen(x, 0).fma(widen(y, 0), s0);
            s1 = widen(x, 1).fma(widen(y, 1), s1);
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += (double) a[ao + i] * b[bo + i];
        }
        return s;
    }

    private static DoubleVector widen(FloatVector x, int part) {
        return (DoubleVector) x.convertShape(VectorOperators.F2D, D, part);
    }

    @Override
    public void weightedSum(float[][] v, double[] a, int n, float[] out) {
        int k = 0;
        for (; k <= n - L; k += L) {
            DoubleVector s0 = DoubleVector.zero(D);
            DoubleVector s1 = DoubleVector.zero(D);
            for (int t = 0; t < v.length; t++) {
                if (v[t] != null && a[t] != 0) {
                    FloatVector x = FloatVector.fromArray(S, v[t], k);
                    s0 = s0.add(widen(x, 0).mul(a[t]));
                    s1 = s1.add(widen(x, 1).mul(a[t]));
                }
            }
            FloatVector low = (FloatVector) s0.convertShape(VectorOperators.D2F, S, 0);
            FloatVector high = (FloatVector) s1.convertShape(VectorOperators.D2F, S, -1);
            low.blend(high, HIGH).intoArray(out, k);
        }
        for (; k < n; k++) {
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
    public void add(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] += src[s + i];
        }
    }

    @Override
    public void addScaled(float[] dst, int d, float[] src, int s, int n, float a) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i).mul(a))
                    .intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] += a * src[s + i];
        }
    }

    /**
     * Windows {@code [k, k + 8)} of the outputs, from the two rows at {@code x[i0 ...]} and {@code x[i0 + w ...]}: in
     * a method of its own so that no vector lives across a loop or a branch, and with the comparisons written out,
     * because on JDK 17 C2 boxes a vector or mask that crosses a loop, a branch or a call it does not inline (a helper
     * returning the "beats" mask made this kernel slower than the scalar loop). Lanes 0-3 of the result come
     * from the 8 inputs per row at i0 ("lo"), lanes 4-7 from the 8 after them ("hi").
     */
    private static void poolBlock(float[] x, int i0, int w, int shift, float[] out, int[] argmax, int k, float floor) {
        IntVector loAt = IOTA.add(i0 + shift);
        IntVector hiAt = loAt.add(L);
        // in each row, the odd lane of a pair takes the even one's place where greater or NaN
        FloatVector r = FloatVector.fromArray(S, x, i0);
        FloatVector rs = r.rearrange(SWAP);
        VectorMask<Float> m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector loTop = r.blend(rs, m);
        IntVector loTopAt = loAt.blend(loAt.rearrange(SWAP_I), m.cast(I));
        r = FloatVector.fromArray(S, x, i0 + w);
        rs = r.rearrange(SWAP);
        m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector loBottom = r.blend(rs, m);
        IntVector loBottomAt = loAt.add(w).blend(loAt.add(w).rearrange(SWAP_I), m.cast(I));
        r = FloatVector.fromArray(S, x, i0 + L);
        rs = r.rearrange(SWAP);
        m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector hiTop = r.blend(rs, m);
        IntVector hiTopAt = hiAt.blend(hiAt.rearrange(SWAP_I), m.cast(I));
        r = FloatVector.fromArray(S, x, i0 + L + w);
        rs = r.rearrange(SWAP);
        m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector hiBottom = r.blend(rs, m);
        IntVector hiBottomAt = hiAt.add(w).blend(hiAt.add(w).rearrange(SWAP_I), m.cast(I));
        // then the bottom row's winner takes the top row's place on the same condition
        m = loBottom.compare(VectorOperators.GT, loTop).or(loBottom.test(VectorOperators.IS_NAN));
        FloatVector lo = loTop.blend(loBottom, m);
        IntVector loArg = loTopAt.blend(loBottomAt, m.cast(I));
        m = hiBottom.compare(VectorOperators.GT, hiTop).or(hiBottom.test(VectorOperators.IS_NAN));
        FloatVector hi = hiTop.blend(hiBottom, m);
        IntVector hiArg = hiTopAt.blend(hiBottomAt, m.cast(I));
        // the winners sit in the even lanes
        lo.rearrange(EVEN).blend(hi.rearrange(EVEN), HIGH).max(floor).intoArray(out, k);
        loArg.rearrange(EVEN_I).blend(hiArg.rearrange(EVEN_I), HIGH_I).intoArray(argmax, k);
    }

    /**
     * {@link #poolBlock} on L/2 windows, one vector of each row (rows of L/2 to L − 1 windows: W2's first layer at
     * 512 bits, 14, went one window at a time): the winners of its windows in the first L/2 lanes of {@code out} and
     * {@code argmax} from {@code k}, and a copy of them in the next L/2 lanes, which the caller overwrites.
     */
    private static void poolHalfBlock(float[] x, int i0, int w, int shift, float[] out, int[] argmax, int k,
                                      float floor) {
        IntVector at = IOTA.add(i0 + shift);
        FloatVector r = FloatVector.fromArray(S, x, i0);
        FloatVector rs = r.rearrange(SWAP);
        VectorMask<Float> m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector top = r.blend(rs, m);
        IntVector topAt = at.blend(at.rearrange(SWAP_I), m.cast(I));
        r = FloatVector.fromArray(S, x, i0 + w);
        rs = r.rearrange(SWAP);
        m = rs.compare(VectorOperators.GT, r).or(rs.test(VectorOperators.IS_NAN));
        FloatVector bottom = r.blend(rs, m);
        IntVector bottomAt = at.add(w).blend(at.add(w).rearrange(SWAP_I), m.cast(I));
        m = bottom.compare(VectorOperators.GT, top).or(bottom.test(VectorOperators.IS_NAN));
        top.blend(bottom, m).rearrange(EVEN).max(floor).intoArray(out, k);
        topAt.blend(bottomAt, m.cast(I)).rearrange(EVEN_I).intoArray(argmax, k);
    }

    /**
     * {@link ArrayMath#exp(double)} on whole vectors of doubles, the same operations in the same order in each lane;
     * the last values (fewer than a vector) go through the scalar {@link ArrayMath#exp(double)}, which does the same
     * operations (a masked load and store would, on JDK 17, run lane by lane in Java; a zero-padded copy allocated). All in the loop's body, the polynomial unrolled: a vector passed to
     * or returned from a helper that C2 does not inline is boxed (seen as a training step allocating 35 KB), and so
     * can one carried through a loop. {@link ArrayMath#EXP_TAYLOR} has 14 coefficients.
     */
    @Override
    public void exp(double[] x, int from, int to) {
        double[] c = ArrayMath.EXP_TAYLOR;
        int i = from;
        for (; i <= to - D.length(); i += D.length()) {
            DoubleVector xc = DoubleVector.fromArray(D, x, i).min(ArrayMath.EXP_MAX).max(ArrayMath.EXP_MIN);
            DoubleVector t = xc.fma(ArrayMath.LOG2_E, ArrayMath.EXP_SHIFTER);
            DoubleVector k = t.sub(ArrayMath.EXP_SHIFTER).neg();
            DoubleVector r = k.fma(DoubleVector.broadcast(D, ArrayMath.LN2_HI), xc);
            r = k.fma(DoubleVector.broadcast(D, ArrayMath.LN2_LO), r);
            // Horner's steps written out: with a loop over the coefficients C2 sometimes boxed the vector at every
            // step (a training step then allocated 437 KB, ArenaTest)
            DoubleVector p = r.fma(c[0], c[1]);
            p = p.fma(r, DoubleVector.broadcast(D, c[2]));
            p = p.fma(r, DoubleVector.broadcast(D, c[3]));
            p = p.fma(r, DoubleVector.broadcast(D, c[4]));
            p = p.fma(r, DoubleVector.broadcast(D, c[5]));
            p = p.fma(r, DoubleVector.broadcast(D, c[6]));
            p = p.fma(r, DoubleVector.broadcast(D, c[7]));
            p = p.fma(r, DoubleVector.broadcast(D, c[8]));
            p = p.fma(r, DoubleVector.broadcast(D, c[9]));
            p = p.fma(r, DoubleVector.broadcast(D, c[10]));
            p = p.fma(r, DoubleVector.broadcast(D, c[11]));
            p = p.fma(r, DoubleVector.broadcast(D, c[12]));
            p = p.fma(r, DoubleVector.broadcast(D, c[13]));
            LongVector kl = t.reinterpretAsLongs().sub(ArrayMath.EXP_SHIFTER_BITS);
            LongVector k1 = kl.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = kl.sub(k1);
            p.mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .mul(k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = ArrayMath.exp(x[i]); // the scalar routine: the same operations, so the same bits
        }
    }

    @Override
    public void copyRuns(float[] src, int s, int srcStride, float[] dst, int d, int runs, int len) {
        int r = 0;
        // whole vectors, spilling past the run by less than one run (so the next run overwrites the spill), while
        // the vectors' reads stay inside src; the last run, and any that would read past src's end, exactly
        if (len <= L && 2 * len >= L) {
            for (; r < runs - 1 && s + r * srcStride + L <= src.length; r++) {
                FloatVector.fromArray(S, src, s + r * srcStride).intoArray(dst, d + r * len);
            }
        } else if (len > L && len <= 2 * L) {
            for (; r < runs - 1 && s + r * srcStride + 2 * L <= src.length; r++) {
                int from = s + r * srcStride;
                int to = d + r * len;
                FloatVector.fromArray(S, src, from).intoArray(dst, to);
                FloatVector.fromArray(S, src, from + L).intoArray(dst, to + L);
            }
        }
        for (; r < runs; r++) {
            System.arraycopy(src, s + r * srcStride, dst, d + r * len, len);
        }
    }

    /**
     * Eight windows at a time: two vectors of each of the two rows hold their 16 inputs; in each row a pair's odd
     * lane beats its even lane where greater or NaN (the pair swapped into place by one permute), then the bottom
     * row's winner beats the top row's on the same condition — the scalar loop's order of comparisons, so the same
     * first maximum or last NaN — with the winners' indices blended alongside. The winners sit in the even lanes and
     * are gathered into one vector of outputs and one of indices. A row of at least 8 windows whose count is not a
     * multiple of 8 ends with a block that overlaps the one before (its windows computed twice, the same way);
     * shorter rows go one window at a time.
     */
    @Override
    public void maxPool2x2(float[] x, int xOff, int planes, int h, int w, float[] out, int outOff, int[] argmax,
                           int argBase, boolean relu) {
        int ho = h / 2;
        int wo = w / 2;
        int shift = argBase - xOff;
        // max(v, −∞) is v, NaN and −0 included: the ReLU or nothing, without a branch on a vector
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int p = 0, k = outOff; p < planes; p++) {
            for (int oh = 0; oh < ho; oh++, k += wo) {
                int row = xOff + p * h * w + 2 * oh * w;
                if (wo < L) {
                    if (wo >= L / 2 && (p < planes - 1 || oh < ho - 1)) {
                        // two blocks of L/2 windows, the second overlapping the first; each stores L lanes, whose
                        // upper half spills into the next row's outputs, which that row then overwrites (so not
                        // for the call's last row)
                        poolHalfBlock(x, row, w, shift, out, argmax, k, floor);
                        poolHalfBlock(x, row + 2 * (wo - L / 2), w, shift, out, argmax, k + wo - L / 2, floor);
                    } else {
                        ArrayMath.maxPool2x2Row(x, row, w, 0, wo, out, k, argmax, shift, relu);
                    }
                    continue;
                }
                for (int ow = 0; ; ow += L) {
                    ow = Math.min(ow, wo - L);
                    poolBlock(x, row + 2 * ow, w, shift, out, argmax, k + ow, floor);
                    if (ow == wo - L) {
                        break;
                    }
                }
            }
        }
    }
}
