package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Dropouts;

/**
 * Inverted dropout in training mode (kept values scaled by 1/(1−p)), identity in evaluation mode. The masks come
 * from this layer's own generator, seeded at construction, so a run is reproducible from its seed.
 */
public final class Dropout extends Module {
    private final float p;
    private final Random rng;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = new Random(seed);
    }

    public float probability() {
        return p;
    }

    @Override
    protected Var forward(Var x) {
        return isTraining() ? Dropouts.dropout(x, p, rng) : x;
    }
}
