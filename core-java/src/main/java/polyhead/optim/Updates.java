package polyhead.optim;

import java.util.Arrays;

import polyhead.tensor.ArrayMath;
import polyhead.tensor.Parallel;
import polyhead.tensor.Tensor;

/**
 * The flat buffer a step's gradients are copied into and transformed in place into updates: one {@code float[]} in
 * the layout of a root {@link Params} (root parameter {@code k}'s segment is {@link #buffer()} from
 * {@link #offset(int) offset(k)}, {@link #size(int) size(k)} values), plus one flag per parameter saying whether it
 * takes part in this step. The blocks of an optimizer chain run their element loops over runs of adjacent active
 * parameters ({@link #runEnd}): with every parameter active, one loop over the whole buffer.
 *
 * <p>An <em>inactive</em> parameter received no gradient this step (its {@code Var.grad()} was null), or was taken
 * out by a block such as {@code skipNonFinite} or {@code accumulate}. Its segment is zero, every block leaves it and
 * its own state for it alone (moments, step counts), and {@link #applyTo} does not touch it: it does not move, not
 * even through momentum or weight decay.
 *
 * <p>A multiplication of whole segments by a factor (the learning rate, a schedule, clipping) is kept pending
 * ({@link #scaleLater}) rather than done at once: the next reader of the buffer ({@link #buffer()}, {@link #copyOf})
 * gets it done first, and {@link #applyTo} does it in the same pass as {@code p += u}. The same float operations
 * (each product rounded, then the sum), so the same bits, and one pass over the buffer fewer per step.
 *
 * <p>From {@link #PARALLEL_MIN} values on, the passes over the whole buffer (copying the gradients in, applying the
 * updates) and the element loops of the common blocks (momentum, Adam's moments, weight decay) are split over the
 * cores, each pass cut the same way ({@link #forParts}), so that every core finds its part of the buffer, the slots
 * and the parameters in its own cache from the pass before. Element-wise arithmetic: the same bits on any number of
 * cores.
 *
 * <p>Owned by whoever drives the steps ({@link Optimizer} does); allocated once and reused from step to step.
 */
public final class Updates {
    /**
     * The number of values from which a pass is split over the cores. Below it the hand-off costs more than it saves.
     * W1's 234k parameters (BENCHMARKS.md, issue 21, session 17): in a same-JVM A/B the optimizer phase of a training
     * step at batch 512 with SGD momentum went from 0.23 to 0.13 ms on two cores, its gradients then read by both
     * cores from where the backward pass left them (on a quieter machine the one-core update took 0.13 ms too).
     */
    public static final int PARALLEL_MIN = 1 << 16;
    /** Parts start at whole 512-bit vectors of floats from the start of the stretch (vector loops, no split vector). */
    private static final int ALIGN = 16;

    private final Params params;
    private final float[] buffer;
    private final boolean[] active;
    /** Per root parameter: whether its segment still has to be multiplied by {@code factor}. */
    private final boolean[] pending;
    private final float[] factor;
    private boolean anyPending;

    /** A zeroed buffer for {@code root}, every parameter inactive. */
    public Updates(Params root) {
        if (!root.isRoot()) {
            throw new IllegalArgumentException("an updates buffer is laid out for a root Params (Params.of), not a subset");
        }
        this.params = root;
        this.buffer = root.newFlatSlot();
        this.active = new boolean[root.count()];
        this.pending = new boolean[root.count()];
        this.factor = new float[root.count()];
    }

    /** The root this buffer is laid out for. */
    public Params params() {
        return params;
    }

    /**
     * The live flat buffer (not a copy), of {@code params().flatSize()} values, with every pending {@link #scaleLater}
     * done.
     */
    public float[] buffer() {
        if (anyPending) {
            for (int i = 0; i < pending.length; i++) {
                scaleNow(i);
            }
            anyPending = false;
        }
        return buffer;
    }

    /**
     * {@code u ← f·u} on the segment of every active parameter of {@code view}, done when the buffer is next read or
     * in {@link #applyTo}'s pass. A segment that already has a factor pending is multiplied by it first (two
     * roundings, as two multiplications done at once).
     */
    void scaleLater(Params view, float f) {
        for (int i = 0; i < view.count(); i++) {
            int index = view.index(i);
            if (active[index]) {
                scaleNow(index);
                pending[index] = true;
                factor[index] = f;
                anyPending = true;
            }
        }
    }

    private void scaleNow(int index) {
        if (pending[index]) {
            ScaleBlocks.scale(buffer, params.offset(index), params.size(index), factor[index]);
            pending[index] = false;
        }
    }

    /** Where root parameter {@code index}'s segment starts in {@link #buffer()}. */
    public int offset(int index) {
        return params.offset(index);
    }

    /** The length of root parameter {@code index}'s segment: its number of values. */
    public int size(int index) {
        return params.size(index);
    }

    /**
     * The first position of {@code view} from {@code from} on whose parameter is active, or {@code view.count()}.
     * With {@link #runEnd}, the loop of every element-wise block:
     * <pre>{@code
     * for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
     *     end = updates.runEnd(params, i, counts);
     *     // one loop over params.extent(i, end) values from params.offset(i)
     * }
     * }</pre>
     */
    public int nextActive(Params view, int from) {
        int i = from;
        while (i < view.count() && !active[view.index(i)]) {
            i++;
        }
        return i;
    }

