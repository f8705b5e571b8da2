package polyhead.mtl.weighting;

/**
 * A gradient weighting whose task weights α are a function of the Gram matrix M = G Gᵀ of the task gradients alone
 * (IMTL-G, Aligned-MTL, UPGrad; IMTL-H, whose learned loss scales act in its task objectives, before the rows are
 * formed): the update is d = Σ_t α_t g_t, and every head's own gradient is
 * weighted 1. Reading only the gradients, such a weighting works over the shared parameters and over the shared
 * representation alike.
 */
abstract class GramWeighting implements GramDeterminedWeighting {
    private final String name;

    GramWeighting(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        GradientRows.check(name, gram);
        return GramCombination.headsWeightedOne(taskWeights(gram.gram()));
    }

    /** α for gradients of Gram matrix {@code gram}, which this must not modify. */
    abstract double[] taskWeights(double[][] gram);
}
