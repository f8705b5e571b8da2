package polyhead.dsl.compile

import polyhead.experiment.ArchitecturePlan
import polyhead.experiment.TaskPlan
import polyhead.data.LabelMapping
import polyhead.data.LabelType
import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.DerivedSpec
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.Reduction
import polyhead.dsl.spec.TaskSpec
import polyhead.loss.Loss
import polyhead.loss.Losses
import polyhead.metrics.Metrics

/** The Java builder's plan of [spec]; the builder draws the parameters in the order it documents. */
internal fun architecturePlan(spec: ArchitectureSpec): ArchitecturePlan {
    val plan = plainPlan(spec)
    val own = (spec as? ArchitectureSpec.OwnLayers)?.layers.orEmpty()
    return if (own.isEmpty()) plan else plan.layers(*own.map(::layer).toTypedArray())
}

private fun plainPlan(spec: ArchitectureSpec): ArchitecturePlan = when (spec) {
    ArchitectureSpec.HardSharing -> ArchitecturePlan.hardSharing()
    is ArchitectureSpec.SoftSharing -> ArchitecturePlan.softSharing(spec.lambda)
    is ArchitectureSpec.CrossStitch -> ArchitecturePlan.crossStitch(*spec.stages.toIntArray())
    is ArchitectureSpec.Mmoe -> if (spec.oneGate) ArchitecturePlan.omoe(spec.experts) else ArchitecturePlan.mmoe(spec.experts)
    is ArchitectureSpec.Mtan -> ArchitecturePlan.mtan(*spec.blocks.toIntArray())
    is ArchitectureSpec.LearningToBranch ->
        ArchitecturePlan.learningToBranch(spec.temperature, spec.fixAfter, *spec.stages.toIntArray())
            .temperatureDecay(spec.temperatureDecay)
    is ArchitectureSpec.DSelectK -> ArchitecturePlan.dselectK(spec.experts, spec.selectors, spec.gamma, spec.entropyWeight)
    is ArchitectureSpec.Cgc -> ArchitecturePlan.cgc(spec.sharedExperts, spec.taskExperts)
    is ArchitectureSpec.Ple -> ArchitecturePlan.ple(spec.sharedExperts, spec.taskExperts, *spec.levels.toIntArray())
}

internal fun taskPlan(t: TaskSpec): TaskPlan = TaskPlan.named(t.name)
    .head(t.head.map(::layer))
    .loss(loss(checkNotNull(t.loss) { "task ${t.name} has no loss; validate() reports it" }))
    .weight(t.weight)
    .labels(labelType(t.labels))
    .metrics(*t.metrics.map { Metrics.parse(it.name) }.toTypedArray())
    .classNames(t.classNames)
    .let { plan -> t.derivedFrom?.let { plan.derivedFrom(it.task, labelMapping(it)) } ?: plan }

/** The core's mapping of a derived task's spec, which [polyhead.dsl.spec.validate] found to give exactly one mapping. */
internal fun labelMapping(d: DerivedSpec): LabelMapping =
    d.groups?.let { LabelMapping.toGroup(*it.toIntArray()) }
        ?: LabelMapping.toBinary(*checkNotNull(d.positive) { "derivedFrom without a mapping; validate() reports it" }.toIntArray())

internal fun labelType(labels: Labels): LabelType = when (labels) {
    Labels.CLASS_INDEX -> LabelType.CLASS_INDEX
    Labels.BINARY -> LabelType.BINARY
    Labels.REAL_VECTOR -> LabelType.REAL_VECTOR
    Labels.PIXEL_CLASS_MAP -> LabelType.PIXEL_CLASS_MAP
    Labels.TOKEN_CLASS -> LabelType.TOKEN_CLASS
}

internal fun loss(spec: LossSpec): Loss {
    val reduction = when (spec.reduction) {
        Reduction.MEAN -> polyhead.loss.Reduction.MEAN
        Reduction.SUM -> polyhead.loss.Reduction.SUM
    }
    return when (spec) {
        is LossSpec.CrossEntropy ->
            Losses.crossEntropy(spec.labelSmoothing.toFloat(), reduction, spec.classWeights?.map { it.toFloat() }?.toFloatArray())
        is LossSpec.BceWithLogits -> Losses.bceWithLogits(reduction, spec.posWeight?.map { it.toFloat() }?.toFloatArray())
        is LossSpec.Mse -> Losses.mse(reduction)
        is LossSpec.Mae -> Losses.mae(reduction)
        is LossSpec.Huber -> Losses.huber(spec.delta.toFloat(), reduction)
    }
}
