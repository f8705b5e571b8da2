package polyhead.loss;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** Huber loss with threshold delta. See {@link Losses#huber(float, Reduction)}. */
record Huber(float delta, Reduction reduction) implements Loss {
    static final String NAME = "huber";

    Huber {
        Objects.requireNonNull(reduction, "reduction");
        if (!(delta > 0)) {
            throw new IllegalArgumentException(NAME + ": delta must be positive, got " + delta);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = Loss.super.settings();
        m.put("delta", delta);
        return m;
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
        double d = delta;
        return Pointwise.apply(NAME, reduction, "predictions", predictions, targets, mask, sampleWeights,
                (x, y) -> {
                    double r = Math.abs(x - y);
                    return r < d ? 0.5 * r * r : d * (r - 0.5 * d);
                },
                (x, y) -> {
                    double r = x - y;
                    return Math.abs(r) < d ? r : d * Math.signum(r);
                });
    }
}
