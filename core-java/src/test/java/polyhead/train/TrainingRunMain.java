package polyhead.train;

import java.nio.file.Path;

import polyhead.checkpoint.CheckpointStore;
import polyhead.io.Safetensors;
import polyhead.mtl.arch.HardSharing;

/**
 * The training process {@link TrainingKillTest} kills: trains {@link TrainerTest#modelWithDropout} with DWA and
 * Adam for {@code args[1]} epochs of 8 steps, checkpointing every epoch and every {@value #EVERY_STEPS} steps into the
 * store {@code args[0]} and resuming from its latest checkpoint when there is one (inside an epoch or at its end);
 * prints {@code step <n>} after each step, before that step's checkpoint is saved, and at the end writes the final
 * weights to {@code args[2]}.
 */
public final class TrainingRunMain {
    static final int EVERY_STEPS = 3;

    private TrainingRunMain() {
    }

    static CheckpointStore store(Path root) {
        return new CheckpointStore(root, 2);
    }

    static Trainer trainer(HardSharing model, int epochs, CheckpointStore store) {
        Trainer.Builder b = Trainer.builder(model).optimizer(polyhead.optim.Optimizers.adam(0.02))
                .weighting(polyhead.mtl.weighting.Weightings.dwa()).epochs(epochs).seed(17).diagnostics(false)
                .listener(new TrainingListener() {
                    @Override
                    public void stepEnded(int epoch, long step, java.util.Map<String, Double> losses, int samples) {
                        System.out.println("step " + step);
                        System.out.flush();
                    }
                });
        if (store != null) {
            b.checkpoints(store, 1, EVERY_STEPS);
        }
        return b.build();
    }

    public static void main(String[] args) {
        CheckpointStore store = store(Path.of(args[0]));
        HardSharing model = TrainerTest.modelWithDropout(1);
        Trainer t = trainer(model, Integer.parseInt(args[1]), store);
        store.latest().ifPresent(l -> t.resume(l.checkpoint()));
        t.fit(TrainerTest.points(20, false), 8, null);
        Safetensors.write(Path.of(args[2]), model.stateDict(), java.util.Map.of());
    }
}
