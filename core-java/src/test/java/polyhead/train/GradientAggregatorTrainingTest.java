package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.Optimizers;

/**
 * IMTL-G, Aligned-MTL and UPGrad train every architecture from the gradients of the shared parameters, and from those
 * of the shared representation wherever the architecture has one (elsewhere the trainer refuses in one line, as for
 * every gradient-level strategy): both tasks above 75% on the separable 2-D points.
 */
class GradientAggregatorTrainingTest {
    @Test
    void everyArchitectureAndBothSources() {
        List<Supplier<Weighting>> weightings = List.of(Weightings::imtlG, Weightings::alignedMtl, Weightings::upGrad);
        int representationRuns = 0;
        for (Supplier<Weighting> w : weightings) {
            for (int k = 0; k < TrainerTest.everyArchitecture().size(); k++) {
                for (GradientSource source : GradientSource.values()) {
                    Architecture arch = TrainerTest.everyArchitecture().get(k);
                    String what = arch.typeName() + " × " + w.get().name() + " × " + source;
                    if (source == GradientSource.REPRESENTATION && !arch.hasSharedRepresentation()) {
                        continue;
                    }
                    History h = Trainer.builder(arch).optimizer(Optimizers.adam(0.05)).weighting(w.get())
                            .gradientSource(source).epochs(5).seed(3).build()
                            .fit(TrainerTest.points(15, false), 16, TrainerTest.points(16, false));
                    assertTrue(h.last().get("val.a.accuracy") > 0.75, what + ": " + h.last());
                    assertTrue(h.last().get("val.b.accuracy") > 0.75, what + ": " + h.last());
                    representationRuns += source == GradientSource.REPRESENTATION ? 1 : 0;
                }
            }
        }
        assertTrue(representationRuns >= 6, "runs from the representation: " + representationRuns);
    }
}
