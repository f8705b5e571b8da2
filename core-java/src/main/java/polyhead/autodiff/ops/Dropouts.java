package polyhead.autodiff.ops;

import java.util.Objects;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Tensor;

/** Dropout (Srivastava et al., 2014, "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"). */
public final class Dropouts {
    private Dropouts() {
    }

    /**
     * Inverted dropout, PyTorch's {@code F.dropout(x, p, training=True)}: each element is zeroed with probability p
     * and the kept ones are scaled by {@code 1/(1−p)}, so the expectation of every element is unchanged:
     * {@code y = x ⊙ m/(1−p)} with {@code m ~ Bernoulli(1−p)} element-wise. ∂/∂x = g ⊙ m/(1−p).
     *
     * <p>The mask is drawn from {@code rng}, one {@code rng.nextFloat()} per element in row-major order, the element
     * being dropped when the draw is {@code < p}: a {@link Random} with a fixed seed gives a reproducible mask (not
     * the one PyTorch draws for that seed: the generators differ). For p = 0 this returns {@code x} itself and draws
     * nothing. Whether dropout applies at all (training or evaluation) is the caller's decision.
     *
     * @param p the probability of dropping an element, in [0, 1)
     * @throws IllegalArgumentException if p is not in [0, 1)
     */
    public static Var dropout(Var x, float p, Random rng) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        Objects.requireNonNull(rng, "rng");
        if (p == 0f) {
            return x;
        }
        float scale = 1f / (1f - p);
        float[] xd = x.value().data();
        boolean[] keep = new boolean[xd.length];
        float[] out = Arena.floats(xd.length);
        for (int i = 0; i < xd.length; i++) {
            keep[i] = !(rng.nextFloat() < p);
            // multiplying by 0 rather than writing 0 lets a NaN or ∞ propagate, as in PyTorch
            out[i] = xd[i] * (keep[i] ? scale : 0f);
        }
        return Var.result(Tensor.wrap(x.shape(), out), "dropout", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(dg.length);
            for (int i = 0; i < dg.length; i++) {
                gx[i] = dg[i] * (keep[i] ? scale : 0f);
            }
            x.addFreshGrad(Tensor.wrap(x.shape(), gx));
        }, x);
    }
}
