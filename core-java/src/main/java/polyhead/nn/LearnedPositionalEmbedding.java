package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Learned absolute positions (Gehring et al. 2017, "Convolutional Sequence to Sequence Learning", Sec. 3.1; the
 * alternative to sinusoids weighed in Vaswani et al. 2017, Sec. 3.5): a trained vector per position added to the
 * input, x [B, T, dim] → x + weight[0…T−1]. The table {@code weight} [maxLength, dim] is initialized N(0, 1) like
 * {@link Embedding} (and PyTorch's {@code nn.Embedding}, so a position table from PyTorch loads as it is); a sequence
 * longer than maxLength is refused.
 */
public final class LearnedPositionalEmbedding extends Module {
    private final Var weight;

    public LearnedPositionalEmbedding(int maxLength, int dim, Random rng) {
        if (maxLength <= 0 || dim <= 0) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding needs positive sizes, got max_length="
                    + maxLength + ", dim=" + dim);
        }
        this.weight = registerParameter("weight", Tensor.zeros(maxLength, dim));
        Initializers.normal(0f, 1f).initialize(weight.value(), rng);
    }

    public Var weight() {
        return weight;
    }

    public int maxLength() {
        return weight.shape().dim(0);
    }

    /**
     * x + the first T rows of the table.
     *
     * @throws ShapeException naming the input and table shapes unless x is [B, T, dim] with T ≤ maxLength
     */
    @Override
    protected Var forward(Var x) {
        Shape s = x.shape();
        Shape w = weight.shape();
        if (s.rank() != 3 || s.dim(2) != w.dim(1)) {
            throw new ShapeException("positional embedding: input must be [B, T, " + w.dim(1) + "], got " + s);
        }
        if (s.dim(1) > w.dim(0)) {
            throw new ShapeException("positional embedding: input " + s + " has " + s.dim(1)
                    + " positions, more than max_length " + w.dim(0) + " (weight " + w + ")");
        }
        return x.add(Shaping.slice(weight, 0, 0, s.dim(1)));
    }
}
