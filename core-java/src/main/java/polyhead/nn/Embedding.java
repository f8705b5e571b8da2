package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Indexing;
import polyhead.tensor.Tensor;

/**
 * A lookup table: input indices of any shape (integral values in a float tensor) → their rows of the weight
 * [count, dim], output shape = input shape + [dim]. Initialized N(0, 1) as in PyTorch.
 */
public final class Embedding extends Module {
    private final Var weight;

    public Embedding(int count, int dim, Random rng) {
        if (count <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got count=" + count + ", dim=" + dim);
        }
        this.weight = registerParameter("weight", Tensor.zeros(count, dim));
        Initializers.normal(0f, 1f).initialize(weight.value(), rng);
    }

    public Var weight() {
        return weight;
    }

    @Override
    protected Var forward(Var indices) {
        return Indexing.embedding(weight, indices.value());
    }
}
