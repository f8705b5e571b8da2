package polyhead.loss;

import java.util.Objects;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** Absolute error. See {@link Losses#mae(Reduction)}. */
record Mae(Reduction reduction) implements Loss {
    static final String NAME = "mae";

    Mae {
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
                (x, y) -> Math.abs(x - y),
                (x, y) -> Math.signum(x - y)); // 0 at x = y, as PyTorch's l1_loss
    }
}
