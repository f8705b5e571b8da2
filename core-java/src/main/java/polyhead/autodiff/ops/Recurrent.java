package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * One direction of one recurrent layer (LSTM, GRU) over a whole batch of sequences, as one fused node with a
 * hand-written backward pass through time. The layouts and equations are PyTorch's ({@code torch.nn.LSTM},
 * {@code torch.nn.GRU}), so that weights import one to one.
 *
 * <p>The input x is [B, T, F] (batch first). The input projection of all time steps is one matrix product
 * [B·T, F]·W_ihᵀ; only the hidden projection h·W_hhᵀ runs step by step, for the whole batch at once. In backward the
 * weight gradients are again one product each over all steps. The sequences of a batch are independent, so the
 * steps run on ranges of the batch in parallel over the cores, each range with its own hidden products
 * ({@code Dims.forRows}).
 *
 * <p><b>Lengths</b> ({@code lengths[b]} in [1, T], or null for all T) follow {@code pack_padded_sequence}: sequence
 * b reads steps 0 … len−1 (the reverse direction reads them from len−1 down to 0, i.e. it starts at the sequence's
 * last valid step, not at the padding), the output at padded steps is 0, and the final state is the state after the
 * sequence's last step read. Steps are taken for the whole batch; a sequence that has ended keeps its state.
 *
 * <p>The node's value packs the output sequence [B, T, H] with the final states as extra time rows
 * ([B, T+2, H] for an LSTM: output, h, c; [B, T+1, H] for a GRU: output, h); the results returned are slices of it.
 */
public final class Recurrent {
    private Recurrent() {
    }

    /** An LSTM direction's results: the output sequence [B, T, H] and the final states h and c, each [B, H]. */
    public record LstmResult(Var output, Var h, Var c) {
    }

    /** A GRU direction's results: the output sequence [B, T, H] and the final state h [B, H]. */
    public record GruResult(Var output, Var h) {
    }

