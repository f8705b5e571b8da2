package polyhead.optim;

/**
 * An optimizer, or a block of one: a pure function that turns gradients into parameter updates, carrying a state
 * from step to step. Blocks compose with {@link Transforms#chain}, parameter groups with
 * {@link Transforms#partition}; finished optimizers ({@link Optimizers}) are chains. Applying an update is
 * {@code p ← p + u}, so a learning-rate block ({@link Transforms#scaleByLearningRate}) carries the minus sign.
 *
 * <pre>{@code
 * // adamw(lr, wd) is the chain
 * chain(scaleByAdam(0.9, 0.999, 1e-8), addDecayedWeights(wd), scaleByLearningRate(lr))
 * }</pre>
 *
 * <p>Updates are transformed in place in a buffer the caller owns ({@link Updates}: one flat {@code float[]} holding
 * a segment per parameter) that starts as the gradients; each block loops over the segments of the parameters it was
 * initialised for — element-wise blocks in one loop per run of adjacent active parameters ({@link Updates#runEnd}),
 * which is the whole buffer in the common case — skipping inactive ones (no gradient this step), whose state it
 * leaves exactly as it was. Use a transformation directly (init, then per step: copy gradients into
 * {@link Updates}, update, {@link Updates#applyTo}) or through {@link Optimizer}, which does that for named
 * {@code Var}s.
 *
 * <p>Settings are checked when a transformation is built; {@code init} checks what depends on the parameters.
 * Implementations are immutable and may be shared; the state they create is not (see {@link OptState} on
 * donation).
 */
public interface GradientTransformation {
    /**
     * The name under which this transformation's state is saved, e.g. {@code "adam"} (entries
     * {@code adam.m/<param>}); empty for a {@link Transforms#chain}, whose parts are saved under their own names.
     */
    String name();

    /** A fresh state for {@code params} (a root, or a parameter group of one). */
    OptState init(Params params);

    /**
     * Transforms the active segments of {@code updates} in place and returns the next state.
     *
     * @param updates the gradients on entry, the updates on return, laid out for {@code params.root()}. Modified.
     * @param state   the state returned by {@code init} or the previous {@code update} for the same
     *                {@code params}; donated: it must not be used after this call
     * @param params  the parameters this transformation was initialised for. Not modified.
     * @param ctx     the step context. Not modified.
     * @return the next state, which may share (and has overwritten) the buffers of {@code state}
     */
    OptState update(Updates updates, OptState state, Params params, StepContext ctx);
}
