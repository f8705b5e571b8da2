package polyhead.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointStore;

/**
 * Saves a checkpoint into a {@link CheckpointStore} at the end of every {@code everyEpochs}-th epoch and of the last
 * epoch a {@code fit} call was asked for (not at {@code fitEnded}: by then early stopping may have put the best weights
 * back, which are not the state to resume from), and, when {@code everySteps > 0}, after every {@code everySteps}-th
 * optimizer step of the run.
 * At an epoch end the listener sets the position (epochs done, steps taken: it sees every step, data position 0)
 * and records the epoch's history row as the checkpoint's metrics (so the store can keep the best); a checkpoint
 * inside an epoch has no metrics, and its position comes from {@link State}, which the trainer provides with the
 * rest (model, optimizer and weighting state, the epoch's running totals, generator states, spec).
 * At the start of a run it removes what interrupted saves left in the store.
 */
public final class CheckpointListener implements TrainingListener {
    /**
     * The trainer's state: inside an epoch with its position ({@link Checkpoint.Builder#position}); at an epoch
     * boundary the listener sets position and metrics.
     */
    @FunctionalInterface
    public interface State {
        Checkpoint.Builder snapshot();
    }

    private final CheckpointStore store;
    private final State state;
    private final int everyEpochs;
    private final int everySteps;
    private final List<Path> saved = new ArrayList<>();
    private long steps;
    private int epochs;
    private int epochsEnded;

    /** Saves at epoch ends only. */
    public CheckpointListener(CheckpointStore store, State state, int everyEpochs) {
        this(store, state, everyEpochs, 0);
    }

    /** Saves at epoch ends and every {@code everySteps} steps (0: never inside an epoch). */
    public CheckpointListener(CheckpointStore store, State state, int everyEpochs, int everySteps) {
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("checkpoint every epochs must be >= 1, got " + everyEpochs);
        }
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint every steps must be >= 0 (0 = off), got " + everySteps);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.state = Objects.requireNonNull(state, "state");
        this.everyEpochs = everyEpochs;
        this.everySteps = everySteps;
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
        if (everySteps > 0 && step % everySteps == 0) {
            saved.add(store.save(state.snapshot().build()));
        }
    }

    @Override
    public void epochEnded(int epoch, Map<String, Double> row) {
        epochsEnded++;
        if ((epoch + 1) % everyEpochs == 0 || epoch + 1 == epochs) {
            Checkpoint c = state.snapshot().position(epoch + 1, steps, 0).metrics(row).build();
            saved.add(store.save(c));
        }
    }
}
