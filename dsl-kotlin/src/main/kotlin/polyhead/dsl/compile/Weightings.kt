package polyhead.dsl.compile

import polyhead.experiment.WeightingPlan
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.MgdaNormalization
import polyhead.dsl.spec.ScheduleUnit
import polyhead.dsl.spec.WeightingSpec
import polyhead.mtl.weighting.Mgda
import polyhead.mtl.weighting.ScheduledWeights
import java.util.function.DoubleFunction

/** The Java builder's plan of the weighting of [spec], reading gradients where the spec says. */
internal fun weightingPlan(spec: ExperimentSpec): WeightingPlan {
    val plan = when (val w = spec.weighting) {
        WeightingSpec.Equal -> WeightingPlan.equal()
        WeightingSpec.Fixed -> WeightingPlan.fixed()
        is WeightingSpec.Scheduled -> WeightingPlan.scheduled(
            w.weights.mapValues { (_, s) -> DoubleFunction { weight -> schedule(s, weight) } },
            when (w.unit) {
                ScheduleUnit.STEP -> ScheduledWeights.Unit.STEP
                ScheduleUnit.EPOCH -> ScheduledWeights.Unit.EPOCH
            },
        )
        is WeightingSpec.Uncertainty -> WeightingPlan.uncertainty(w.initialLogVariance).let {
            if (w.initialLogVariances.isEmpty()) it else it.initialLogVariances(w.initialLogVariances)
        }
        is WeightingSpec.Dwa -> WeightingPlan.dwa(w.temperature)
        WeightingSpec.RandomLossWeighting -> WeightingPlan.randomLossWeighting()
        is WeightingSpec.PcGrad -> WeightingPlan.pcGrad()
        is WeightingSpec.Mgda -> WeightingPlan.mgda(
            when (w.normalization) {
                MgdaNormalization.NONE -> Mgda.Normalization.NONE
                MgdaNormalization.L2 -> Mgda.Normalization.L2
                MgdaNormalization.LOSS -> Mgda.Normalization.LOSS
                MgdaNormalization.LOSS_PLUS -> Mgda.Normalization.LOSS_PLUS
            },
        ).solver(w.tolerance, w.maxIterations)
        is WeightingSpec.CaGrad -> WeightingPlan.caGrad(w.c).solver(w.tolerance, w.maxIterations)
        is WeightingSpec.NashMtl -> WeightingPlan.nashMtl().maxIterations(w.maxIterations)
        is WeightingSpec.GradNorm -> (w.lr?.let { WeightingPlan.gradNorm(w.alpha, it) } ?: WeightingPlan.gradNorm(w.alpha)).let {
            if (w.initialWeights.isEmpty()) it else it.initialWeights(w.initialWeights)
        }
        is WeightingSpec.ImtlG -> WeightingPlan.imtlG()
        WeightingSpec.ImtlL -> WeightingPlan.imtlL()
        is WeightingSpec.ImtlH -> WeightingPlan.imtlH()
        is WeightingSpec.FairGrad -> WeightingPlan.fairGrad(w.alpha)
        is WeightingSpec.ExcessMtl -> WeightingPlan.excessMtl(w.stepSize)
        is WeightingSpec.SdmGrad -> WeightingPlan.sdmGrad(w.lambda, w.iterations)
        is WeightingSpec.GradDrop -> WeightingPlan.gradDrop(w.leak)
        is WeightingSpec.AlignedMtl -> WeightingPlan.alignedMtl()
        is WeightingSpec.UpGrad -> WeightingPlan.upGrad(w.normEps, w.regEps)
        is WeightingSpec.Famo -> WeightingPlan.famo(w.lr, w.weightDecay)
        WeightingSpec.Gls -> WeightingPlan.gls()
        is WeightingSpec.Stch -> WeightingPlan.stch(w.mu, w.warmupEpochs)
        is WeightingSpec.GradVac -> WeightingPlan.gradVac(w.beta)
        is WeightingSpec.DbMtl -> WeightingPlan.dbMtl(w.beta, w.betaSigma)
        is WeightingSpec.MoCo -> WeightingPlan.moCo(w.beta, w.betaSigma, w.gamma, w.gammaSigma, w.rho)
    }
    val w = spec.weighting
    return if (w is WeightingSpec.GradientLevel) plan.source(gradientSource(w.source)) else plan
}

internal fun gradientSource(s: GradientSource): polyhead.train.GradientSource = when (s) {
    GradientSource.PARAMETERS -> polyhead.train.GradientSource.PARAMETERS
    GradientSource.REPRESENTATION -> polyhead.train.GradientSource.REPRESENTATION
}
