package polyhead.dsl

import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.EarlyStoppingSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.CheckpointSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.MetricSpec
import polyhead.dsl.spec.NonFinite
import polyhead.dsl.spec.OptimizerSpec
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.TaskSpec
import polyhead.dsl.spec.TrainingSpec
import polyhead.dsl.spec.WeightingSpec
import polyhead.dsl.spec.withCoreDefaults

/**
 * Describes a multi-task experiment and returns its [ExperimentSpec]. The builders only collect: nothing is checked
 * here (see `polyhead.dsl.spec.validate`), and every setting left out keeps the spec's default (for the optimizer's
 * settings, the core's, spelled out: `polyhead.dsl.spec.withCoreDefaults`).
 *
 * ```
 * val spec = multiTask {
 *     input(1, 28, 28)
 *     trunk { conv2d(10, kernel = 5); relu(); maxPool(2); flatten(); dense(50); relu() }
 *     task("item") { head { dense(10) }; loss = crossEntropy(); metrics(accuracy()) }
 *     optimizer = adamw(lr = 1e-3) { clipByGlobalNorm(1.0) }
 * }
 * ```
 */
inline fun multiTask(block: ExperimentBuilder.() -> Unit): ExperimentSpec =
    ExperimentBuilder().apply(block).spec.withCoreDefaults()

@PolyheadDsl
class ExperimentBuilder @PublishedApi internal constructor() {
    @PublishedApi
    internal var spec: ExperimentSpec = ExperimentSpec()

    /** The shape of one sample, without the batch dimension. */
    fun input(vararg dims: Int) {
        spec = spec.copy(input = dims.toList())
    }

    /** Appends layers to the trunk. */
    inline fun trunk(block: LayersBuilder.() -> Unit) {
        spec = spec.copy(trunk = spec.trunk + LayersBuilder().apply(block).layers)
    }

    /** Adds a task. */
    inline fun task(name: String, block: TaskBuilder.() -> Unit) {
        spec = spec.copy(tasks = spec.tasks + TaskBuilder(name).apply(block).spec)
    }

    var architecture: ArchitectureSpec
        get() = spec.architecture
        set(value) {
            spec = spec.copy(architecture = value)
        }

    var weighting: WeightingSpec
        get() = spec.weighting
        set(value) {
            spec = spec.copy(weighting = value)
        }

    var optimizer: OptimizerSpec
        get() = spec.optimizer
        set(value) {
            spec = spec.copy(optimizer = value)
        }

    inline fun training(block: TrainingBuilder.() -> Unit) {
        spec = spec.copy(training = TrainingBuilder(spec.training).apply(block).spec)
    }
}

@PolyheadDsl
class LayersBuilder @PublishedApi internal constructor() {
    @PublishedApi
    internal val layers = mutableListOf<polyhead.dsl.spec.LayerSpec>()

    /** Appends [layer]; the layer verbs (`dense`, `conv2d`, `relu`, …) call this. */
    fun add(layer: polyhead.dsl.spec.LayerSpec) {
        layers += layer
    }
}

@PolyheadDsl
class TaskBuilder @PublishedApi internal constructor(name: String) {
    @PublishedApi
    internal var spec: TaskSpec = TaskSpec(name)

    /** Appends layers to the head. */
    inline fun head(block: LayersBuilder.() -> Unit) {
        spec = spec.copy(head = spec.head + LayersBuilder().apply(block).layers)
    }

    var loss: LossSpec?
        get() = spec.loss
        set(value) {
            spec = spec.copy(loss = value)
        }

    var weight: Double
        get() = spec.weight
        set(value) {
            spec = spec.copy(weight = value)
        }

    var labels: Labels
        get() = spec.labels
        set(value) {
            spec = spec.copy(labels = value)
        }

    /** Appends metrics reported for this task. */
    fun metrics(vararg metrics: MetricSpec) {
        spec = spec.copy(metrics = spec.metrics + metrics)
    }
}

@PolyheadDsl
class TrainingBuilder @PublishedApi internal constructor(@PublishedApi internal var spec: TrainingSpec) {
    var epochs: Int
        get() = spec.epochs
        set(value) {
            spec = spec.copy(epochs = value)
        }

    var batchSize: Int
        get() = spec.batchSize
        set(value) {
            spec = spec.copy(batchSize = value)
        }

    var seed: Long
        get() = spec.seed
        set(value) {
            spec = spec.copy(seed = value)
        }

    /** The fraction of the data held out for validation; 0 for none. */
    var validationSplit: Double
        get() = spec.validationSplit
        set(value) {
            spec = spec.copy(validationSplit = value)
        }

    var sampling: Sampling
        get() = spec.sampling
        set(value) {
            spec = spec.copy(sampling = value)
        }

    /** Record task-gradient cosines and norm ratios once per epoch. */
    var diagnostics: Boolean
        get() = spec.diagnostics
        set(value) {
            spec = spec.copy(diagnostics = value)
        }

    /** What a step with a NaN or infinite loss or gradient does. */
    var onNonFinite: NonFinite
        get() = spec.onNonFinite
        set(value) {
            spec = spec.copy(onNonFinite = value)
        }

    /** Samples per batch when the run evaluates; only memory and speed depend on it. */
    var evalBatchSize: Int
        get() = spec.evalBatchSize
        set(value) {
            spec = spec.copy(evalBatchSize = value)
        }

    /** Early stopping on [monitor]; [higherIsBetter] null reads the direction from the monitor. */
    fun earlyStopping(
        monitor: String,
        patience: Int = EarlyStoppingSpec(monitor).patience,
        minDelta: Double = EarlyStoppingSpec(monitor).minDelta,
        restoreBest: Boolean = EarlyStoppingSpec(monitor).restoreBest,
        higherIsBetter: Boolean? = EarlyStoppingSpec(monitor).higherIsBetter,
    ) {
        spec = spec.copy(earlyStopping = EarlyStoppingSpec(monitor, patience, minDelta, restoreBest, higherIsBetter))
    }

    /** Report a step whose gradient norm exceeds this many times its running mean; 0 for no reports. */
    var explodingGradients: Double
        get() = spec.explodingGradients
        set(value) {
            spec = spec.copy(explodingGradients = value)
        }

    /** A checkpoint every [every] epochs, and every [everySteps] steps inside epochs (0: none); the last [keepLast] kept. */
    fun checkpoints(
        every: Int = CheckpointSpec().every,
        keepLast: Int = CheckpointSpec().keepLast,
        everySteps: Int = CheckpointSpec().everySteps,
    ) {
        spec = spec.copy(checkpoints = CheckpointSpec(every, keepLast, everySteps))
    }
}
