package polyhead.loss;

import java.util.Objects;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
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
    public Set<LabelType> labelTypes() {
        return Losses.labelTypes(NAME);
    }

    @Override
    public Var apply(Var predictions, Tensor targets, Tensor mask) {
        return apply(predictions, targets, mask, null);
    }

    @Override
    public Var apply(Var predictions, Tensor targets, Tensor mask, Tensor sampleWeights) {
        return Pointwise.apply(NAME, reduction, "predictions", predictions, targets, mask, sampleWeights,
                (x, y) -> (x - y) * (x - y),
                (x, y) -> 2 * (x - y));
    }
}
