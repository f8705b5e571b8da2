package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.mtl.weighting.DbMtl;
import polyhead.mtl.weighting.GradVac;
import polyhead.mtl.weighting.MoCo;
import polyhead.mtl.weighting.Weightings;
import polyhead.train.GradientSource;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * The Java builder reaches the gradient-level weightings that carry state from step to step (GradVac, DB-MTL, MoCo), with their
 * settings and gradient sources, and their runs train above chance.
 */
class HistoryWeightingPlansTest {
    @Test
    void gradVacTakesItsRateAndEitherSourceAndTrains() {
        for (GradientSource source : GradientSource.values()) {
            Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.gradVac(0.2).source(source)).build();
            assertEquals(0.2, ((GradVac) e.weighting()).beta());
            assertEquals(source, e.gradientSource());
            History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
            assertTrue(h.last().get("val.a.accuracy") > 0.75, source + ": " + h.last());
        }
        assertEquals(GradVac.DEFAULT_BETA, ((GradVac) ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.gradVac())
                .build().weighting()).beta());
        assertEquals("gradVac: beta must be in [0, 1], got -0.1", assertThrows(IllegalArgumentException.class,
                () -> ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.gradVac(-0.1)).build()).getMessage());
    }

    @Test
    void dbMtlTakesItsRatesTrainsAndRefusesTheRepresentationInTheBuilderAndTheTrainer() {
        Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.dbMtl(0.5, 0.25)).build();
        DbMtl db = (DbMtl) e.weighting();
        assertEquals(0.5, db.beta());
        assertEquals(0.25, db.betaSigma());
        History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
        assertTrue(h.last().get("val.a.accuracy") > 0.75, h.last().toString());
        assertEquals(DbMtl.DEFAULT_BETA, ((DbMtl) ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.dbMtl())
                .build().weighting()).beta());
        assertEquals("weighting dbMtl keeps each task's gradient from step to step, which gradients of the shared "
                + "representation (one batch's samples) cannot give; it reads the shared parameters",
                assertThrows(IllegalArgumentException.class,
                        () -> WeightingPlan.dbMtl().source(GradientSource.REPRESENTATION)).getMessage());
        assertEquals("dbMtl keeps each task's gradient from step to step, which gradients of the shared "
                + "representation (one batch's samples) cannot give: use gradients of the shared parameters "
                + "(GradientSource.PARAMETERS)", assertThrows(IllegalArgumentException.class,
                        () -> Trainer.builder(e.architecture()).weighting(Weightings.dbMtl())
                                .gradientSource(GradientSource.REPRESENTATION).build()).getMessage());
    }

    @Test
    void moCoTakesItsSettingsTrainsAndRefusesTheRepresentation() {
        Experiment e = ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.moCo(0.4, 0.5, 0.2, 0.25, 0.01)).build();
        assertEquals(java.util.List.of(0.4, 0.5, 0.2, 0.25, 0.01), java.util.Arrays.stream(((MoCo) e.weighting())
                .settings()).boxed().toList());
        History h = e.fit(ExperimentBuilderTest.points(1, 64), ExperimentBuilderTest.points(2, 64)).history();
        assertTrue(h.last().get("val.a.accuracy") > 0.75, h.last().toString());
        assertEquals(MoCo.DEFAULT_GAMMA, ((MoCo) ExperimentBuilderTest.twoTasks(4).weighting(WeightingPlan.moCo())
                .build().weighting()).settings()[2]);
        assertThrows(IllegalArgumentException.class, () -> WeightingPlan.moCo().source(GradientSource.REPRESENTATION));
    }
}
