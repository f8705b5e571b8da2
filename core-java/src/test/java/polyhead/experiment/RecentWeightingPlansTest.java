package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.mtl.weighting.ExcessMtl;
import polyhead.mtl.weighting.FairGrad;
import polyhead.mtl.weighting.GradDrop;
import polyhead.mtl.weighting.ImtlH;
import polyhead.mtl.weighting.ImtlL;
import polyhead.mtl.weighting.SdmGrad;
import polyhead.mtl.weighting.Weightings;
import polyhead.train.GradientSource;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * The Java builder reaches the weightings of the second round of issue 19 (IMTL-L, IMTL-H, …) with their settings
 * and gradient sources; their runs train above chance, learned state reaches the optimizer and the checkpoint.
 */
class RecentWeightingPlansTest {
    @Test
    void imtlLLearnsItsLossScalesWithTheOptimizer() {
        Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.imtlL()).build();
        ImtlL w = assertInstanceOf(ImtlL.class, e.weighting());
        assertEquals(Map.of("a", 1.0, "b", 1.0), w.weights());
        History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
        assertTrue(h.last().get("val.a.accuracy") > 0.75, h.last().toString());
        assertNotEquals(1.0, w.weights().get("a"), "the scales moved with the optimizer");
    }

    @Test
    void imtlHTrainsFromEitherSourceAndSavesItsScales(@TempDir Path dir) {
        for (GradientSource source : GradientSource.values()) {
            Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.imtlH().source(source)).build();
            ImtlH w = assertInstanceOf(ImtlH.class, e.weighting());
            assertEquals(source, e.gradientSource());
            TrainedModel m = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64));
            assertTrue(m.history().last().get("val.a.accuracy") > 0.75, source + ": " + m.history().last());
            assertNotEquals(1.0, w.weights().get("b"), source + ": the scales moved with the optimizer");
        }
    }

    @Test
    void fairGradTakesItsAlphaAndEitherSourceAndTrains() {
        for (GradientSource source : GradientSource.values()) {
            Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.fairGrad(2).source(source)).build();
            assertEquals(2, assertInstanceOf(FairGrad.class, e.weighting()).alpha());
            assertEquals(source, e.gradientSource());
            History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
            assertTrue(h.last().get("val.a.accuracy") > 0.75, source + ": " + h.last());
        }
        assertEquals(FairGrad.DEFAULT_ALPHA, ((FairGrad) ExperimentBuilderTest.twoTasks(4)
                .weighting(WeightingPlan.fairGrad()).build().weighting()).alpha());
        assertEquals("fairGrad: alpha must be a finite number > 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> WeightingPlan.fairGrad(-1)).getMessage());
    }

    @Test
    void excessMtlTakesItsStepSizeTrainsAndRefusesTheRepresentation() {
        Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.excessMtl(0.1)).build();
        ExcessMtl w = assertInstanceOf(ExcessMtl.class, e.weighting());
        assertEquals(0.1, w.stepSize());
        History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
        assertTrue(h.last().get("val.a.accuracy") > 0.75, h.last().toString());
        assertNotEquals(1.0, w.weights().get("a"), "the weights moved");
        assertEquals(ExcessMtl.DEFAULT_STEP_SIZE, ((ExcessMtl) ExperimentBuilderTest.twoTasks(4)
                .weighting(WeightingPlan.excessMtl()).build().weighting()).stepSize());
        assertEquals("weighting excessMtl keeps each task's gradient from step to step, which gradients of the shared "
                + "representation (one batch's samples) cannot give; it reads the shared parameters",
                assertThrows(IllegalArgumentException.class,
                        () -> WeightingPlan.excessMtl().source(GradientSource.REPRESENTATION)).getMessage());
    }

    @Test
    void sdmGradTakesItsSettingsAndEitherSourceAndTrains() {
        for (GradientSource source : GradientSource.values()) {
            Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.sdmGrad(0.5, 5).source(source))
                    .build();
            SdmGrad w = assertInstanceOf(SdmGrad.class, e.weighting());
            assertEquals(0.5, w.lambda());
            assertEquals(5, w.iterations());
            History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
            assertTrue(h.last().get("val.a.accuracy") > 0.75, source + ": " + h.last());
        }
        assertEquals(SdmGrad.DEFAULT_ITERATIONS, ((SdmGrad) ExperimentBuilderTest.twoTasks(4)
                .weighting(WeightingPlan.sdmGrad()).build().weighting()).iterations());
        assertThrows(IllegalArgumentException.class, () -> WeightingPlan.sdmGrad(0.3, 0));
    }

    @Test
    void gradDropReadsTheRepresentationByDefaultTrainsAndRefusesTheParameters() {
        Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.gradDrop(0.2)).build();
        assertEquals(0.2, assertInstanceOf(GradDrop.class, e.weighting()).leak());
        assertEquals(GradientSource.REPRESENTATION, e.gradientSource());
        History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
        assertTrue(h.last().get("val.a.accuracy") > 0.75, h.last().toString());
        assertEquals(GradDrop.DEFAULT_LEAK, ((GradDrop) ExperimentBuilderTest.twoTasks(4)
                .weighting(WeightingPlan.gradDrop()).build().weighting()).leak());
        assertEquals("weighting gradDrop acts on the features of the shared representation and needs their values, "
                + "which gradients of the shared parameters do not have; it reads the shared representation",
                assertThrows(IllegalArgumentException.class,
                        () -> WeightingPlan.gradDrop().source(GradientSource.PARAMETERS)).getMessage());
        assertEquals("gradDrop acts on the features of the shared representation and needs their values, which "
                + "gradients of the shared parameters do not have: use gradients of the shared representation "
                + "(GradientSource.REPRESENTATION)", assertThrows(IllegalArgumentException.class,
                        () -> Trainer.builder(e.architecture()).weighting(Weightings.gradDrop())
                                .gradientSource(GradientSource.PARAMETERS).build()).getMessage());
    }

    @Test
    void gradDropRunsAreReproducibleFromTheSeed() {
        java.util.function.Supplier<java.util.Map<String, Double>> run = () -> ExperimentBuilderTest.twoTasks(9)
                .weighting(WeightingPlan.gradDrop()).build()
                .fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history().last();
        java.util.Map<String, Double> first = new java.util.HashMap<>(run.get());
        java.util.Map<String, Double> second = new java.util.HashMap<>(run.get());
        first.remove("seconds");
        second.remove("seconds");
        assertEquals(first, second);
    }
}
