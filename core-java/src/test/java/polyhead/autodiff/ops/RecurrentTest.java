package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * The fused recurrent nodes' backward passes through time against central differences (small sizes: B = 3, T = 4,
 * F = 2, H = 3), with and without lengths and initial states, in both directions; a batch cut into ranges of sequences
 * on several threads against each sequence alone; their values and gradients in a
 * poisoned arena; and their one-line shape errors. Values against PyTorch: {@code RecurrentReferenceTest}.
 */
class RecurrentTest {
    private static final int[] LENGTHS = {4, 1, 3};

    private static Tensor[] lstmInputs(long seed, boolean initial) {
        return inputs(seed, 4, initial ? 2 : 0);
    }

    private static Tensor[] gruInputs(long seed, boolean initial) {
        return inputs(seed, 3, initial ? 1 : 0);
    }

    /** x [3, 4, 2], W_ih, W_hh, b_ih, b_hh for H = 3 and {@code gates} gates, then {@code states} initial states. */
    private static Tensor[] inputs(long seed, int gates, int states) {
        Tensor[] in = new Tensor[5 + states];
        in[0] = Tensor.randn(seed, 3, 4, 2);
        in[1] = scaled(Tensor.randn(seed + 1, 3 * gates, 2));
        in[2] = scaled(Tensor.randn(seed + 2, 3 * gates, 3));
        in[3] = scaled(Tensor.randn(seed + 3, 3 * gates));
        in[4] = scaled(Tensor.randn(seed + 4, 3 * gates));
        for (int i = 0; i < states; i++) {
            in[5 + i] = Tensor.randn(seed + 5 + i, 3, 3);
        }
        return in;
    }

