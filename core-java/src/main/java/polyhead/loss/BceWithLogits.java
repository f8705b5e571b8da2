package polyhead.loss;

import java.util.Objects;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Binary cross-entropy on logits, fused and stable. See {@link Losses#bceWithLogits(Reduction)}. */
record BceWithLogits(Reduction reduction) implements Loss {
    static final String NAME = "bceWithLogits";

    BceWithLogits {
        Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask) {
        return Pointwise.apply(NAME, reduction, "logits", logits, targets, mask,
                // −y·log σ(x) − (1−y)·log(1−σ(x)), written so that no exponential can overflow
                (x, y) -> Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
                (x, y) -> sigmoid(x) - y);
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
