package polyhead.loss;

import java.util.Objects;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Squared error. See {@link Losses#mse(Reduction)}. */
record Mse(Reduction reduction) implements Loss {
    static final String NAME = "mse";

    Mse {
        Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Var apply(Var predictions, Tensor targets, Tensor mask) {
        return Pointwise.apply(NAME, reduction, "predictions", predictions, targets, mask,
                (x, y) -> (x - y) * (x - y),
                (x, y) -> 2 * (x - y));
    }
}