    /**
     * One LSTM direction (Hochreiter &amp; Schmidhuber, 1997, with the forget gate of Gers et al., 2000), in PyTorch's
     * form and gate order i, f, g, o: with a = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh split into four blocks of H,
     * i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
     *
     * @param x       [B, T, F]
     * @param wIh     [4H, F]
     * @param wHh     [4H, H]
     * @param bIh     [4H]
     * @param bHh     [4H]
     * @param h0      initial hidden state [B, H], or null for zeros
     * @param c0      initial cell state [B, H], or null for zeros
     * @param lengths the valid steps of each sequence (B values in [1, T]), or null for all T
     * @param reverse read each sequence from its last valid step to its first
     */
    public static LstmResult lstm(Var x, Var wIh, Var wHh, Var bIh, Var bHh, Var h0, Var c0, int[] lengths,
                                  boolean reverse) {
        Dims d = Dims.check("lstm", 4, x, wIh, wHh, bIh, bHh, lengths, reverse);
        int b = d.batch;
        int t = d.time;
        int h = d.hidden;
        float[] xp = d.inputProjection(x, wIh, bIh, bHh);
        float[] hs = d.states("h0", h0);
        float[] cs = d.states("c0", c0);
        // by step: the activated gates i, f, g, o and tanh(c_t), for backward (rows of ended sequences unused)
        float[] gates = Arena.floatsToOverwrite(t * b * d.gates);
        float[] tanhC = Arena.floatsToOverwrite(t * b * h);
        float[] packed = Arena.floats(b * d.packedRows * h);
        float[] whh = wHh.value().data();
        d.forward(whh, hs, cs, gates, (row, xrow, orow, hp) -> {
            int hn = hp + b * h;
            for (int j = 0; j < h; j++) {
                float i = sigmoid(gates[row + j] + xp[xrow + j]);
                float f = sigmoid(gates[row + h + j] + xp[xrow + h + j]);
                float gg = tanh(gates[row + 2 * h + j] + xp[xrow + 2 * h + j]);
                float o = sigmoid(gates[row + 3 * h + j] + xp[xrow + 3 * h + j]);
                float c = f * cs[hp + j] + i * gg;
                float tc = tanh(c);
                float hv = o * tc;
                tanhC[hp + j] = tc;
                gates[row + j] = i;
                gates[row + h + j] = f;
                gates[row + 2 * h + j] = gg;
                gates[row + 3 * h + j] = o;
                cs[hn + j] = c;
                hs[hn + j] = hv;
                packed[orow + j] = hv;
            }
        });
        d.packFinal(packed, hs, t);
        d.packFinal(packed, cs, t + 1);
        Tensor value = Tensor.wrap(Shape.of(b, d.packedRows, h), packed);
        Var node = Var.result(value, reverse ? "lstmReverse" : "lstm", grad -> {
            float[] go = grad.data();
            float[] dh = d.finalGradient(go, t);
            float[] dc = d.finalGradient(go, t + 1);
            float[] dStep = Arena.floats(t * b * d.gates); // pre-activation gradients by step; 0 for ended sequences
            float[] dTime = Arena.floats(b * t * d.gates); // the same by time step, as x's rows; 0 at padding
            d.backward(whh, dh, dStep, (row, trow, orow, hp, carry) -> {
                int off = hp % (b * h);
                for (int j = 0; j < h; j++) {
                    float i = gates[row + j];
                    float f = gates[row + h + j];
                    float gg = gates[row + 2 * h + j];
                    float o = gates[row + 3 * h + j];
                    float tc = tanhC[hp + j];
                    float dhj = dh[off + j] + go[orow + j];
                    float dcj = dc[off + j] + dhj * o * (1 - tc * tc);
                    dStep[row + j] = dcj * gg * i * (1 - i);
                    dStep[row + h + j] = dcj * cs[hp + j] * f * (1 - f);
                    dStep[row + 2 * h + j] = dcj * i * (1 - gg * gg);
                    dStep[row + 3 * h + j] = dhj * tc * o * (1 - o);
                    dc[off + j] = dcj * f;
                    carry[off + j] = 0;
                }
                System.arraycopy(dStep, row, dTime, trow, d.gates);
            });
            d.inputGradients(x, wIh, bIh, dTime);
            d.hiddenGradients(wHh, bHh, dStep, dTime, hs);
            d.stateGradient(h0, dh);
            d.stateGradient(c0, dc);
        }, parents(x, wIh, wHh, bIh, bHh, h0, c0));
        return new LstmResult(d.outputOf(node), d.finalOf(node, d.time), d.finalOf(node, d.time + 1));
    }

