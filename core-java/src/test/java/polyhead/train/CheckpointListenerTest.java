package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.Optimizers;

class CheckpointListenerTest {
    @TempDir
    Path dir;

    @Test
    void savesAtTheChosenEpochsAndTheLastWithTheTrainersState() {
        CheckpointStore store = new CheckpointStore(dir, 10, "train.loss", CheckpointStore.Mode.MIN);
        AtomicReference<Trainer> trainer = new AtomicReference<>();
        CheckpointListener listener = new CheckpointListener(store, () -> Checkpoint
                .builder(trainer.get().architecture().stateDict())
                .optimizer(trainer.get().optimizer().stateDict())
                .weighting(trainer.get().weighting().stateDict()), 2);
        HardSharing model = TrainerTest.model(3);
        trainer.set(Trainer.builder(model).optimizer(Optimizers.adam(0.01)).weighting(Weightings.dwa()).epochs(5)
                .seed(1).diagnostics(false).listener(listener).build());
        trainer.get().fit(TrainerTest.points(1, false), 16, null);

        assertEquals(List.of(2L, 4L, 5L), store.scan().checkpoints().stream().map(CheckpointStore.Entry::epoch)
                .toList());
        assertEquals(3, listener.saved().size());
        Checkpoint last = store.latest().orElseThrow().checkpoint();
        assertEquals(trainer.get().steps(), last.step());
        assertEquals(0, last.dataPosition());
        HardSharing restored = TrainerTest.model(9);
        Checkpoints.restore(last, "latest", restored, null, Weightings.dwa());
        TrainerTest.assertSameWeights(TrainerTest.weights(model), TrainerTest.weights(restored));
        assertEquals(trainer.get().optimizer().stateDict().counters(), last.optimizer().counters());
    }
}
