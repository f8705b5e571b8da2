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
import polyhead.mtl.arch.LearningToBranch;
import polyhead.serve.Predictions;
import polyhead.tensor.Tensor;

/**
 * Learning to branch through the Java builder: it trains above chance while searching and with a tree fixed during
 * training, saves and loads with its tree and predicts the same, and bad settings are refused naming the field.
 */
class LearningToBranchPlanTest {
    private static ExperimentBuilder twoSigns(ArchitecturePlan arch, WeightingPlan w) {
        return MixtureArchitecturesTest.twoSigns(arch, w);
    }

    @Test
    void trainsAboveChanceSearchingOrFixingTheTree() {
        Dataset train = ExperimentBuilderTest.points(1, 512);
        Dataset test = ExperimentBuilderTest.points(2, 400);
        for (ArchitecturePlan arch : List.of(ArchitecturePlan.learningToBranch(),
                ArchitecturePlan.learningToBranch(0.5, 40, 2, 2))) {
            for (WeightingPlan w : List.of(WeightingPlan.fixed(), WeightingPlan.pcGrad())) {
                TrainedModel m = twoSigns(arch, w).build().fit(train, null);
                Map<String, Double> r = m.evaluate(test);
                assertTrue(r.get("a.accuracy") > 0.85 && r.get("b.accuracy") > 0.85, arch + " " + w + ": " + r);
                LearningToBranch l = assertInstanceOf(LearningToBranch.class, m.architecture());
                // 512 samples in batches of 32 for 6 epochs: 96 steps, so fixAfter 40 fixed the tree
                assertEquals(arch.fixAfter() > 0, l.isFixed(), arch.toString());
            }
        }
    }

    @Test
    void theBuilderCutsTheTrunkIntoStagesOfTaskNodes() {
        LearningToBranch l = assertInstanceOf(LearningToBranch.class,
                twoSigns(ArchitecturePlan.learningToBranch(), WeightingPlan.fixed()).build().architecture());
        assertEquals(1, l.parents().size(), "two activation stages, one branching between them");
        assertArrayEquals(new int[] {2, 2}, l.stateDict().get("branching.0.logits").shape().dims());
        assertTrue(l.sharedParameters().containsKey("towers.b.0.0.weight"));
        assertTrue(l.taskParameters().get("b").containsKey("towers.b.1.0.weight"));
        assertEquals("learningToBranch(1.0, 0, [])", ArchitecturePlan.learningToBranch().toString());
        assertEquals("learningToBranch(0.5, 3, [1, 3]).layers(4)", ArchitecturePlan.learningToBranch(0.5, 3, 1, 3)
                .layers(Layers.dense(4), Layers.tanh(), Layers.dense(4), Layers.tanh()).toString());
    }

    @Test
    void aSavedModelLoadsWithItsTreeAndPredictsTheSame(@TempDir Path dir) {
        for (ArchitecturePlan arch : List.of(ArchitecturePlan.learningToBranch(0.5, 0),
                ArchitecturePlan.learningToBranch(2.0, 3, 2, 2))) {
            TrainedModel m = twoSigns(arch, WeightingPlan.fixed()).training(TrainingPlan.defaults().epochs(1).seed(3))
                    .build().fit(ExperimentBuilderTest.points(1, 64), null);
            Path saved = dir.resolve("model-" + arch.fixAfter());
            m.save(saved);
            TrainedModel again = TrainedModel.load(saved);
            assertEquals(arch.toString(), again.modelDescription().architecture().toString());
            LearningToBranch before = (LearningToBranch) m.architecture();
            LearningToBranch after = (LearningToBranch) again.architecture();
            assertEquals(before.isFixed(), after.isFixed());
            assertEquals(before.calls(), after.calls());
            assertArrayEquals(before.parents().get(0), after.parents().get(0));
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
        assertEquals("learningToBranch: temperature must be > 0 and fixAfter >= 0, got 0.0 and 1",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.learningToBranch(0.0, 1)).getMessage());
        assertEquals("learningToBranch: stage 1 must have at least 1 layer, got 0",
                assertThrows(IllegalArgumentException.class, () -> ArchitecturePlan.learningToBranch(1.0, 0, 2, 0))
                        .getMessage());
        assertEquals("architecture.stages: the stages cover 3 trunk layers, but the trunk has 4",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.learningToBranch(1.0, 0,
                        1, 2), WeightingPlan.fixed()).build()).getMessage());
        assertEquals("architecture.stages: learningToBranch(1.0, 0, [4]) branches between stages, but there is 1; "
                        + "give at least two stages or a layer list with an activation before its end",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.learningToBranch(1.0, 0,
                        4), WeightingPlan.fixed()).build()).getMessage());
        assertEquals("trunk: learningToBranch(1.0, 0, []) copies the trunk as each task's tower, but the trunk is empty",
                assertThrows(IllegalArgumentException.class, () -> twoSigns(ArchitecturePlan.learningToBranch(),
                        WeightingPlan.fixed()).trunk().build()).getMessage());
    }
}
