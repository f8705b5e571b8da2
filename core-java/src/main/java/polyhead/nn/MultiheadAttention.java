package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Activations;
import polyhead.autodiff.ops.MatMul;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need", Sec. 3.2.2, Eq. 1) with
 * PyTorch's contract ({@code torch.nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)}), so its weights
 * import one to one: query [B, T, E], key and value [B, S, E] → output [B, T, E] and, on request, the attention
 * weights averaged over the heads [B, T, S].
 *
 * <p>Parameters under PyTorch's names: {@code in_proj_weight} [3E, E] and {@code in_proj_bias} [3E] with the query,
 * key and value projections packed in that order, and {@code out_proj.weight} [E, E], {@code out_proj.bias} [E].
 * Initialization as PyTorch's: Xavier-uniform on {@code in_proj_weight}, zero biases, and {@code out_proj.weight}
 * with {@link Linear}'s default. Per head h (of H, head size D = E/H): {@code softmax(q_h·k_hᵀ/√D + mask)·v_h}; the
 * heads are concatenated and projected by {@code out_proj}.
 *
 * <p>Masks follow PyTorch's boolean masks, where non-zero (true) means "may not attend": a key-padding mask [B, S]
 * (see {@link #paddingMask}) hides keys per sequence, an attention mask [T, S] (see {@link #causalMask}) hides keys per
 * query position. A query that would see no key at all is refused with an {@link IllegalArgumentException} naming the
 * batch row and position (PyTorch 1.13 returns NaN there). Composed from differentiable primitives (projection, batched
 * {@link MatMul#matmul}, softmax, or with masks {@link Activations#maskedSoftmax}), so it needs no backward code of its
 * own.
 *
 * <p>Not supported (PyTorch options left out): dropout on the attention weights, separate key/value sizes
 * ({@code kdim}, {@code vdim}), {@code add_bias_kv}, {@code add_zero_attn}, float (additive) masks, and
 * projections without bias.
 */
public final class MultiheadAttention extends Module {
    /** The attended output [B, T, E], and the head-averaged attention weights [B, T, S] or null if not requested. */
    public record Output(Var output, Var weights) {
    }

    private final int embedDim;
    private final int numHeads;
    private final Var inProjWeight;
    private final Var inProjBias;
    private final Linear outProj;

    /**
     * @throws IllegalArgumentException unless embedDim and numHeads are positive and embedDim is divisible by numHeads
     */
    public MultiheadAttention(int embedDim, int numHeads, Random rng) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim " + embedDim
                    + " must be a positive multiple of num_heads " + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.inProjWeight = registerParameter("in_proj_weight", Tensor.zeros(3 * embedDim, embedDim));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim));
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, rng));
        Initializers.xavierUniform(1f).initialize(inProjWeight.value(), rng);
        Initializers.zeros().initialize(outProj.bias().value(), rng);
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    /**
     * Attends from {@code query} [B, T, E] to {@code key} and {@code value} [B, S, E] (the same Var for all three is
     * self-attention, and then the three projections are one product).
     *
     * @param keyPaddingMask [B, S], non-zero at keys to ignore (padding), or null
     * @param attnMask       [T, S], non-zero where query t may not attend to key s (e.g. {@link #causalMask}), or null
     * @param needWeights    whether to return the attention weights averaged over the heads
     * @throws ShapeException           naming the shapes if the inputs or masks do not fit
     * @throws IllegalArgumentException if the masks leave a query position with no key to attend to
     */
    public Output run(Var query, Var key, Var value, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights) {
        try {
            return attend(query, key, value, keyPaddingMask, attnMask, needWeights);
        } catch (ShapeException e) {
            throw e.inModule(path(), typeName());
        }
    }

    /** Self-attention over full sequences, without masks: the output only. */
    @Override
    protected Var forward(Var x) {
        return attend(x, x, x, null, null, false).output();
    }

    /**
     * The causal mask [T, T] of a sequence attending to itself: 1 above the diagonal (query t sees keys 0…t), as
     * PyTorch's {@code Transformer.generate_square_subsequent_mask} in boolean form.
     */
    public static Tensor causalMask(int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = 1f;
            }
        }
        return Tensor.wrap(Shape.of(t, t), m);
    }

    /**
     * The key-padding mask [B, S] of sequences with the given lengths: 1 at steps s ≥ lengths[b].
     *
     * @throws IllegalArgumentException naming the entry if a length is outside [1, S]
     */
    public static Tensor paddingMask(int[] lengths, int s) {
        float[] m = new float[lengths.length * s];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > s) {
                throw new IllegalArgumentException("paddingMask: lengths[" + b + "] = " + lengths[b]
                        + " is outside [1, " + s + "]");
            }
            for (int j = lengths[b]; j < s; j++) {
                m[b * s + j] = 1f;
            }
        }
        return Tensor.wrap(Shape.of(lengths.length, s), m);
    }

    private Output attend(Var query, Var key, Var value, Tensor keyPaddingMask, Tensor attnMask,
            boolean needWeights) {
        Shape sq = query.shape();
        Shape sk = key.shape();
        Shape sv = value.shape();
        if (sq.rank() != 3 || sq.dim(2) != embedDim) {
            throw new ShapeException("attention: query must be [B, T, " + embedDim + "], got " + sq);
        }
        if (sk.rank() != 3 || sk.dim(2) != embedDim || sk.dim(0) != sq.dim(0)) {
            throw new ShapeException("attention: key must be [" + sq.dim(0) + ", S, " + embedDim + "] for query " + sq
                    + ", got " + sk);
        }
        if (!sv.equals(sk)) {
            throw new ShapeException("attention: value " + sv + " must have the key's shape " + sk);
        }
        int b = sq.dim(0);
        int t = sq.dim(1);
        int s = sk.dim(1);
        int d = embedDim / numHeads;
        Tensor hidden = combinedMask(keyPaddingMask, attnMask, b, t, s);

        Var q;
        Var k;
        Var v;
        if (query == key && key == value) {
            Var[] qkv = MatMul.linear(query, inProjWeight, inProjBias).split(2, embedDim, embedDim, embedDim);
            q = qkv[0];
            k = qkv[1];
            v = qkv[2];
        } else {
            q = project(query, 0);
            k = project(key, 1);
            v = project(value, 2);
        }
        // [B, T, E] -> [B, H, T, D]; keys straight to [B, H, D, S]; PyTorch scales q by 1/√D before the product
        Var qh = q.reshape(b, t, numHeads, d).permute(0, 2, 1, 3).mul((float) (1 / Math.sqrt(d)));
        Var kt = k.reshape(b, s, numHeads, d).permute(0, 2, 3, 1);
        Var vh = v.reshape(b, s, numHeads, d).permute(0, 2, 1, 3);
        Var scores = MatMul.matmul(qh, kt);                                          // [B, H, T, S]
        // masked: one node for maskedFill(−∞) and softmax, the same values
        Var weights = hidden == null ? scores.softmax(-1) : Activations.maskedSoftmax(scores, hidden);
        Var heads = MatMul.matmul(weights, vh).permute(0, 2, 1, 3).reshape(b, t, embedDim);
        Var out = outProj.call(heads);
        return new Output(out, needWeights ? weights.mean(1, false) : null);
    }

    /** Projection {@code part} (0 query, 1 key, 2 value) of the packed in-projection applied to x. */
    private Var project(Var x, int part) {
        Var w = Shaping.slice(inProjWeight, 0, part * embedDim, (part + 1) * embedDim);
        Var bias = Shaping.slice(inProjBias, 0, part * embedDim, (part + 1) * embedDim);
        return MatMul.linear(x, w, bias);
    }

    /**
     * The key-padding and attention masks merged into one [B, 1, T, S] mask (non-zero: hidden), or null if both are
     * null; checks that every query position keeps at least one key.
     */
    private static Tensor combinedMask(Tensor keyPadding, Tensor attn, int b, int t, int s) {
        if (keyPadding == null && attn == null) {
            return null;
        }
        if (keyPadding != null && !keyPadding.shape().equals(Shape.of(b, s))) {
            throw new ShapeException("attention: key padding mask must be [B, S] = [" + b + ", " + s + "], got "
                    + keyPadding.shape());
        }
        if (attn != null && !attn.shape().equals(Shape.of(t, s))) {
            throw new ShapeException("attention: attention mask must be [T, S] = [" + t + ", " + s + "], got "
                    + attn.shape());
        }
        float[] kp = keyPadding == null ? null : keyPadding.data();
        float[] am = attn == null ? null : attn.data();
        float[] m = new float[b * t * s];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                boolean any = false;
                for (int l = 0; l < s; l++) {
                    boolean hide = (kp != null && kp[i * s + l] != 0) || (am != null && am[j * s + l] != 0);
                    m[(i * t + j) * s + l] = hide ? 1f : 0f;
                    any |= !hide;
                }
                if (!any) {
                    throw new IllegalArgumentException("attention: the masks hide every key from batch row " + i
                            + ", query position " + j + " (keys [" + b + ", " + s + "]); softmax over no key is"
                            + " undefined");
                }
            }
        }
        return Tensor.wrap(Shape.of(b, 1, t, s), m);
    }
}
