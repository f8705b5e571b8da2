package polyhead.dsl

import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.MgdaNormalization
import polyhead.dsl.spec.WeightingSpec

// Architecture and weighting verbs, for `architecture = …` and `weighting = …`.

fun ExperimentBuilder.hardSharing(): ArchitectureSpec = ArchitectureSpec.HardSharing

fun ExperimentBuilder.softSharing(lambda: Double = ArchitectureSpec.SoftSharing().lambda): ArchitectureSpec =
    ArchitectureSpec.SoftSharing(lambda)

/** Cross-stitch; [stages] are the trunk's stage lengths in layers, none for a stage ending at each activation. */
fun ExperimentBuilder.crossStitch(vararg stages: Int): ArchitectureSpec = ArchitectureSpec.CrossStitch(stages.toList())

fun ExperimentBuilder.mmoe(experts: Int, oneGate: Boolean = ArchitectureSpec.Mmoe(experts).oneGate): ArchitectureSpec =
    ArchitectureSpec.Mmoe(experts, oneGate)

fun ExperimentBuilder.equal(): WeightingSpec = WeightingSpec.Equal

fun ExperimentBuilder.fixed(): WeightingSpec = WeightingSpec.Fixed

fun ExperimentBuilder.uncertainty(
    initialLogVariance: Double = WeightingSpec.Uncertainty().initialLogVariance,
): WeightingSpec = WeightingSpec.Uncertainty(initialLogVariance)

fun ExperimentBuilder.dwa(temperature: Double = WeightingSpec.Dwa().temperature): WeightingSpec =
    WeightingSpec.Dwa(temperature)

fun ExperimentBuilder.randomLossWeighting(): WeightingSpec = WeightingSpec.RandomLossWeighting

fun ExperimentBuilder.pcGrad(source: GradientSource = WeightingSpec.PcGrad().source): WeightingSpec =
    WeightingSpec.PcGrad(source)

fun ExperimentBuilder.mgda(
    normalization: MgdaNormalization = WeightingSpec.Mgda().normalization,
    source: GradientSource = WeightingSpec.Mgda().source,
): WeightingSpec = WeightingSpec.Mgda(normalization, source)

fun ExperimentBuilder.caGrad(
    c: Double = WeightingSpec.CaGrad().c,
    source: GradientSource = WeightingSpec.CaGrad().source,
): WeightingSpec = WeightingSpec.CaGrad(c, source)

fun ExperimentBuilder.nashMtl(source: GradientSource = WeightingSpec.NashMtl().source): WeightingSpec =
    WeightingSpec.NashMtl(source)

/** GradNorm; the task weights learn at [lr], by default the optimizer's learning rate. */
fun ExperimentBuilder.gradNorm(
    alpha: Double = WeightingSpec.GradNorm().alpha,
    lr: Double? = WeightingSpec.GradNorm().lr,
    source: GradientSource = WeightingSpec.GradNorm().source,
): WeightingSpec = WeightingSpec.GradNorm(alpha, lr, source)