    private static Tensor scaled(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] *= 0.6f;
        }
        return t;
    }

    /** All results flattened into one vector, so GradCheck projects each of them. */
    private static Var joined(Var... parts) {
        Var[] flat = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) {
            flat[i] = parts[i].reshape(parts[i].shape().size());
        }
        return Shaping.concat(0, flat);
    }

    private static Function<Var[], Var> lstm(int[] lengths, boolean reverse) {
        return v -> {
            Recurrent.LstmResult r = Recurrent.lstm(v[0], v[1], v[2], v[3], v[4], v.length > 5 ? v[5] : null,
                    v.length > 6 ? v[6] : null, lengths, reverse);
            return joined(r.output(), r.h(), r.c());
        };
    }

    private static Function<Var[], Var> gru(int[] lengths, boolean reverse) {
        return v -> {
            Recurrent.GruResult r = Recurrent.gru(v[0], v[1], v[2], v[3], v[4], v.length > 5 ? v[5] : null, lengths,
                    reverse);
            return joined(r.output(), r.h());
        };
    }

    @ParameterizedTest
    @CsvSource({"true, false, false, false", "true, true, false, false", "true, false, true, false",
        "true, true, true, true", "true, false, true, true", "false, false, false, false", "false, true, false, false",
        "false, false, true, false", "false, true, true, true", "false, false, true, true"})
    void gradients(boolean isLstm, boolean reverse, boolean withLengths, boolean initial) {
        int[] lengths = withLengths ? LENGTHS : null;
        GradCheck.Result r = GradCheck.defaults().withEps(1e-3).check(isLstm ? lstm(lengths, reverse)
                : gru(lengths, reverse), isLstm ? lstmInputs(11, initial) : gruInputs(21, initial));
        assertTrue(r.passed(), r.worst());
    }

    /** Padded outputs are 0; the reverse direction's output at a sequence's last valid step is its first step. */
    @Test
    void paddingAndReverseStart() {
        Tensor[] in = lstmInputs(31, false);
        Var[] v = new Var[in.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Var.constant(in[i]);
        }
        Recurrent.LstmResult rev = Recurrent.lstm(v[0], v[1], v[2], v[3], v[4], null, null, LENGTHS, true);
        Tensor out = rev.output().value();
        for (int t = 1; t < 4; t++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(0f, out.get(1, t, j), "padding of the sequence of length 1");
            }
        }
        // sequence 1 has one step: read in reverse it is a forward step of that single token (equal up to the GEMM's
        // order of summation, which may differ with the batch size)
        Tensor single = Tensor.of(new float[] {in[0].get(1, 0, 0), in[0].get(1, 0, 1)}, 1, 1, 2);
        Recurrent.LstmResult one = Recurrent.lstm(Var.constant(single), v[1], v[2], v[3], v[4], null, null, null, false);
        for (int j = 0; j < 3; j++) {
            assertEquals(one.output().value().get(0, 0, j), out.get(1, 0, j), 1e-6f);
            assertEquals(one.h().value().get(0, j), rev.h().value().get(1, j), 1e-6f);
        }
        // the final state of the reverse direction is its output at time 0 (the last step it takes)
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(out.get(b, 0, j), rev.h().value().get(b, j), 0f);
            }
        }
    }

    /**
     * A batch large enough to be cut into ranges of sequences that run on different threads (19 sequences: two
     * ranges on two or more processors) gives each sequence the values and gradients it gets alone in a batch of 1:
     * outputs, final states, and the gradients of a random projection with respect to x, the initial states and
     * every weight (summed over the sequences), both directions, LSTM and GRU, with lengths.
     */
    @ParameterizedTest
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void sequencesOfASplitBatchGetWhatTheyGetAlone(boolean isLstm, boolean reverse) {
        int b = 19;
        int t = 5;
        int gates = isLstm ? 4 : 3;
        int states = isLstm ? 2 : 1;
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = 1 + (i * 7) % t;
        }
        Tensor x = Tensor.randn(41, b, t, 2);
        Tensor[] w = {scaled(Tensor.randn(42, 3 * gates, 2)), scaled(Tensor.randn(43, 3 * gates, 3)),
            scaled(Tensor.randn(44, 3 * gates)), scaled(Tensor.randn(45, 3 * gates))};
        Tensor[] s0 = new Tensor[states];
        for (int k = 0; k < states; k++) {
            s0[k] = Tensor.randn(46 + k, b, 3);
        }
        Tensor r = Tensor.randn(48, b, t + states, 3); // projection of [output; final states] per sequence
        Var[] whole = run(isLstm, reverse, x, w, s0, lengths, r);
        Tensor[] summed = new Tensor[4];
        for (int i = 0; i < b; i++) {
            Tensor xi = rows(x, i);
            Tensor[] si = new Tensor[states];
            for (int k = 0; k < states; k++) {
                si[k] = rows(s0[k], i);
            }
            Var[] alone = run(isLstm, reverse, xi, w, si, new int[] {lengths[i]}, rows(r, i));
            Fixtures.assertClose("values of sequence " + i, alone[0].value(), rows(whole[0].value(), i), 1e-5);
            Fixtures.assertClose("x gradient of sequence " + i, alone[1].grad(), rows(whole[1].grad(), i), 1e-5);
            for (int k = 0; k < states; k++) {
                Fixtures.assertClose("state gradient of sequence " + i, alone[6 + k].grad(),
                        rows(whole[6 + k].grad(), i), 1e-5);
            }
            for (int k = 0; k < 4; k++) {
                Tensor g = alone[2 + k].grad();
                if (summed[k] == null) {
                    summed[k] = g.copy();
                } else {
                    summed[k].addInPlace(g);
                }
            }
        }
        for (int k = 0; k < 4; k++) {
            Fixtures.assertClose("weight gradient " + k, whole[2 + k].grad(), summed[k], 1e-5);
        }
    }

    /** Row i of t's first axis, as a tensor with a first axis of 1. */
    private static Tensor rows(Tensor t, int i) {
        int[] dims = t.shape().dims();
        int n = t.size() / dims[0];
        float[] out = new float[n];
        System.arraycopy(t.data(), i * n, out, 0, n);
        dims[0] = 1;
        return Tensor.of(out, dims);
    }

    /**
     * Runs one direction, projects [output; final states] on r and goes back. Returns the packed values (output and
     * final states along the time axis), then the Vars x, W_ih, W_hh, b_ih, b_hh and the initial states.
     */
    private static Var[] run(boolean isLstm, boolean reverse, Tensor x, Tensor[] w, Tensor[] s0, int[] lengths,
                             Tensor r) {
        Var[] v = new Var[5 + s0.length];
        v[0] = Var.parameter(x.copy());
        for (int k = 0; k < 4; k++) {
            v[1 + k] = Var.parameter(w[k].copy());
        }
        for (int k = 0; k < s0.length; k++) {
            v[5 + k] = Var.parameter(s0[k].copy());
        }
        int b = x.shape().dim(0);
        Var packed;
        if (isLstm) {
            Recurrent.LstmResult res = Recurrent.lstm(v[0], v[1], v[2], v[3], v[4], v[5], v[6], lengths, reverse);
            packed = Shaping.concat(1, res.output(), res.h().reshape(b, 1, 3), res.c().reshape(b, 1, 3));
        } else {
            Recurrent.GruResult res = Recurrent.gru(v[0], v[1], v[2], v[3], v[4], v[5], lengths, reverse);
            packed = Shaping.concat(1, res.output(), res.h().reshape(b, 1, 3));
        }
        packed.mul(Var.constant(r)).sum().backward();
        Var[] out = new Var[1 + v.length];
        out[0] = packed;
        System.arraycopy(v, 0, out, 1, v.length);
        return out;
    }

    /** Every array the nodes take without zeroing is written before it is read: a poisoned arena changes nothing. */
    @Test
    void sameResultsInAPoisonedArena() {
        Tensor[] lin = lstmInputs(41, true);
        Tensor[] gin = gruInputs(42, true);
        float[][] plain = run(lin, gin, null);
        Arena arena = new Arena(true);
        for (int step = 0; step < 2; step++) {
            float[][] pooled = run(lin, gin, arena);
            for (int i = 0; i < plain.length; i++) {
                assertArrayEquals(plain[i], pooled[i], 0f, "result " + i + " at step " + step);
            }
        }
    }

    private static float[][] run(Tensor[] lin, Tensor[] gin, Arena arena) {
        Var[] lv = params(lin);
        Var[] gv = params(gin);
        Tensor seedL = Tensor.randn(5, 3 * 4 * 3 + 2 * 9);
        Tensor seedG = Tensor.randn(6, 3 * 4 * 3 + 9);
        float[][] out = new float[lv.length + gv.length + 2][];
        try (var scope = arena == null ? null : arena.open()) {
            Var l = lstm(LENGTHS, true).apply(lv);
            Var g = gru(LENGTHS, false).apply(gv);
            l.backward(seedL);
            g.backward(seedG);
            out[0] = l.value().data().clone();
            out[1] = g.value().data().clone();
            for (int i = 0; i < lv.length; i++) {
                out[2 + i] = lv[i].grad().data().clone();
            }
            for (int i = 0; i < gv.length; i++) {
                out[2 + lv.length + i] = gv[i].grad().data().clone();
            }
        }
        return out;
    }

    private static Var[] params(Tensor[] t) {
        Var[] v = new Var[t.length];
        for (int i = 0; i < t.length; i++) {
            v[i] = Var.parameter(t[i].copy());
        }
        return v;
    }

    @Test
    void badShapesAreOneLineErrorsNamingTheShape() {
        Tensor[] in = lstmInputs(51, true);
        Var x = Var.constant(in[0]);
        Var wIh = Var.constant(in[1]);
        Var wHh = Var.constant(in[2]);
        Var bIh = Var.constant(in[3]);
        Var bHh = Var.constant(in[4]);
        assertMessage(() -> Recurrent.lstm(Var.constant(Tensor.zeros(3, 4, 5)), wIh, wHh, bIh, bHh, null, null, null,
                false), "lstm: input [3, 4, 5] has 5 features, the layer expects 2 (weight_ih [12, 2])");
        assertMessage(() -> Recurrent.lstm(x, wIh, wHh, bIh, bHh, null, null, new int[] {4, 1}, false),
                "lstm: lengths has 2 values for input [3, 4, 2] (one per sequence: 3)");
        assertMessage(() -> Recurrent.lstm(x, wIh, wHh, bIh, bHh, null, null, new int[] {4, 0, 3}, false),
                "lstm: lengths[1] = 0 is outside [1, 4] for input [3, 4, 2]");
        assertMessage(() -> Recurrent.gru(x, Var.constant(Tensor.zeros(9, 2)), Var.constant(Tensor.zeros(9, 3)),
                Var.constant(Tensor.zeros(9)), Var.constant(Tensor.zeros(9)), null, new int[] {4, 5, 3}, false),
                "gru: lengths[1] = 5 is outside [1, 4] for input [3, 4, 2]");
        assertMessage(() -> Recurrent.lstm(x, wIh, wHh, bIh, bHh, Var.constant(Tensor.zeros(2, 3)), null, null, false),
                "lstm: h0 [2, 3] is not [3, 3] (batch, hidden) for input [3, 4, 2]");
        assertMessage(() -> Recurrent.lstm(Var.constant(Tensor.zeros(3, 2)), wIh, wHh, bIh, bHh, null, null, null,
                false), "lstm: input [3, 2] is not [batch, time, features]");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String message) {
        ShapeException e = assertThrows(ShapeException.class, call);
        assertEquals(message, e.getMessage());
    }
}
