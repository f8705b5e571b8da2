package polyhead.data;

import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Where a trainer's batches come from, epoch by epoch. One training step consumes one element of
 * {@link #epoch(Random)}: a list of batches, usually one batch carrying every task, or, when each task has its own
 * data source ({@link Batching#multiSource}), one batch per task with that task's inputs and targets only.
 */
public interface BatchSource {
    /** Steps in one epoch. */
    int stepsPerEpoch();

    /** The steps of one epoch, drawing every random choice (order, sampling) from {@code rng}. */
    Iterator<List<Batch>> epoch(Random rng);

    /** The tasks this source provides labels for, in order. */
    List<String> tasks();
}
