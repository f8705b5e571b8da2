package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import polyhead.mtl.weighting.AlignedMtl;
import polyhead.mtl.weighting.ImtlG;
import polyhead.mtl.weighting.UpGrad;
import polyhead.train.GradientSource;

/** IMTL-G, Aligned-MTL and UPGrad from the Java builder: the strategy, its settings and its gradient source. */
class AggregatorPlansTest {
    @Test
    void thePlansMakeTheirStrategiesAndReadTheRepresentationWhenAsked() {
        assertInstanceOf(ImtlG.class, ExperimentBuilderTest.twoTasks(1).weighting(WeightingPlan.imtlG()).build().weighting());
        assertInstanceOf(AlignedMtl.class, ExperimentBuilderTest.twoTasks(1)
                .weighting(WeightingPlan.alignedMtl().source(GradientSource.REPRESENTATION)).build().weighting());
        UpGrad u = (UpGrad) ExperimentBuilderTest.twoTasks(1).weighting(WeightingPlan.upGrad(0, 1e-6)).build().weighting();
        assertEquals(0, u.normEps());
        assertEquals(1e-6, u.regEps());
        UpGrad d = (UpGrad) ExperimentBuilderTest.twoTasks(1).weighting(WeightingPlan.upGrad()).build().weighting();
        assertEquals(UpGrad.DEFAULT_NORM_EPS, d.normEps());
        assertEquals(UpGrad.DEFAULT_REG_EPS, d.regEps());
        assertEquals(GradientSource.REPRESENTATION, WeightingPlan.upGrad().source(GradientSource.REPRESENTATION).source());
    }

    @Test
    void badSettingsAreOneLineWhenThePlanIsMade() {
        assertEquals("upGrad: needs finite normEps >= 0 and regEps > 0, got normEps=-1.0, regEps=1.0E-4",
                assertThrows(IllegalArgumentException.class, () -> WeightingPlan.upGrad(-1, 1e-4)).getMessage());
        assertEquals("weighting imtlG has no solver tolerance (mgda and caGrad do)",
                assertThrows(IllegalArgumentException.class, () -> WeightingPlan.imtlG().solver(1e-6, 7)).getMessage());
    }
}