    /**
     * One GRU direction (Cho et al., 2014), in PyTorch's form and gate order r, z, n: with a = W_ih·x_t + b_ih and
     * u = W_hh·h_{t−1} + b_hh split into three blocks of H, r = σ(a_r + u_r), z = σ(a_z + u_z),
     * n = tanh(a_n + r ⊙ u_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. (The paper applies r before the product with W_hn;
     * PyTorch, and so Polyhead, after it.)
     *
     * @param x       [B, T, F]
     * @param wIh     [3H, F]
     * @param wHh     [3H, H]
     * @param bIh     [3H]
     * @param bHh     [3H]
     * @param h0      initial hidden state [B, H], or null for zeros
     * @param lengths the valid steps of each sequence (B values in [1, T]), or null for all T
     * @param reverse read each sequence from its last valid step to its first
     */
    public static GruResult gru(Var x, Var wIh, Var wHh, Var bIh, Var bHh, Var h0, int[] lengths, boolean reverse) {
        Dims d = Dims.check("gru", 3, x, wIh, wHh, bIh, bHh, lengths, reverse);
        int b = d.batch;
        int t = d.time;
        int h = d.hidden;
        float[] xp = d.inputProjection(x, wIh, bIh, null);
        float[] hs = d.states("h0", h0);
        // by step: u = W_hh·h + b_hh (u_n is needed backward) and the gates r, z, n (rows of ended sequences unused)
        float[] hidden = Arena.floatsToOverwrite(t * b * d.gates);
        float[] gates = Arena.floatsToOverwrite(t * b * d.gates);
        float[] packed = Arena.floats(b * d.packedRows * h);
        float[] whh = wHh.value().data();
        float[] bhh = bHh.value().data();
        d.forward(whh, hs, null, hidden, (row, xrow, orow, hp) -> {
            int hn = hp + b * h;
            for (int k = 0; k < d.gates; k++) {
                hidden[row + k] += bhh[k];
            }
            for (int j = 0; j < h; j++) {
                float rg = sigmoid(xp[xrow + j] + hidden[row + j]);
                float z = sigmoid(xp[xrow + h + j] + hidden[row + h + j]);
                float n = tanh(xp[xrow + 2 * h + j] + rg * hidden[row + 2 * h + j]);
                float hv = (1 - z) * n + z * hs[hp + j];
                gates[row + j] = rg;
                gates[row + h + j] = z;
                gates[row + 2 * h + j] = n;
                hs[hn + j] = hv;
                packed[orow + j] = hv;
            }
        });
        d.packFinal(packed, hs, t);
        Tensor value = Tensor.wrap(Shape.of(b, d.packedRows, h), packed);
        Var node = Var.result(value, reverse ? "gruReverse" : "gru", grad -> {
            float[] go = grad.data();
            float[] dh = d.finalGradient(go, t);
            float[] dStep = Arena.floats(t * b * d.gates); // gradients of u by step; 0 for ended sequences
            float[] dTime = Arena.floats(b * t * d.gates); // gradients of a by time step, as x's rows; 0 at padding
            d.backward(whh, dh, dStep, (row, trow, orow, hp, carry) -> {
                int off = hp % (b * h);
                for (int j = 0; j < h; j++) {
                    float rg = gates[row + j];
                    float z = gates[row + h + j];
                    float n = gates[row + 2 * h + j];
                    float dhj = dh[off + j] + go[orow + j];
                    float dan = dhj * (1 - z) * (1 - n * n);
                    float dar = dan * hidden[row + 2 * h + j] * rg * (1 - rg);
                    float daz = dhj * (hs[hp + j] - n) * z * (1 - z);
                    dTime[trow + j] = dar;
                    dTime[trow + h + j] = daz;
                    dTime[trow + 2 * h + j] = dan;
                    dStep[row + j] = dar;
                    dStep[row + h + j] = daz;
                    dStep[row + 2 * h + j] = dan * rg;
                    carry[off + j] = dhj * z;
                }
            });
            d.inputGradients(x, wIh, bIh, dTime);
            d.hiddenGradients(wHh, bHh, dStep, dStep, hs);
            d.stateGradient(h0, dh);
        }, parents(x, wIh, wHh, bIh, bHh, h0, null));
        return new GruResult(d.outputOf(node), d.finalOf(node, d.time));
    }

    /** 1 / (1 + e^−a) in double, rounded once; ±∞ and NaN as the limits (0, 1, NaN). */
    private static float sigmoid(float a) {
        return (float) (1 / (1 + Math.exp(-a)));
    }

    /**
     * tanh(a) = 1 − 2 / (e^{2a} + 1) in double, rounded once: within an ulp of float of {@link Math#tanh}, and several
     * times faster (Math.exp is a JIT intrinsic, Math.tanh is not), which matters at 2 per LSTM unit and step.
     */
    private static float tanh(float a) {
        return (float) (1 - 2 / (Math.exp(2.0 * a) + 1));
    }

    private static Var[] parents(Var x, Var wIh, Var wHh, Var bIh, Var bHh, Var h0, Var c0) {
        int n = 5 + (h0 == null ? 0 : 1) + (c0 == null ? 0 : 1);
        Var[] p = new Var[n];
        p[0] = x;
        p[1] = wIh;
        p[2] = wHh;
        p[3] = bIh;
        p[4] = bHh;
        int i = 5;
        if (h0 != null) {
            p[i++] = h0;
        }
        if (c0 != null) {
            p[i] = c0;
        }
        return p;
    }

