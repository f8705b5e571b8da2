package polyhead.train;

/**
 * A training step whose gradient norm rose above {@code factor} times its running mean (see
 * {@link Trainer.Builder#explodingGradients}); reported to listeners and counted per epoch in the history as
 * {@code exploding_gradients}.
 *
 * @param step      the step (0-based, counted over the whole run)
 * @param epoch     the epoch of the step (0-based)
 * @param task      the task whose own gradient exploded, or null for the global gradient norm
 * @param norm      the gradient's L2 norm at this step
 * @param threshold the norm above which the step was reported: factor × the running mean before this step
 */
public record ExplodingGradient(long step, int epoch, String task, double norm, double threshold) {
    /** One line naming the step, the task if any, the norm and the threshold. */
    public String message() {
        String what = task == null ? "the gradient norm" : "the gradient norm of task '" + task + "'";
        return String.format("step %d (epoch %d): %s is %.4g, above the threshold %.4g", step, epoch, what, norm,
                threshold);
    }
}
