package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Dataset;
import polyhead.mtl.arch.LearningToBranch;

/**
 * Learning to branch through the Java builder: the tree is fixed after fixAfter steps and saved and loaded with the
 * model, the trunk is cut into stages of task nodes, and bad settings are refused naming the field.
 */
class LearningToBranchPlanTest {
    private static ExperimentBuilder twoSigns(ArchitecturePlan arch, WeightingPlan w) {
        return MixtureArchitecturesTest.twoSigns(arch, w);
    }

    /** Training above chance, saving and predicting: {@link MixtureArchitecturesTest}; here the tree's state. */
    @Test
    void theTreeIsFixedAfterFixAfterStepsAndLoadsWithTheModel(@TempDir Path dir) {
        Dataset train = ExperimentBuilderTest.points(1, 512);
        int saves = 0;
        for (ArchitecturePlan arch : List.of(ArchitecturePlan.learningToBranch(),
                ArchitecturePlan.learningToBranch(0.5, 40, 2, 2),
                ArchitecturePlan.learningToBranch(0.5, 40, 2, 2).temperatureDecay(16))) {
            TrainedModel m = twoSigns(arch, WeightingPlan.fixed())
                    .training(TrainingPlan.defaults().epochs(6).batchSize(32).seed(7).diagnostics(false))
                    .build().fit(train, null);
            LearningToBranch before = assertInstanceOf(LearningToBranch.class, m.architecture());
            // 512 samples in batches of 32 for 6 epochs: 96 steps (no diagnostic passes), so fixAfter 40 fixed the tree
            // after 40 draws
            assertEquals(arch.fixAfter() > 0, before.isFixed(), arch.toString());
            assertEquals(arch.fixAfter() > 0 ? 40 : 96, before.calls(), arch.toString());
            Path saved = dir.resolve("model-" + saves++);
            m.save(saved);
            LearningToBranch after = (LearningToBranch) TrainedModel.load(saved).architecture();
            // the temperature schedule comes back with the model: 0.5/√(1 + ⌊50/16⌋) = 0.25 with the decay
            assertEquals(arch.temperatureDecay() > 0 ? 0.25 : arch.temperature(), after.temperatureAt(50), 1e-12);
            assertEquals(before.temperatureAt(50), after.temperatureAt(50), 0.0);
            assertEquals(before.isFixed(), after.isFixed());
            assertEquals(before.calls(), after.calls());
            assertArrayEquals(before.parents().get(0), after.parents().get(0));
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
        assertEquals("learningToBranch(1.0, 0, []).temperatureDecay(469)",
                ArchitecturePlan.learningToBranch().temperatureDecay(469).toString());
        assertEquals("learningToBranch(0.5, 3, [1, 3]).layers(4)", ArchitecturePlan.learningToBranch(0.5, 3, 1, 3)
                .layers(Layers.dense(4), Layers.tanh(), Layers.dense(4), Layers.tanh()).toString());
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertEquals("learningToBranch: temperatureDecay must be >= 0 (0: constant), got -2",
                assertThrows(IllegalArgumentException.class,
                        () -> ArchitecturePlan.learningToBranch().temperatureDecay(-2)).getMessage());
        assertEquals("hardSharing has no temperature (learningToBranch has)",
                assertThrows(IllegalArgumentException.class,
                        () -> ArchitecturePlan.hardSharing().temperatureDecay(2)).getMessage());
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
