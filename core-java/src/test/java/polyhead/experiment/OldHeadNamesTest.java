package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.Checkpoints;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.OptimizerStateDict;
import polyhead.tensor.Tensor;
import polyhead.train.Trainer;

/**
 * A one-layer head built by the experiment builder is named as a hand-built one ({@code heads.a.weight}); checkpoints
 * written before, with {@code heads.a.0.weight}, still restore — weights and optimizer state.
 */
class OldHeadNamesTest {
    private static final String SPEC = "{\"old\": true}";

    private static Map<String, Tensor> renamed(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.replace("heads.a.", "heads.a.0.").replace("heads.b.", "heads.b.0."), v));
        return out;
    }

    @Test
    void aOneLayerHeadIsNamedAsAHandBuiltOne() {
        Experiment e = TrainedModelTest.experiment(TrainedModelTest.plan()).build();
        assertEquals(List.of("trunk.0.weight", "trunk.0.bias", "heads.sign.weight", "heads.sign.bias",
                "heads.both.weight", "heads.both.bias", "heads.sum.0.weight", "heads.sum.0.bias", "heads.sum.2.weight",
                "heads.sum.2.bias"), List.copyOf(e.architecture().namedParameters().keySet()));
    }

    @Test
    void aCheckpointWithTheOldNamesRestoresWeightsAndOptimizerState(@TempDir Path dir) {
        Experiment trained = ExperimentBuilderTest.twoTasks(3).build();
        TrainedModel m = trained.fit(ExperimentBuilderTest.points(1, 64), null);
        Checkpoint now = Checkpoint.builder(renamed(m.architecture().stateDict()))
                .spec(SPEC).build();
        Checkpoints.write(dir.resolve("old"), now);

        Experiment fresh = ExperimentBuilderTest.twoTasks(4).build();
        Checkpoints.restore(Checkpoints.read(dir.resolve("old")), "old", fresh.architecture(), null, null);
        m.architecture().stateDict().forEach((k, v) ->
                assertArrayEquals(v.data(), fresh.architecture().stateDict().get(k).data(), k));

        // optimizer state too, named after the parameters
        Trainer t = fresh.trainerBuilder(4, null).build();
        Trainer source = trained.trainerBuilder(4, null).build();
        OptimizerStateDict o = source.optimizer().stateDict();
        Checkpoint withState = Checkpoint.builder(renamed(m.architecture().stateDict()))
                .optimizer(new OptimizerStateDict(o.version(), renamed(o.tensors()), o.counters(), o.values())).build();
        Checkpoints.restore(withState, "old", fresh.architecture(), t.optimizer(), null);
        assertEquals(o.tensors().keySet(), t.optimizer().stateDict().tensors().keySet());
    }

    @Test
    void aHandBuiltOneLayerSequentialHeadIsNotRenamed(@TempDir Path dir) {
        java.util.Random rng = new java.util.Random(1);
        HardSharing hand = new HardSharing(new Sequential(new Linear(2, 3, rng)), List.of(
                Task.builder("a").head(new Sequential(new Linear(3, 2, rng))).loss(polyhead.loss.Losses.crossEntropy())
                        .build()));
        Map<String, Tensor> s = hand.stateDict();
        assertTrue(s.containsKey("heads.a.0.weight"));
        Checkpoints.restore(Checkpoint.builder(s).build(), "same", hand, null, null);
        // a model with heads.a.weight does not take a checkpoint whose head has two layers
        Map<String, Tensor> two = new LinkedHashMap<>(s);
        two.put("heads.a.1.weight", Tensor.zeros(2, 2));
        HardSharing flat = new HardSharing(new Sequential(new Linear(2, 3, rng)), List.of(
                Task.builder("a").head(new Linear(3, 2, rng)).loss(polyhead.loss.Losses.crossEntropy()).build()));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(Checkpoint.builder(two).build(), "two", flat, null, null));
        assertTrue(e.getMessage().startsWith("two: the checkpoint does not fit the model: missing from the checkpoint: "
                + "'heads.a.weight' [2, 3]"), e.getMessage());
    }
}
