package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.arch.DSelectK;
import polyhead.mtl.arch.Mtan;
import polyhead.mtl.arch.Ple;
import polyhead.optim.Optimizers.Adam;
import polyhead.serve.Predictions;
import polyhead.tensor.Tensor;
import polyhead.train.GradientSource;

/**
 * The architectures added for issue 19 (CGC, PLE, DSelect-k, MTAN, learning to branch) through the Java builder: they train above chance on a small
 * two-task problem with a loss-level and a gradient-level weighting, save, load and serve the same predictions, and
 * bad settings are refused naming the field.
 */
class MixtureArchitecturesTest {
    /** Task a: is x0 > 0; task b: is x1 > 0 — from two standard normal inputs; chance is 0.5. */
    static ExperimentBuilder twoSigns(ArchitecturePlan arch, WeightingPlan weighting) {
        return new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(8), Layers.tanh(), Layers.dense(8), Layers.tanh())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
                .architecture(arch)
                .weighting(weighting)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(TrainingPlan.defaults().epochs(6).batchSize(32).seed(7));
    }

    static final List<ArchitecturePlan> PLANS = List.of(ArchitecturePlan.cgc(2, 1), ArchitecturePlan.ple(1, 1),
            ArchitecturePlan.ple(2, 0, 4), ArchitecturePlan.dselectK(4, 2), ArchitecturePlan.dselectK(3, 1, 0.5, 0.01),
            ArchitecturePlan.mtan(), ArchitecturePlan.mtan(4), ArchitecturePlan.learningToBranch(),
            ArchitecturePlan.learningToBranch(0.5, 40, 2, 2));

    @Test
    void eachTrainsAboveChanceWithALossAndAGradientWeighting() {
        Dataset train = ExperimentBuilderTest.points(1, 512);
        Dataset test = ExperimentBuilderTest.points(2, 400);
        for (ArchitecturePlan arch : PLANS) {
            for (WeightingPlan w : List.of(WeightingPlan.fixed(), WeightingPlan.pcGrad())) {
                Map<String, Double> m = twoSigns(arch, w).build().fit(train, null).evaluate(test);
                assertTrue(m.get("a.accuracy") > 0.85 && m.get("b.accuracy") > 0.85, arch + " " + w + ": " + m);
            }
        }
        // CGC and DSelect-k have a single shared representation, so representation gradients train them too
        for (ArchitecturePlan arch : List.of(ArchitecturePlan.cgc(2, 1), ArchitecturePlan.dselectK(4, 2))) {
            Map<String, Double> m = twoSigns(arch, WeightingPlan.pcGrad().source(GradientSource.REPRESENTATION))
                    .build().fit(train, null).evaluate(test);
            assertTrue(m.get("a.accuracy") > 0.85 && m.get("b.accuracy") > 0.85, arch + ": " + m);
        }
    }

    @Test
    void theBuilderMakesTheArchitectureItsPlanSays() {
        Ple cgc = assertInstanceOf(Ple.class, twoSigns(PLANS.get(0), WeightingPlan.fixed()).build().architecture());
        assertEquals("CGC", cgc.typeName());
        assertEquals(1, cgc.levels());
        // the trunk's two activation blocks are two levels, each expert a copy of its block
        Ple ple = assertInstanceOf(Ple.class, twoSigns(PLANS.get(1), WeightingPlan.fixed()).build().architecture());
        assertEquals(2, ple.levels());
        assertEquals(List.of(8, 8), List.of(ple.stateDict().get("levels.1.shared.0.0.weight").shape().dims()[0],
                ple.stateDict().get("levels.1.shared.0.0.weight").shape().dims()[1]));
        assertEquals("ple(2, 0, [4])", PLANS.get(2).toString());
        assertEquals(1, assertInstanceOf(Ple.class, twoSigns(PLANS.get(2), WeightingPlan.fixed()).build()
                .architecture()).levels());
        DSelectK d = assertInstanceOf(DSelectK.class, twoSigns(PLANS.get(4), WeightingPlan.fixed()).build()
                .architecture());
        assertEquals(1, d.selectors());
        assertEquals("dselectK(3, 1, 0.5, 0.01)", PLANS.get(4).toString());
        Mtan mtan = assertInstanceOf(Mtan.class, twoSigns(PLANS.get(5), WeightingPlan.fixed()).build().architecture());
        assertEquals(2, mtan.blockCount());
    }

    @Test
    void aSavedModelLoadsAndPredictsTheSame(@TempDir Path dir) {
        for (ArchitecturePlan arch : PLANS) {
            TrainedModel m = twoSigns(arch, WeightingPlan.fixed()).training(TrainingPlan.defaults().epochs(1).seed(3))
                    .build().fit(ExperimentBuilderTest.points(1, 64), null);
            Path saved = dir.resolve("model-" + PLANS.indexOf(arch));
            m.save(saved);
            TrainedModel again = TrainedModel.load(saved);
            assertEquals(arch.toString(), again.modelDescription().architecture().toString());
            Tensor x = ExperimentBuilderTest.points(3, 9).inputs();
            Predictions want = m.predictor().predict(x);
            Predictions got = again.predictor().predict(x);
            for (String t : List.of("a", "b")) {
                assertArrayEquals(want.task(t).raw().data(), got.task(t).raw().data(), arch + " " + t);
            }
            ModelDescriptionTest.assertRebuilds(twoSigns(arch, WeightingPlan.fixed())
                    .training(TrainingPlan.defaults().seed(17)).build());
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertEquals("cgc: sharedExperts must be at least 1 and taskExperts at least 0, got 0 and 1",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.cgc(0, 1)).getMessage());
        assertEquals("ple: level 1 must have at least 1 layer, got 0",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.ple(1, 1, 2, 0)).getMessage());
        assertEquals("architecture.levels: the levels cover 3 trunk layers, but the trunk has 4",
                assertThrows(IllegalArgumentException.class,
                        () -> twoSigns(ArchitecturePlan.ple(1, 1, 1, 2), WeightingPlan.fixed()).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> twoSigns(ArchitecturePlan.ple(1, 1), WeightingPlan.pcGrad().source(GradientSource.REPRESENTATION))
                        .build()).getMessage().startsWith("weighting: ple(1, 1, []) has no single shared representation"));
        assertEquals("dselectK: experts must be at least 2 and selectors at least 1, got 1 and 1",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.dselectK(1, 1)).getMessage());
        assertEquals("dselectK: gamma must be > 0 and entropyWeight a finite number >= 0, got 1.0 and -1.0",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.dselectK(2, 1, 1, -1)).getMessage());
        assertEquals("trunk: dselectK(2, 1, 1.0, 1.0E-6) mixes its experts' outputs, which must be vectors: each "
                + "expert (a copy of the trunk) outputs [2, 2, 2]; end the trunk with flatten() or a dense layer",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.dselectK(2, 1),
                        WeightingPlan.fixed()).input(1, 4, 4).trunk(Layers.conv2d(2, 3)).build()).getMessage());
        assertEquals("architecture.blocks: block 0's last layer changes the shape from [8] to [3], but MTAN's "
                + "attention mask multiplies one with the other; end the block before that layer",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.mtan(2, 2),
                        WeightingPlan.fixed()).trunk(Layers.dense(8), Layers.dense(3), Layers.dense(4), Layers.tanh())
                        .build()).getMessage());
        assertEquals("trunk: cgc(1, 1) copies the trunk as each expert, but the trunk is empty",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.cgc(1, 1),
                        WeightingPlan.fixed()).trunk().build()).getMessage());
    }
}
