package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Recurrent;

/**
 * A gated recurrent unit layer stack with PyTorch's contract ({@code torch.nn.GRU(batch_first=True)}), so that its
 * weights import one to one: input [B, T, inputSize] → output [B, T, directions·hiddenSize] and final state h
 * [layers·directions, B, hiddenSize]; gate order r, z, n with n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)); the
 * equations, the lengths semantics and the fused backward pass are those of {@link Recurrent#gru}. Parameter names,
 * initialization and stacking: {@link RecurrentStack}.
 */
public final class Gru extends RecurrentStack {
    /** The output sequence [B, T, directions·H] and the final state h [layers·directions, B, H]. */
    public record Output(Var output, Var h) {
    }

    public Gru(int inputSize, int hiddenSize, int layers, boolean bidirectional, Random rng) {
        super("Gru", 3, inputSize, hiddenSize, layers, bidirectional, rng);
    }

    /**
     * Runs the layers over {@code x} [B, T, inputSize].
     *
     * @param lengths each sequence's valid steps (B values in [1, T]), or null for all T
     * @param h0      initial hidden states [layers·directions, B, H], or null for zeros
     */
    public Output run(Var x, int[] lengths, Var h0) {
        Var[] r = runStack(x, lengths, h0);
        return new Output(r[0], r[1]);
    }

    /** The output sequence from a zero state, with the lengths of the open {@link SequenceLengths} scope (if any). */
    @Override
    protected Var forward(Var x) {
        return run(x, SequenceLengths.current(), null).output();
    }

    @Override
    Var[] direction(Var x, Var[] w, Var[] initial, int[] lengths, boolean reverse) {
        Recurrent.GruResult r = Recurrent.gru(x, w[0], w[1], w[2], w[3], initial[0], lengths, reverse);
        return new Var[] {r.output(), r.h()};
    }
}
