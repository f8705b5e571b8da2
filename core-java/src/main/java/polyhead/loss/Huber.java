package polyhead.loss;

import java.util.Map;
import java.util.Objects;

import polyhead.autodiff.Var;
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
    public Var apply(Var predictions, Tensor targets, Tensor mask) {
        double d = delta;
        return Pointwise.apply(NAME, reduction, "predictions", predictions, targets, mask,
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