    /** The sizes of one recurrent pass, checked, and the parts LSTM and GRU share. */
    private static final class Dims {
        final int batch;
        final int time;
        final int features;
        final int hidden;
        final int gates;
        final int[] lengths;
        final boolean reverse;
        final Shape inputShape;
        /** The operation's name in errors. */
        final String op;
        /**
         * Sequences below which a range of the batch is not given a thread of its own ({@link #forRows}): the
         * products of fewer rows run no faster per row.
         */
        static final int MIN_ROWS_PER_RANGE = 8;
        /** Time rows of the packed value: T outputs, then one per final state (h; h and c). */
        final int packedRows;

        private Dims(String op, Shape x, int hidden, int gateCount, int[] lengths, boolean reverse) {
            this.op = op;
            this.inputShape = x;
            this.batch = x.dim(0);
            this.time = x.dim(1);
            this.features = x.dim(2);
            this.hidden = hidden;
            this.gates = gateCount * hidden;
            this.lengths = lengths;
            this.reverse = reverse;
            this.packedRows = time + (gateCount == 4 ? 2 : 1);
        }

        /** One running sequence's step forward, given its row offsets (see {@link #forward}). */
        interface ForwardRow {
            void step(int row, int xrow, int orow, int hp);
        }

        /** One running sequence's step backward, given its row offsets (see {@link #backward}). */
        interface BackwardRow {
            void step(int row, int trow, int orow, int hp, float[] carry);
        }

        /**
         * Takes the T steps for the whole batch: at step s, {@code u = h_{s−1}·W_hhᵀ} [B, G] into block s of
         * {@code hidden}, then {@code cell} for each sequence still running, which reads u at {@code row}, the input
         * projection at {@code xrow} (its time step's row), the states before the step at {@code hp} of the [T+1, B,
         * H] state arrays, and writes the states after it at {@code hp + B·H} and the output at {@code orow} of the
         * packed value. A sequence that has ended copies its states forward.
         */
        void forward(float[] whh, float[] hs, float[] cs, float[] hiddenOut, ForwardRow cell) {
            int h = hidden;
            Gemm gemm = Gemms.current();
            forRows((from, to) -> {
                for (int s = 0; s < time; s++) {
                    int prev = s * batch * h;
                    gemm.gemm(false, true, to - from, gates, h, hs, prev + from * h, whh, 0, hiddenOut,
                            (s * batch + from) * gates, false);
                    for (int r = from; r < to; r++) {
                        int hp = prev + r * h;
                        if (s >= lengths[r]) {
                            System.arraycopy(hs, hp, hs, hp + batch * h, h);
                            if (cs != null) {
                                System.arraycopy(cs, hp, cs, hp + batch * h, h);
                            }
                            continue;
                        }
                        int t = time(s, r);
                        cell.step((s * batch + r) * gates, (r * time + t) * gates, (r * packedRows + t) * h, hp);
                    }
                }
            });
        }

        /**
         * Runs {@code rows} over the batch cut into contiguous ranges of sequences, in parallel over the cores: the
         * sequences of a batch do not interact, so each range takes all T steps on its own thread, with its own
         * hidden-to-hidden products ([rows, H]·W_hhᵀ), and the threads meet once per pass instead of once per step
         * (a product this small would spend more on the hand-off to another core than on the work). Every sequence
         * gets the same values whatever the ranges, up to the GEMM's order of summation for the range's size.
         */
        void forRows(Parallel.RangeTask rows) {
            int ranges = Math.min(Parallel.threads(), Math.max(1, batch / MIN_ROWS_PER_RANGE));
            int step = (batch + ranges - 1) / ranges;
            Parallel.forEach((batch + step - 1) / step, i -> rows.run(i * step, Math.min(batch, (i + 1) * step)));
        }

