package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Recurrent;

/**
 * A long short-term memory layer stack with PyTorch's contract ({@code torch.nn.LSTM(batch_first=True)}), so that
 * its weights import one to one: input [B, T, inputSize] → output [B, T, directions·hiddenSize] and final states h, c
 * [layers·directions, B, hiddenSize]; gate order i, f, g, o; the equations, the lengths semantics
 * ({@code pack_padded_sequence}: padded outputs are 0, final states are each sequence's last valid step, the reverse
 * direction starts there) and the fused backward pass are those of {@link Recurrent#lstm}. Parameter names,
 * initialization and stacking: {@link RecurrentStack}.
 */
public final class Lstm extends RecurrentStack {
    /** The output sequence [B, T, directions·H] and the final states h and c, each [layers·directions, B, H]. */
    public record Output(Var output, Var h, Var c) {
    }

    public Lstm(int inputSize, int hiddenSize, int layers, boolean bidirectional, Random rng) {
        super("Lstm", 4, inputSize, hiddenSize, layers, bidirectional, rng);
    }

    /**
     * Runs the layers over {@code x} [B, T, inputSize].
     *
     * @param lengths each sequence's valid steps (B values in [1, T]), or null for all T
     * @param h0      initial hidden states [layers·directions, B, H], or null for zeros
     * @param c0      initial cell states, the same shape, or null for zeros
     */
    public Output run(Var x, int[] lengths, Var h0, Var c0) {
        Var[] r = runStack(x, lengths, h0, c0);
        return new Output(r[0], r[1], r[2]);
    }

    /** The output sequence from zero states, with the lengths of the open {@link SequenceLengths} scope (if any). */
    @Override
    protected Var forward(Var x) {
        return run(x, SequenceLengths.current(), null, null).output();
    }

    @Override
    Var[] direction(Var x, Var[] w, Var[] initial, int[] lengths, boolean reverse) {
        Recurrent.LstmResult r = Recurrent.lstm(x, w[0], w[1], w[2], w[3], initial[0], initial[1], lengths, reverse);
        return new Var[] {r.output(), r.h(), r.c()};
    }
}
