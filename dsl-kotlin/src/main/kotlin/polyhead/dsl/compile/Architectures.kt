package polyhead.dsl.compile

import polyhead.data.LabelType
import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.Reduction
import polyhead.dsl.spec.stageRanges
import polyhead.loss.Loss
import polyhead.loss.Losses
import polyhead.metrics.Metrics
import polyhead.mtl.Task
import polyhead.mtl.arch.Architecture
import polyhead.mtl.arch.CrossStitch
import polyhead.mtl.arch.HardSharing
import polyhead.mtl.arch.Mmoe
import polyhead.mtl.arch.SoftSharing
import polyhead.nn.Module
import java.util.Random
import java.util.function.Supplier

/**
 * The architecture of [spec] with its tasks. Parameters are drawn from one generator in a fixed order: first the
 * body — the trunk (hard sharing), each task's tower (soft sharing) or each task's stages (cross-stitch), in task
 * order, or each expert (MMoE) — then the heads in task order, then what the architecture draws itself (MMoE's
 * gates).
 */
internal fun architecture(spec: ExperimentSpec, rng: Random): Architecture {
    val layers = LayerFactory(rng)
    val input = spec.input
    return when (val arch = spec.architecture) {
        ArchitectureSpec.HardSharing -> {
            val trunk = layers.sequential(spec.trunk, input)
            HardSharing(trunk.module, tasks(spec, layers, trunk.output))
        }
        is ArchitectureSpec.SoftSharing -> {
            val towers = spec.tasks.map { layers.sequential(spec.trunk, input) }
            SoftSharing(supplierOf(towers.map { it.module }), tasks(spec, layers, towers.first().output), arch.lambda)
        }
        is ArchitectureSpec.CrossStitch -> {
            val ranges = arch.stageRanges(spec.trunk)
            var output = input
            val stagesByTask = spec.tasks.map {
                var shape = input
                ranges.map { r -> layers.sequential(spec.trunk.slice(r), shape).also { shape = it.output }.module }
                    .also { output = shape }
            }
            // CrossStitch asks each stage's supplier once per task, in task order
            val stages = ranges.indices.map { s -> supplierOf(stagesByTask.map { it[s] }) }
            CrossStitch(stages, tasks(spec, layers, output))
        }
        is ArchitectureSpec.Mmoe -> {
            val experts = (1..arch.experts).map { layers.sequential(spec.trunk, input) }
            val tasks = tasks(spec, layers, experts.first().output)
            val features = input.fold(1) { a, b -> a * b }
            val expert = supplierOf(experts.map { it.module })
            if (arch.oneGate) Mmoe.oneGate(expert, arch.experts, features, tasks, rng)
            else Mmoe.onePerTask(expert, arch.experts, features, tasks, rng)
        }
    }
}

/** The modules of [modules] one per call, in order. */
private fun supplierOf(modules: List<Module>): Supplier<Module> {
    val next = modules.iterator()
    return Supplier { next.next() }
}

private fun tasks(spec: ExperimentSpec, layers: LayerFactory, headInput: List<Int>): List<Task> = spec.tasks.map { t ->
    Task.builder(t.name)
        .head(layers.sequential(t.head, headInput).module)
        .loss(loss(checkNotNull(t.loss) { "task ${t.name} has no loss; validate() reports it" }))
        .weight(t.weight)
        .labels(labelType(t.labels))
        .metrics(*t.metrics.map { Metrics.parse(it.name) }.toTypedArray())
        .build()
}

internal fun labelType(labels: Labels): LabelType = when (labels) {
    Labels.CLASS_INDEX -> LabelType.CLASS_INDEX
    Labels.BINARY -> LabelType.BINARY
    Labels.REAL_VECTOR -> LabelType.REAL_VECTOR
    Labels.PIXEL_CLASS_MAP -> LabelType.PIXEL_CLASS_MAP
}

internal fun loss(spec: LossSpec): Loss {
    val reduction = when (spec.reduction) {
        Reduction.MEAN -> polyhead.loss.Reduction.MEAN
        Reduction.SUM -> polyhead.loss.Reduction.SUM
    }
    return when (spec) {
        is LossSpec.CrossEntropy -> Losses.crossEntropy(spec.labelSmoothing.toFloat(), reduction)
        is LossSpec.BceWithLogits -> Losses.bceWithLogits(reduction)
        is LossSpec.Mse -> Losses.mse(reduction)
        is LossSpec.Mae -> Losses.mae(reduction)
        is LossSpec.Huber -> Losses.huber(spec.delta.toFloat(), reduction)
    }
}
