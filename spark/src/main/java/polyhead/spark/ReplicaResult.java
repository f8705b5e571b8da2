package polyhead.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What a replica sends back to the driver: replica 0 the files of its final checkpoint (weights, optimizer and
 * weighting state, history; the same on every replica), every replica its timing.
 *
 * @param files           relative path → bytes; empty except on replica 0
 * @param steps           optimizer steps the replica took in this attempt
 * @param seconds         wall time of its training loop
 * @param exchangeSeconds of which in the gradient exchange
 */
record ReplicaResult(int rank, Map<String, byte[]> files, long steps, double seconds, double exchangeSeconds)
        implements Serializable {
}
