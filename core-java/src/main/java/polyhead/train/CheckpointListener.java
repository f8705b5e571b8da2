package polyhead.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.io.Checkpoint;
import polyhead.io.CheckpointStore;

/**
 * Saves a checkpoint into a {@link CheckpointStore} at the end of every {@code everyEpochs}-th epoch and of the last
 * epoch a {@code fit} call was asked for (not at {@code fitEnded}: by then early stopping may have put the best weights
 * back, which are not the state to resume from).
 * The listener knows the run's position (epochs done, steps taken: it sees every step) and the epoch's history row,
 * which it records as the checkpoint's metrics (so the store can keep the best); the rest of the state comes from
 * {@link State}, which the trainer provides (model, optimizer and weighting state, generator states, spec).
 * At the start of a run it removes what interrupted saves left in the store.
 */
public final class CheckpointListener implements TrainingListener {
    /** The trainer's state at an epoch boundary, without position and metrics (the listener sets those). */
    @FunctionalInterface
    public interface State {
        Checkpoint.Builder snapshot();
    }

    private final CheckpointStore store;
    private final State state;
    private final int everyEpochs;
    private final List<Path> saved = new ArrayList<>();
    private long steps;
    private int epochs;
    private int epochsEnded;

    public CheckpointListener(CheckpointStore store, State state, int everyEpochs) {
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("checkpoint every epochs must be >= 1, got " + everyEpochs);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.state = Objects.requireNonNull(state, "state");
        this.everyEpochs = everyEpochs;
    }

    /** The checkpoint directories this listener wrote, oldest first (older ones may have been pruned since). */
    public List<Path> saved() {
        return List.copyOf(saved);
    }

    @Override
    public void fitStarted(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.epochsEnded = 0;
        store.cleanup();
    }

    @Override
    public void stepEnded(int epoch, long step, Map<String, Double> taskLosses, int samples) {
        steps = step;
    }

    @Override
    public void epochEnded(int epoch, Map<String, Double> row) {
        epochsEnded++;
        if ((epoch + 1) % everyEpochs == 0 || epochsEnded == epochs) {
            Checkpoint c = state.snapshot().position(epoch + 1, steps, 0).metrics(row).build();
            saved.add(store.save(c));
        }
    }
}
