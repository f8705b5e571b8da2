package polyhead.spark;

import java.io.Serializable;

import polyhead.train.TrainingListener;

/**
 * Makes a {@link TrainingListener} for a replica, on its executor (listeners themselves need not be serializable):
 * for a replica's own logging or metrics, or — in the tests — a fault.
 */
@FunctionalInterface
public interface ReplicaListener extends Serializable {
    /**
     * The listener of replica {@code rank} in attempt {@code stageAttempt} (0 first, more after Spark retried the
     * barrier stage), or null for none.
     */
    TrainingListener create(int rank, int stageAttempt);
}
