package polyhead.dsl

import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.WeightingSpec

// Weighting verbs for `weighting = …` added with issue 19's second round (the earlier ones are in Architectures.kt).

/** IMTL-L: one learned loss scale per task, trained by the optimizer. */
fun ExperimentBuilder.imtlL(): WeightingSpec = WeightingSpec.ImtlL

/** IMTL-H: IMTL-G on the gradients of IMTL-L's scaled losses. */
fun ExperimentBuilder.imtlH(source: GradientSource = WeightingSpec.ImtlH().source): WeightingSpec =
    WeightingSpec.ImtlH(source)

/** FairGrad: the α-fair update; [alpha] 1 is proportional fairness, larger values approach max-min fairness. */
fun ExperimentBuilder.fairGrad(
    alpha: Double = WeightingSpec.FairGrad().alpha,
    source: GradientSource = WeightingSpec.FairGrad().source,
): WeightingSpec = WeightingSpec.FairGrad(alpha, source)

/** ExcessMTL; the task weights take exponentiated-gradient steps of size [stepSize]; shared parameters only. */
fun ExperimentBuilder.excessMtl(stepSize: Double = WeightingSpec.ExcessMtl().stepSize): WeightingSpec =
    WeightingSpec.ExcessMtl(stepSize)

/** SDMGrad; [iterations] projected steps for the weights per training step, regularization [lambda] toward the mean gradient. */
fun ExperimentBuilder.sdmGrad(
    lambda: Double = WeightingSpec.SdmGrad().lambda,
    iterations: Int = WeightingSpec.SdmGrad().iterations,
    source: GradientSource = WeightingSpec.SdmGrad().source,
): WeightingSpec = WeightingSpec.SdmGrad(lambda, iterations, source)

/** GradDrop; a dropped gradient keeps the fraction [leak]; reads the shared representation only. */
fun ExperimentBuilder.gradDrop(leak: Double = WeightingSpec.GradDrop().leak): WeightingSpec = WeightingSpec.GradDrop(leak)
