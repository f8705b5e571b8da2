package polyhead.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * What {@link Lstm} and {@link Gru} share: layers of one or two directions stacked as in PyTorch's {@code nn.RNNBase}
 * (layer l &gt; 0 reads the concatenated outputs of both directions of layer l − 1), parameters under PyTorch's names
 * and in its order ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}, then
 * {@code ..._l0_reverse}, then layer 1), PyTorch's default initialization (every parameter U(−1/√H, 1/√H)), and states
 * [layers·directions, B, H] indexed {@code l·directions + d}. No dropout between layers (PyTorch's {@code dropout}
 * argument is not offered).
 */
abstract sealed class RecurrentStack extends Module permits Lstm, Gru {
    private final int inputSize;
    private final int hiddenSize;
    private final int layers;
    private final int directions;
    /** Per layer and direction ({@code l·directions + d}): W_ih, W_hh, b_ih, b_hh. */
    private final List<Var[]> weights = new ArrayList<>();

    RecurrentStack(String kind, int gateCount, int inputSize, int hiddenSize, int layers, boolean bidirectional,
                   Random rng) {
        if (inputSize <= 0 || hiddenSize <= 0 || layers <= 0) {
            throw new IllegalArgumentException(kind + " needs positive sizes, got inputSize=" + inputSize
                    + ", hiddenSize=" + hiddenSize + ", layers=" + layers);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.layers = layers;
        this.directions = bidirectional ? 2 : 1;
        int g = gateCount * hiddenSize;
        float bound = (float) (1 / Math.sqrt(hiddenSize));
        Initializer init = Initializers.uniform(-bound, bound);
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : directions * hiddenSize;
            for (int d = 0; d < directions; d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                Var[] w = {
                    registerParameter("weight_ih" + suffix, Tensor.zeros(g, in)),
                    registerParameter("weight_hh" + suffix, Tensor.zeros(g, hiddenSize)),
                    registerParameter("bias_ih" + suffix, Tensor.zeros(g)),
                    registerParameter("bias_hh" + suffix, Tensor.zeros(g)),
                };
                for (Var p : w) {
                    init.initialize(p.value(), rng);
                }
                weights.add(w);
            }
        }
    }

    public final int inputSize() {
        return inputSize;
    }

    public final int hiddenSize() {
        return hiddenSize;
    }

    public final int layers() {
        return layers;
    }

    public final boolean bidirectional() {
        return directions == 2;
    }

    /** The output's feature size: hidden size times the number of directions. */
    public final int outputSize() {
        return directions * hiddenSize;
    }

    /**
     * One direction of one layer: its output [B, T, H] followed by its final states, each [B, H].
     *
     * @param w       W_ih, W_hh, b_ih, b_hh
     * @param initial the initial states of this layer and direction, each [B, H] or null
     */
    abstract Var[] direction(Var x, Var[] w, Var[] initial, int[] lengths, boolean reverse);

    /**
     * Runs the stack. {@code initial} holds one entry per kind of state (h; or h and c), each [layers·directions, B,
     * H] or null for zeros. Returns the last layer's output [B, T, directions·H] followed by each kind of final state,
     * [layers·directions, B, H].
     */
    final Var[] runStack(Var x, int[] lengths, Var... initial) {
        try {
            Shape sx = x.shape();
            if (sx.rank() != 3 || sx.dim(2) != inputSize) {
                throw new ShapeException(typeName().toLowerCase() + ": input " + sx + " is not [batch, time, "
                        + inputSize + "]");
            }
            int batch = sx.dim(0);
            Shape stateShape = Shape.of(layers * directions, batch, hiddenSize);
            for (Var s : initial) {
                if (s != null && !s.shape().equals(stateShape)) {
                    throw new ShapeException(typeName().toLowerCase() + ": initial state " + s.shape() + " is not "
                            + stateShape + " (layers·directions, batch, hidden) for input " + sx);
                }
            }
            List<List<Var>> finals = new ArrayList<>();
            for (int k = 0; k < initial.length; k++) {
                finals.add(new ArrayList<>());
            }
            Var h = x;
            for (int l = 0; l < layers; l++) {
                Var[] outs = new Var[directions];
                for (int d = 0; d < directions; d++) {
                    int idx = l * directions + d;
                    Var[] init = new Var[initial.length];
                    for (int k = 0; k < initial.length; k++) {
                        init[k] = initial[k] == null ? null
                                : Shaping.reshape(Shaping.slice(initial[k], 0, idx, idx + 1), batch, hiddenSize);
                    }
                    Var[] r = direction(h, weights.get(idx), init, lengths, d == 1);
                    outs[d] = r[0];
                    for (int k = 0; k < initial.length; k++) {
                        finals.get(k).add(Shaping.reshape(r[k + 1], 1, batch, hiddenSize));
                    }
                }
                h = directions == 1 ? outs[0] : Shaping.concat(2, outs);
            }
            Var[] result = new Var[1 + initial.length];
            result[0] = h;
            for (int k = 0; k < initial.length; k++) {
                List<Var> f = finals.get(k);
                result[k + 1] = f.size() == 1 ? f.get(0) : Shaping.concat(0, f.toArray(Var[]::new));
            }
            return result;
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }
}
