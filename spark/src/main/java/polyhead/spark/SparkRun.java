package polyhead.spark;

import java.util.Map;

import polyhead.experiment.TrainedModel;

/**
 * A finished data-parallel run: the trained model (the driver's copy of replica 0's final state, which every replica
 * shares) and how long the replicas' training took.
 *
 * @param replicas        replicas that trained
 * @param steps           optimizer steps of the last attempt of the barrier stage (fewer than the run's when it
 *                        resumed from a checkpoint)
 * @param seconds         the slowest replica's wall time of its training loop
 * @param exchangeSeconds of which the slowest replica spent in the gradient exchange (waiting for the others
 *                        included)
 * @param test            the trained model's metrics on the test data ({@code task.metric}), empty without test data
 *                        ({@link SparkTrainingOptions#withTest})
 */
public record SparkRun(TrainedModel model, int replicas, long steps, double seconds, double exchangeSeconds,
                       Map<String, Double> test) {
    /** Optimizer steps per second of wall time. */
    public double stepsPerSecond() {
        return steps / seconds;
    }
}
