package polyhead.train;

/**
 * How the replicas of one data-parallel run agree on each step: every replica holds the same model, computes the
 * step on its own shard of the global batch, and the trainer sums over the replicas what the weighting needs
 * (per-task label counts and loss sums, per-task gradient rows, parameter gradients) through {@link #sum}, so that
 * every replica applies the identical optimizer step. Given to a trainer with
 * {@link Trainer.Builder#gradientExchange}; without one the trainer runs alone, exactly as before.
 *
 * <p>What is summed, and why this gives the step of one process on the union of the shards, is stated on the
 * trainer's replicated step ({@code ReplicatedStep}); an implementation only moves numbers. Implementations: an
 * in-memory one between threads (tests), and {@code polyhead.spark}'s between the tasks of a Spark barrier stage.
 */
public interface GradientExchange {
    /** The number of replicas taking part, at least 1. */
    int replicas();

    /** This replica's index, in [0, {@link #replicas()}). */
    int rank();

    /**
     * Replaces {@code values} by its element-wise sum over all replicas. Every replica calls this the same number
     * of times, in the same order, with arrays of the same length; afterwards every replica holds the same sums, bit
     * for bit: an implementation adds the replicas' arrays in rank order (0, 1, …), whichever arrives first.
     *
     * @throws ExchangeException if a replica failed, left, or did not answer in time; the step is then lost and the
     *                           run ends with this error (it never waits for ever)
     */
    void sum(double[] values);

    /** What a failed {@link #sum} throws: one line saying which replica and what went wrong. */
    final class ExchangeException extends RuntimeException {
        public ExchangeException(String message) {
            super(message);
        }

        public ExchangeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