    /**
     * The end (exclusive) of the run of {@code view}'s parameters that starts at position {@code start}, an active
     * parameter: the positions after it extend the run while they are active, follow their predecessor in the root
     * (so the run is one stretch of the flat layout) and, when {@code counts} is not null, have the same count as
     * {@code start} (so per-parameter coefficients such as bias corrections agree). A block updates the run with one
     * loop over {@code view.extent(start, end)} values from {@code view.offset(start)}, in this buffer and in its
     * slots alike.
     */
    public int runEnd(Params view, int start, long[] counts) {
        int n = view.count();
        int end = start + 1;
        while (end < n && view.index(end) == view.index(end - 1) + 1 && active[view.index(end)]
                && (counts == null || counts[end] == counts[start])) {
            end++;
        }
        return end;
    }

    /** Whether root parameter {@code index} takes part in this step. */
    public boolean isActive(int index) {
        return active[index];
    }

    /** Takes root parameter {@code index} out of this step and zeroes its segment. */
    public void deactivate(int index) {
        active[index] = false;
        pending[index] = false;
        int o = params.offset(index);
        Arrays.fill(buffer, o, o + params.size(index), 0f);
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
        System.arraycopy(gradient.data(), 0, buffer, params.offset(index), params.size(index));
        pending[index] = false;
        active[index] = true;
    }

    /**
     * {@link #setGradient} for every root parameter at once, {@code gradients[i]} for parameter i (null: inactive):
     * every shape is checked before anything changes, and from {@link #PARALLEL_MIN} values on the copies are
     * split over the cores as the later passes are ({@link #forParts}).
     */
    public void setGradients(Tensor[] gradients) {
        if (gradients.length != active.length) {
            throw new IllegalArgumentException(gradients.length + " gradients for " + active.length + " parameters");
        }
        for (int i = 0; i < gradients.length; i++) {
            if (gradients[i] != null && !gradients[i].shape().equals(params.shape(i))) {
                throw new IllegalArgumentException("gradient of shape " + gradients[i].shape() + " for parameter '"
                        + params.name(i) + "' of shape " + params.shape(i));
            }
        }
        if (buffer.length < PARALLEL_MIN) {
            for (int i = 0; i < gradients.length; i++) {
                setGradient(i, gradients[i]);
            }
            return;
        }
        for (int i = 0; i < gradients.length; i++) {
            if (gradients[i] == null) {
                deactivate(i);
            } else {
                pending[i] = false;
                active[i] = true;
            }
        }
        forEachActivePart(params, (i, from, to) ->
                System.arraycopy(gradients[i].data(), from, buffer, params.offset(i) + from, to - from));
    }

    /**
     * {@code body.run(from, to)} over {@code [from, to)} of the flat layout: on this thread below
     * {@link #PARALLEL_MIN} values, else in one part per core ({@link Parallel#forParts}), parts starting at whole
     * vectors from {@code from}. The same stretch is always cut the same way, and a run over the whole buffer the
     * same way as {@link #setGradients} and {@link #applyTo} cut it. The body must be element-wise (each value's
     * result depends on that position only) and may not call back into the pool. The blocks test the length
     * themselves before they call this, so that below {@link #PARALLEL_MIN} their lambda is not even created and a
     * small model's step allocates nothing.
     */
    static void forParts(int from, int to, Parallel.RangeTask body) {
        if (to - from < PARALLEL_MIN) {
            body.run(from, to);
        } else {
            Parallel.forParts(to - from, ALIGN, (a, b) -> body.run(from + a, from + b));
        }
    }

    /**
     * {@code body.run(i, from, to)} for every active parameter at position i of {@code view}, over its values
     * {@code [from, to)}: the view's stretch of the flat layout cut as {@link #forParts} cuts it, each part's
     * parameters in order on one core.
     */
    void forEachActivePart(Params view, SegmentTask body) {
        int n = view.count();
        if (n == 0) {
            return;
        }
        int start = view.offset(0);
        int end = view.offset(n - 1) + view.size(n - 1);
        forParts(start, end, (lo, hi) -> {
            for (int i = 0; i < n; i++) {
                if (active[view.index(i)]) {
                    int o = view.offset(i);
                    int from = Math.max(0, lo - o);
                    int to = Math.min(view.size(i), hi - o);
                    if (from < to) {
                        body.run(i, from, to);
                    }
                }
            }
        });
    }

    /** The body of {@link #forEachActivePart}: values {@code [from, to)} of the parameter at position i. */
    @FunctionalInterface
    interface SegmentTask {
        void run(int position, int from, int to);
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
        scaleNow(index);
        int o = params.offset(index);
        return Tensor.wrap(params.shape(index), Arrays.copyOfRange(buffer, o, o + params.size(index)));
    }

    /**
     * In place, for every active parameter: {@code p += u}, with a pending factor {@code p += f·u} (the product
     * rounded, then the sum: the bits of scaling first). Inactive parameters are not touched. A pending factor stays
     * pending: the buffer is not written.
     */
    public void applyTo(Params root) {
        if (root != params) {
            throw new IllegalArgumentException("updates laid out for " + params + " applied to other parameters " + root);
        }
        if (buffer.length >= PARALLEL_MIN) {
            forEachActivePart(params, (i, from, to) -> {
                int o = params.offset(i) + from;
                if (pending[i]) {
                    ArrayMath.addScaled(params.values(i), from, buffer, o, to - from, factor[i]);
                } else {
                    ArrayMath.add(params.values(i), from, buffer, o, to - from);
                }
            });
            return;
        }
        for (int i = 0; i < active.length; i++) {
            if (active[i]) {
                // two offsets (the parameter's array from 0, the buffer from its offset): ArrayMath's vector loop
                if (pending[i]) {
                    ArrayMath.addScaled(params.values(i), 0, buffer, params.offset(i), params.size(i), factor[i]);
                } else {
                    ArrayMath.add(params.values(i), 0, buffer, params.offset(i), params.size(i));
                }
            }
        }
    }
}
