package polyhead.nn;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Dropouts;
import polyhead.tensor.Seeds;
import polyhead.tensor.Tensor;

/**
 * Inverted dropout in training mode (kept values scaled by 1/(1−p)), identity in evaluation mode. Each training
 * call draws its mask from a generator derived from the layer's seed and the number of training calls so far; that
 * count is the buffer {@code calls} (stored as two float halves of 24 bits, exact to 2^48 calls), so a checkpoint
 * holds everything needed to draw the same masks after a resume.
 */
public final class Dropout extends Module {
    private static final float HALF = 1 << 24;

    private final float p;
    private final long seed;
    private final Tensor calls;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
        this.calls = registerBuffer("calls", Tensor.zeros(2));
    }

    public float probability() {
        return p;
    }

    @Override
    protected Var forward(Var x) {
        if (!actsAsTraining()) {
            return x;
        }
        float[] c = calls.data();
        long n = (long) c[0] * (1L << 24) + (long) c[1];
        c[1]++;
        if (c[1] == HALF) {
            c[1] = 0;
            c[0]++;
        }
        return Dropouts.dropout(x, p, new Random(Seeds.derive(seed, n)));
    }
}
