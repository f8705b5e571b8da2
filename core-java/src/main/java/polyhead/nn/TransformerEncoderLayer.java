package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * One Transformer encoder layer (Vaswani et al. 2017, "Attention Is All You Need", Sec. 3.1: self-attention and a
 * position-wise feed-forward network, each with a residual connection and layer normalization) with PyTorch's
 * contract ({@code torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, activation, layer_norm_eps,
 * batch_first=True, norm_first)}), so its weights import one to one: x [B, T, d_model] → [B, T, d_model].
 *
 * <p>Post-norm (the paper's order, PyTorch's default): {@code x = norm1(x + selfAttn(x)); x = norm2(x + ff(x))}.
 * Pre-norm ({@code normFirst}, Xiong et al. 2020): {@code x = x + selfAttn(norm1(x)); x = x + ff(norm2(x))}. The
 * feed-forward block is {@code linear2(activation(linear1(x)))} with ReLU or exact GELU. Parameters under PyTorch's
 * names: {@code self_attn.*} ({@link MultiheadAttention}), {@code linear1.*}, {@code linear2.*}, {@code norm1.*},
 * {@code norm2.*}; each part keeps its own default initialization, as in PyTorch.
 *
 * <p>Deviation: no dropout (PyTorch's default is 0.1; here it is always 0).
 */
public final class TransformerEncoderLayer extends Module {
    /** The feed-forward block's nonlinearity. */
    public enum FeedForwardActivation { RELU, GELU }

    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final FeedForwardActivation activation;
    private final boolean normFirst;

    /**
     * @param dModel         the feature size of the input and output
     * @param nhead          attention heads (dModel must be a multiple)
     * @param dimFeedforward the hidden size of the feed-forward block
     * @param activation     the feed-forward nonlinearity
     * @param normFirst      pre-norm (true) or post-norm (false)
     * @param layerNormEps   ε of both layer norms
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, FeedForwardActivation activation,
            boolean normFirst, float layerNormEps, Random rng) {
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dim_feedforward must be positive, got "
                    + dimFeedforward);
        }
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, rng));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, rng));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, rng));
        this.norm1 = registerModule("norm1", new LayerNorm(layerNormEps, true, dModel));
        this.norm2 = registerModule("norm2", new LayerNorm(layerNormEps, true, dModel));
        this.activation = activation;
        this.normFirst = normFirst;
    }

    public int dModel() {
        return selfAttn.embedDim();
    }

    /**
     * Runs the layer over x [B, T, d_model].
     *
     * @param keyPaddingMask [B, T], non-zero at padded steps (no position attends to them), or null
     * @param attnMask       [T, T], non-zero where position t may not attend to s (e.g.
     *                       {@link MultiheadAttention#causalMask}), or null
     */
    public Var run(Var x, Tensor keyPaddingMask, Tensor attnMask) {
        try {
            return layer(x, keyPaddingMask, attnMask);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }

    /** The layer over full sequences, without masks. */
    @Override
    protected Var forward(Var x) {
        return layer(x, null, null);
    }

    private Var layer(Var x, Tensor keyPaddingMask, Tensor attnMask) {
        if (normFirst) {
            Var h = x.add(selfAttention(norm1.call(x), keyPaddingMask, attnMask));
            return h.add(feedForward(norm2.call(h)));
        }
        Var h = norm1.call(x.add(selfAttention(x, keyPaddingMask, attnMask)));
        return norm2.call(h.add(feedForward(h)));
    }

    private Var selfAttention(Var x, Tensor keyPaddingMask, Tensor attnMask) {
        return selfAttn.run(x, x, x, keyPaddingMask, attnMask, false).output();
    }

    private Var feedForward(Var x) {
        Var hidden = activation == FeedForwardActivation.RELU ? linear1.callWithRelu(x) : linear1.call(x).gelu();
        return linear2.call(hidden);
    }
}
