package polyhead.dsl.compile

import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.MgdaNormalization
import polyhead.dsl.spec.WeightingSpec
import polyhead.mtl.weighting.Mgda
import polyhead.mtl.weighting.Weighting
import polyhead.mtl.weighting.Weightings

/** The weighting of [spec]: a fresh strategy (strategies keep state). */
internal fun weighting(spec: ExperimentSpec): Weighting = when (val w = spec.weighting) {
    WeightingSpec.Equal -> Weightings.equal()
    WeightingSpec.Fixed -> Weightings.fixed(spec.tasks.associate { it.name to it.weight })
    is WeightingSpec.Uncertainty -> Weightings.uncertainty(spec.tasks.map { it.name }, w.initialLogVariance)
    is WeightingSpec.Dwa -> Weightings.dwa(w.temperature)
    WeightingSpec.RandomLossWeighting -> Weightings.randomLossWeighting()
    is WeightingSpec.PcGrad -> Weightings.pcGrad()
    is WeightingSpec.Mgda -> Weightings.mgda(
        when (w.normalization) {
            MgdaNormalization.NONE -> Mgda.Normalization.NONE
            MgdaNormalization.L2 -> Mgda.Normalization.L2
            MgdaNormalization.LOSS -> Mgda.Normalization.LOSS
            MgdaNormalization.LOSS_PLUS -> Mgda.Normalization.LOSS_PLUS
        },
    )
    is WeightingSpec.CaGrad -> Weightings.caGrad(w.c)
    is WeightingSpec.NashMtl -> Weightings.nashMtl()
    is WeightingSpec.GradNorm -> Weightings.gradNorm(w.alpha, w.lr ?: spec.optimizer.algorithm.lr)
}

/** Where the trainer reads task gradients; loss-level strategies do not read any. */
internal fun gradientSource(spec: ExperimentSpec): polyhead.train.GradientSource =
    when ((spec.weighting as? WeightingSpec.GradientLevel)?.source ?: GradientSource.PARAMETERS) {
        GradientSource.PARAMETERS -> polyhead.train.GradientSource.PARAMETERS
        GradientSource.REPRESENTATION -> polyhead.train.GradientSource.REPRESENTATION
    }