        /**
         * Goes back through the T steps: {@code cell} for each sequence running at step s reads the gradient of h
         * after the step ({@code dh}, [B, H], at {@code hp mod B·H}; the output's gradient is at {@code orow}),
         * writes the step's gradients of u into {@code dStep} at {@code row} (of x's projection at {@code trow}), and
         * the part of ∂/∂h_{s−1} that does not pass through W_hh into {@code carry}; then dh = carry + dU·W_hh. A
         * sequence that has ended passes dh on unchanged.
         */
        void backward(float[] whh, float[] dh, float[] dStep, BackwardRow cell) {
            int h = hidden;
            float[] carry = Arena.floatsToOverwrite(batch * h); // every row written at every step
            Gemm gemm = Gemms.current();
            forRows((from, to) -> {
                for (int s = time - 1; s >= 0; s--) {
                    int prev = s * batch * h;
                    for (int r = from; r < to; r++) {
                        if (s >= lengths[r]) {
                            System.arraycopy(dh, r * h, carry, r * h, h);
                            continue;
                        }
                        int t = time(s, r);
                        cell.step((s * batch + r) * gates, (r * time + t) * gates, (r * packedRows + t) * h,
                                prev + r * h, carry);
                    }
                    gemm.gemm(false, false, to - from, h, gates, dStep, (s * batch + from) * gates, whh, 0, carry,
                            from * h, true);
                    System.arraycopy(carry, from * h, dh, from * h, (to - from) * h);
                }
            });
        }

        static Dims check(String op, int gateCount, Var x, Var wIh, Var wHh, Var bIh, Var bHh, int[] lengths,
                          boolean reverse) {
            Shape sx = x.shape();
            Shape sh = wHh.shape();
            if (sh.rank() != 2 || sh.dim(0) != gateCount * sh.dim(1) || sh.dim(1) == 0) {
                throw new ShapeException(op + ": weight_hh " + sh + " is not [" + gateCount + "·H, H]");
            }
            int h = sh.dim(1);
            int g = gateCount * h;
            if (sx.rank() != 3) {
                throw new ShapeException(op + ": input " + sx + " is not [batch, time, features]");
            }
            Shape si = wIh.shape();
            if (si.rank() != 2 || si.dim(0) != g) {
                throw new ShapeException(op + ": weight_ih " + si + " is not [" + g + ", features] for weight_hh "
                        + sh);
            }
            if (sx.dim(2) != si.dim(1)) {
                throw new ShapeException(op + ": input " + sx + " has " + sx.dim(2) + " features, the layer expects "
                        + si.dim(1) + " (weight_ih " + si + ")");
            }
            for (Var bias : new Var[] {bIh, bHh}) {
                if (!bias.shape().equals(Shape.of(g))) {
                    throw new ShapeException(op + ": bias " + bias.shape() + " is not [" + g + "]");
                }
            }
            if (sx.dim(1) == 0) {
                throw new ShapeException(op + ": input " + sx + " has no time steps");
            }
            return new Dims(op, sx, h, gateCount, Lengths.check(op, sx, lengths), reverse);
        }

        /** The time step that step {@code s} of sequence {@code r} reads. */
        int time(int s, int r) {
            return reverse ? lengths[r] - 1 - s : s;
        }

        /** x·W_ihᵀ + b_ih (+ b_hh when given) for all time steps: [B·T, G], x's row order. */
        float[] inputProjection(Var x, Var wIh, Var bIh, Var bHh) {
            int rows = batch * time;
            float[] xp = Arena.floatsToOverwrite(rows * gates); // the product writes every element
            Gemms.current().gemm(false, true, rows, gates, features, x.value().data(), 0, wIh.value().data(), 0, xp,
                    0, false);
            float[] bias = bIh.value().data().clone();
            if (bHh != null) {
                float[] b2 = bHh.value().data();
                for (int k = 0; k < gates; k++) {
                    bias[k] += b2[k];
                }
            }
            for (int r = 0; r < rows; r++) {
                for (int k = 0, o = r * gates; k < gates; k++) {
                    xp[o + k] += bias[k];
                }
            }
            return xp;
        }

