package polyhead.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * A stack of {@link TransformerEncoderLayer}s with PyTorch's contract ({@code torch.nn.TransformerEncoder(layer,
 * num_layers, norm)}): the layers in order, the same masks passed to each, then an optional final {@link LayerNorm}
 * (usual after pre-norm layers). Parameters under PyTorch's names: {@code layers.0.self_attn.in_proj_weight}, …,
 * {@code norm.weight}. Unlike PyTorch, whose layers start as copies of one layer, each layer is initialized on its
 * own from the random source; loaded weights are unaffected.
 */
public final class TransformerEncoder extends Module {
    private final Sequential layers;
    private final LayerNorm norm;

    /**
     * {@code numLayers} layers built as {@link TransformerEncoderLayer}'s constructor with these arguments, and a
     * final layer norm (with the same ε) if {@code finalNorm}.
     */
    public TransformerEncoder(int numLayers, int dModel, int nhead, int dimFeedforward,
            TransformerEncoderLayer.FeedForwardActivation activation, boolean normFirst, float layerNormEps,
            boolean finalNorm, Random rng) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerEncoder: num_layers must be positive, got " + numLayers);
        }
        List<TransformerEncoderLayer> stack = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            stack.add(new TransformerEncoderLayer(dModel, nhead, dimFeedforward, activation, normFirst, layerNormEps,
                    rng));
        }
        this.layers = registerModule("layers", new Sequential(stack));
        this.norm = finalNorm ? registerModule("norm", new LayerNorm(layerNormEps, true, dModel)) : null;
    }

    public int numLayers() {
        return layers.size();
    }

    /** The i-th layer. */
    public TransformerEncoderLayer layer(int i) {
        return (TransformerEncoderLayer) layers.get(i);
    }

    /**
     * Runs the stack over x [B, T, d_model] with the masks of {@link TransformerEncoderLayer#run} given to every
     * layer.
     */
    public Var run(Var x, Tensor keyPaddingMask, Tensor attnMask) {
        try {
            return encode(x, keyPaddingMask, attnMask);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }

    /**
     * The stack without an attention mask, keys hidden by the key-padding mask of the open {@link SequenceLengths}
     * scope's lengths ({@link MultiheadAttention#paddingMask}); over full sequences outside a scope.
     */
    @Override
    protected Var forward(Var x) {
        int[] lengths = SequenceLengths.current();
        return encode(x, lengths == null || x.shape().rank() < 2 ? null : MultiheadAttention.paddingMask(lengths, x.shape().dim(1)), null);
    }

    private Var encode(Var x, Tensor keyPaddingMask, Tensor attnMask) {
        Var h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layer(i).run(h, keyPaddingMask, attnMask);
        }
        return norm == null ? h : norm.call(h);
    }
}
