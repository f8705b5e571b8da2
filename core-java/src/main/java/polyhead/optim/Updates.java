package polyhead.optim;

import java.util.Arrays;

import polyhead.tensor.Tensor;

/**
 * The buffers a step's gradients are copied into and transformed in place into updates: one {@code float[]} segment
 * per parameter of a root {@link Params} (in its order), plus one flag per parameter saying whether it takes part in
 * this step.
 *
 * <p>An <em>inactive</em> parameter received no gradient this step (its {@code Var.grad()} was null), or was taken
 * out by a block such as {@code skipNonFinite} or {@code accumulate}. Its segment is zero, every block leaves it and
 * its own state for it alone (moments, step counts), and {@link #applyTo} does not touch it: it does not move, not
 * even through momentum or weight decay.
 *
 * <p>Owned by whoever drives the steps ({@link Optimizer} does); allocated once and reused from step to step.
 */
public final class Updates {
    private final Params params;
    private final float[][] segments;
    private final boolean[] active;

    /** Zeroed segments for {@code root}, every parameter inactive. */
    public Updates(Params root) {
        if (!root.isRoot()) {
            throw new IllegalArgumentException("an updates buffer is laid out for a root Params (Params.of), not a subset");
        }
        this.params = root;
        this.segments = root.newSlot();
        this.active = new boolean[root.count()];
    }

    /** The root this buffer is laid out for. */
    public Params params() {
        return params;
    }

    /** Root parameter {@code index}'s segment: the live array (not a copy), of the parameter's size. */
    public float[] segment(int index) {
        return segments[index];
    }

    /** Whether root parameter {@code index} takes part in this step. */
    public boolean isActive(int index) {
        return active[index];
    }

    /** Takes root parameter {@code index} out of this step and zeroes its segment. */
    public void deactivate(int index) {
        active[index] = false;
        Arrays.fill(segments[index], 0f);
    }

    /** Puts root parameter {@code index} into this step with its segment as it is. */
    public void activate(int index) {
        active[index] = true;
    }

    /**
     * Copies {@code gradient} into root parameter {@code index}'s segment and activates it; a null gradient
     * deactivates it (zero segment). The shape must be the parameter's.
     */
    public void setGradient(int index, Tensor gradient) {
        if (gradient == null) {
            deactivate(index);
            return;
        }
        if (!gradient.shape().equals(params.shape(index))) {
            throw new IllegalArgumentException("gradient of shape " + gradient.shape() + " for parameter '"
                    + params.name(index) + "' of shape " + params.shape(index));
        }
        System.arraycopy(gradient.data(), 0, segments[index], 0, segments[index].length);
        active[index] = true;
    }

    /** Number of active parameters. */
    public int activeCount() {
        int n = 0;
        for (boolean a : active) {
            n += a ? 1 : 0;
        }
        return n;
    }

    /** A copy of root parameter {@code index}'s segment as a tensor of its shape (for inspection; allocates). */
    public Tensor copyOf(int index) {
        return Tensor.wrap(params.shape(index), segments[index].clone());
    }

    /** In place, for every active parameter: {@code p += u}. Inactive parameters are not touched. */
    public void applyTo(Params root) {
        if (root != params) {
            throw new IllegalArgumentException("updates laid out for " + params + " applied to other parameters " + root);
        }
        for (int i = 0; i < active.length; i++) {
            if (active[i]) {
                float[] p = params.values(i);
                float[] u = segments[i];
                for (int j = 0; j < p.length; j++) {
                    p[j] += u[j];
                }
            }
        }
    }
}