        /**
         * [T+1, B, H] states by step; step 0 holds the initial state (0 when null), which must be [B, H].
         *
         * @param name the initial state's name in errors
         */
        float[] states(String name, Var initial) {
            if (initial != null && !initial.shape().equals(Shape.of(batch, hidden))) {
                throw new ShapeException(op + ": " + name + " " + initial.shape() + " is not [" + batch + ", " + hidden
                        + "] (batch, hidden) for input " + inputShape);
            }
            float[] s = Arena.floatsToOverwrite((time + 1) * batch * hidden); // steps written as they are taken
            if (initial == null) {
                Arrays.fill(s, 0, batch * hidden, 0f);
            } else {
                System.arraycopy(initial.value().data(), 0, s, 0, batch * hidden);
            }
            return s;
        }

        /** Writes the last step's states into time row {@code row} of the packed value [B, ·, H]. */
        void packFinal(float[] packed, float[] states, int row) {
            int rows = packedRows;
            for (int r = 0; r < batch; r++) {
                System.arraycopy(states, time * batch * hidden + r * hidden, packed, (r * rows + row) * hidden, hidden);
            }
        }

        /** A copy of the gradient at time row {@code row} of the packed gradient, [B, H]. */
        float[] finalGradient(float[] packed, int row) {
            int rows = packedRows;
            float[] out = Arena.floatsToOverwrite(batch * hidden);
            for (int r = 0; r < batch; r++) {
                System.arraycopy(packed, (r * rows + row) * hidden, out, r * hidden, hidden);
            }
            return out;
        }

        Var outputOf(Var node) {
            return Shaping.slice(node, 1, 0, time);
        }

        Var finalOf(Var node, int row) {
            return Shaping.reshape(Shaping.slice(node, 1, row, row + 1), batch, hidden);
        }

        /** ∂/∂x = dA·W_ih, ∂/∂W_ih = dAᵀ·x, ∂/∂b_ih = Σ dA, from the pre-activation gradients dA in x's row order. */
        void inputGradients(Var x, Var wIh, Var bIh, float[] dTime) {
            int rows = batch * time;
            Gemm gemm = Gemms.current();
            if (x.requiresGrad()) {
                float[] gx = Arena.floatsToOverwrite(rows * features); // the product writes every element
                gemm.gemm(false, false, rows, features, gates, dTime, 0, wIh.value().data(), 0, gx, 0, false);
                x.addFreshGrad(Tensor.wrap(x.shape(), gx));
            }
            if (wIh.requiresGrad()) {
                Tensor gw = wIh.gradBuffer();
                gemm.gemm(true, false, gates, features, rows, dTime, 0, x.value().data(), 0, gw.data(), 0, false);
                wIh.addFreshGrad(gw);
            }
            biasGradient(bIh, dTime, rows);
        }

        /**
         * ∂/∂W_hh = Σ_s dUᵀ_s·h_{s−1} over all steps in one product, ∂/∂b_hh = Σ dU; dU by step ({@code dStep}, for
         * the weight) and in any row order ({@code dAnyOrder}, for the bias sum).
         */
        void hiddenGradients(Var wHh, Var bHh, float[] dStep, float[] dAnyOrder, float[] hs) {
            if (wHh.requiresGrad()) {
                Tensor gw = wHh.gradBuffer();
                Gemms.current().gemm(true, false, gates, hidden, time * batch, dStep, 0, hs, 0, gw.data(), 0, false);
                wHh.addFreshGrad(gw);
            }
            biasGradient(bHh, dAnyOrder, batch * time);
        }

        private void biasGradient(Var bias, float[] d, int rows) {
            if (bias.requiresGrad()) {
                Tensor gb = bias.gradBuffer();
                MatMul.sumRows(d, rows, gates, gb.data());
                bias.addFreshGrad(gb);
            }
        }

        void stateGradient(Var initial, float[] d) {
            if (initial != null && initial.requiresGrad()) {
                initial.addFreshGrad(Tensor.wrap(initial.shape(), d));
            }
        }
    }
}
