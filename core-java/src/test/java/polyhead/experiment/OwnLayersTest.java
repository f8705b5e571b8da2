package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.arch.CrossStitch;
import polyhead.mtl.arch.Mmoe;
import polyhead.mtl.arch.SoftSharing;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Tensor;

/**
 * Soft sharing, cross-stitch and MMoE with layers of their own ({@link ArchitecturePlan#layers}): the trunk is shared
 * and drawn first, each tower or expert is a copy of the plan's layers — the model a user builds by hand with the same
 * seed, bit for bit; without layers nothing changes.
 */
class OwnLayersTest {
    static ExperimentBuilder twoSigns(ArchitecturePlan arch) {
        return new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(6), Layers.tanh())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
                .architecture(arch)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(TrainingPlan.defaults().epochs(6).batchSize(32).seed(7));
    }

    private static Map<String, List<Float>> state(Module m) {
        Map<String, List<Float>> s = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> {
            Float[] boxed = new Float[v.size()];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = v.data()[i];
            }
            s.put(k, List.of(boxed));
        });
        return s;
    }

    private static List<Task> heads(Random rng) {
        return List.of(
                Task.builder("a").head(new Linear(4, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build(),
                Task.builder("b").head(new Linear(4, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build());
    }

    private static Sequential trunk(Random rng) {
        return new Sequential(new Linear(2, 6, rng), Activation.tanh());
    }

    private static <T> Iterator<T> drawn(int n, java.util.function.Supplier<T> make) {
        List<T> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(make.get());
        }
        return out.iterator();
    }

    @Test
    void theBuilderDrawsTheTrunkThenTheOwnLayersThenTheHeads() {
        Random rng = new Random(7);
        Sequential t = trunk(rng);
        Iterator<Sequential> towers = drawn(2, () -> new Sequential(new Linear(6, 4, rng), Activation.relu()));
        Architecture soft = new SoftSharing(t, towers::next, heads(rng), 0.01);
        assertEquals(state(soft), state(twoSigns(ArchitecturePlan.softSharing(0.01)
                .layers(Layers.dense(4), Layers.relu())).build().architecture()));

        Random r2 = new Random(7);
        Sequential t2 = trunk(r2);
        // each task's two stages in task order, as cross-stitch draws them
        List<Module> a = List.of(new Sequential(new Linear(6, 5, r2), Activation.tanh()), new Sequential(new Linear(5, 4, r2)));
        List<Module> b = List.of(new Sequential(new Linear(6, 5, r2), Activation.tanh()), new Sequential(new Linear(5, 4, r2)));
        Iterator<Module> s0 = List.of(a.get(0), b.get(0)).iterator();
        Iterator<Module> s1 = List.of(a.get(1), b.get(1)).iterator();
        Architecture cross = new CrossStitch(t2, List.of(s0::next, s1::next), heads(r2));
        assertEquals(state(cross), state(twoSigns(ArchitecturePlan.crossStitch()
                .layers(Layers.dense(5), Layers.tanh(), Layers.dense(4))).build().architecture()));

        Random r3 = new Random(7);
        Sequential t3 = trunk(r3);
        Iterator<Sequential> experts = drawn(3, () -> new Sequential(new Linear(6, 4, r3)));
        List<Task> hs = heads(r3);
        Architecture mmoe = Mmoe.withTrunk(t3, experts::next, 3, 2, hs, true, r3);
        Architecture built = twoSigns(ArchitecturePlan.mmoe(3).layers(Layers.dense(4))).build().architecture();
        assertEquals(state(mmoe), state(built));
        assertTrue(built.sharedParameters().containsKey("trunk.0.weight"));
        Tensor x = Tensor.randn(1, 5, 2);
        assertArrayEquals(mmoe.outputs(polyhead.autodiff.Var.constant(x)).get("b").value().data(),
                built.outputs(polyhead.autodiff.Var.constant(x)).get("b").value().data());
    }

    @Test
    void withAnEmptyTrunkTheOwnLayersAreWhatWasCopiedBefore() {
        for (ArchitecturePlan plain : List.of(ArchitecturePlan.softSharing(0.1), ArchitecturePlan.crossStitch(),
                ArchitecturePlan.mmoe(2), ArchitecturePlan.omoe(2))) {
            Architecture copied = twoSigns(plain).build().architecture();
            Architecture own = twoSigns(plain.layers(Layers.dense(6), Layers.tanh())).trunk().build().architecture();
            assertEquals(state(copied), state(own), plain.toString());
        }
    }

    @Test
    void eachTrainsAboveChanceAndLoadsAsSaved(@TempDir Path dir) {
        Dataset train = ExperimentBuilderTest.points(1, 512);
        Dataset test = ExperimentBuilderTest.points(2, 400);
        List<ArchitecturePlan> plans = List.of(
                ArchitecturePlan.softSharing(1e-3).layers(Layers.dense(4), Layers.tanh()),
                ArchitecturePlan.crossStitch(2, 1).layers(Layers.dense(4), Layers.tanh(), Layers.dense(4)),
                ArchitecturePlan.mmoe(3).layers(Layers.dense(4), Layers.tanh()));
        for (int i = 0; i < plans.size(); i++) {
            TrainedModel m = twoSigns(plans.get(i)).build().fit(train, null);
            Map<String, Double> r = m.evaluate(test);
            assertTrue(r.get("a.accuracy") > 0.85 && r.get("b.accuracy") > 0.85, plans.get(i) + ": " + r);
            m.save(dir.resolve("m" + i));
            TrainedModel again = TrainedModel.load(dir.resolve("m" + i));
            assertEquals(m.evaluate(test), again.evaluate(test));
            assertEquals(plans.get(i).layers().size(), again.modelDescription().architecture().layers().size());
            ModelDescriptionTest.assertRebuilds(twoSigns(plans.get(i)).training(TrainingPlan.defaults().seed(17)).build());
        }
    }

    @Test
    void faultsNameTheArchitecturesLayers() {
        assertEquals("hardSharing takes no layers of its own (softSharing, crossStitch, mmoe, omoe and learningToBranch do)",
                assertThrows(IllegalArgumentException.class,
                        () -> ArchitecturePlan.hardSharing().layers(Layers.dense(2))).getMessage());
        assertEquals("architecture.stages: the stages cover 3 layers, but the architecture has 2 of its own",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.crossStitch(1, 2)
                        .layers(Layers.dense(3), Layers.relu())).build()).getMessage());
        assertEquals("architecture.layers: mmoe(2).layers(1) mixes its experts' outputs, which must be vectors: each "
                + "expert (a copy of its layers) outputs [2, 2, 2]; end its layers with flatten() or a dense layer",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.mmoe(2)
                        .layers(Layers.conv2d(2, 3))).input(1, 4, 4).trunk().build()).getMessage());
    }
}
