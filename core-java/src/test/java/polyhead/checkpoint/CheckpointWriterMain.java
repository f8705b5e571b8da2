package polyhead.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import polyhead.optim.OptimizerStateDict;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The process {@link CheckpointKillTest} kills: resumes from the latest checkpoint of the store in {@code args[0]}
 * (step 0 if there is none) and saves checkpoints of steps s+1, s+2, ... forever, printing {@code saved <step>} after
 * each save returns. Every value in checkpoint {@code s} is a function of {@code s} ({@link #expected}), so the test
 * can tell a consistent checkpoint from a torn one.
 */
public final class CheckpointWriterMain {
    static final int MODEL_FLOATS = 96 * 1024;
    static final int KEEP_LAST = 2;
    static final String MONITOR = "loss";

    private CheckpointWriterMain() {
    }

    static CheckpointStore store(Path root) {
        return new CheckpointStore(root, KEEP_LAST, MONITOR, CheckpointStore.Mode.MIN);
    }

    /** The checkpoint of step {@code s}. */
    static Checkpoint expected(long s) {
        Tensor w = Tensor.full(s, Shape.of(MODEL_FLOATS / 64, 64));
        Tensor b = Tensor.full(-s, Shape.of(64));
        Tensor m = Tensor.full(2 * s, Shape.of(64));
        OptimizerStateDict opt = new OptimizerStateDict(1, Map.of("adam.m/b", m), Map.of("optimizer.step", s),
                Map.of("optimizer.metric", Double.NaN));
        return Checkpoint.builder(Map.of("w", w, "b", b)).optimizer(opt).position(s / 10, s, s % 10)
                .rng("seed", s * 31).metrics(Map.of(MONITOR, (double) ((s * 7919) % 13))).build();
    }

    public static void main(String[] args) {
        CheckpointStore store = store(Path.of(args[0]));
        store.cleanup();
        Optional<CheckpointStore.Loaded> latest = store.latest();
        long s = latest.map(l -> l.checkpoint().step()).orElse(0L);
        while (true) {
            s++;
            store.save(expected(s));
            System.out.println("saved " + s);
            System.out.flush();
        }
    }
}
