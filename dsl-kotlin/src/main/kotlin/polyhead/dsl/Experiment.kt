package polyhead.dsl

import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.EarlyStoppingSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.CheckpointSpec
import polyhead.dsl.spec.DerivedSpec
import polyhead.dsl.spec.InitialWeightsSpec
import polyhead.dsl.spec.InputSpec
import polyhead.dsl.spec.SequenceInputSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.MetricSpec
import polyhead.dsl.spec.NonFinite
import polyhead.dsl.spec.OptimizerSpec
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.TaskSpec
import polyhead.dsl.spec.TrainingSpec
import polyhead.dsl.spec.WeightingSpec
import polyhead.dsl.spec.frozen
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
class ExperimentBuilder @PublishedApi internal constructor() : SpecBuilder<ExperimentSpec>(ExperimentSpec()) {
    /** The shape of one sample, without the batch dimension. */
    fun input(vararg dims: Int) {
        spec = spec.copy(input = dims.toList())
    }

    /**
     * A sequence input: sentences of token ids from a vocabulary of the training split's tokens seen at least
     * [minCount] times ([SequenceInputSpec]); the trunk starts with `embedding(dim)`.
     */
    fun sequenceInput(minCount: Int = SequenceInputSpec().minCount) {
        spec = spec.copy(sequenceInput = SequenceInputSpec(minCount))
    }

    /**
     * Adds a named input of per-sample [shape] with its own trunk ([block]); the inputs' trunks are concatenated, in
     * the order they are added, before the shared [trunk] (a multi-input model, instead of [input]).
     */
    inline fun namedInput(name: String, vararg shape: Int, block: LayersBuilder.() -> Unit = {}) {
        spec = spec.copy(inputs = spec.inputs + InputSpec(name, shape.toList(), LayersBuilder().apply(block).layers))
    }

    /** Appends layers to the trunk. */
    inline fun trunk(block: LayersBuilder.() -> Unit) = trunk(true, block)

    /** Appends layers to the trunk; [trainable] false freezes every one of them (fine-tuning on a fixed trunk). */
    inline fun trunk(trainable: Boolean, block: LayersBuilder.() -> Unit) {
        spec = spec.copy(trunk = spec.trunk + LayersBuilder().apply(block).layers(trainable))
    }

    /** Adds a task. */
    inline fun task(name: String, block: TaskBuilder.() -> Unit) {
        spec = spec.copy(tasks = spec.tasks + TaskBuilder(name).apply(block).spec)
    }

    var architecture: ArchitectureSpec by field({ architecture }) { copy(architecture = it) }

    var weighting: WeightingSpec by field({ weighting }) { copy(weighting = it) }

    var optimizer: OptimizerSpec by field({ optimizer }) { copy(optimizer = it) }

    /**
     * Start from the weights of the safetensors [file] (e.g. exported from PyTorch) rather than the seeded draw's,
     * renamed by [map] (`"encoder.*" to "trunk.*"`); see [InitialWeightsSpec].
     */
    fun initialWeights(
        file: String,
        map: Map<String, String> = InitialWeightsSpec(file).map,
        strict: Boolean = InitialWeightsSpec(file).strict,
        sha256: String? = InitialWeightsSpec(file).sha256,
    ) {
        spec = spec.copy(initialWeights = InitialWeightsSpec(file, map, strict, sha256))
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

    /** The layers collected, each frozen unless [trainable]. */
    @PublishedApi
    internal fun layers(trainable: Boolean): List<polyhead.dsl.spec.LayerSpec> =
        if (trainable) layers else layers.map { it.frozen() }
}

@PolyheadDsl
class TaskBuilder @PublishedApi internal constructor(name: String) : SpecBuilder<TaskSpec>(TaskSpec(name)) {
    /** Appends layers to the head. */
    inline fun head(block: LayersBuilder.() -> Unit) = head(true, block)

    /** Appends layers to the head; [trainable] false freezes every one of them. */
    inline fun head(trainable: Boolean, block: LayersBuilder.() -> Unit) {
        spec = spec.copy(head = spec.head + LayersBuilder().apply(block).layers(trainable))
    }

    var loss: LossSpec? by field({ loss }) { copy(loss = it) }

    var weight: Double by field({ weight }) { copy(weight = it) }

    var labels: Labels by field({ labels }) { copy(labels = it) }

    /** Appends metrics reported for this task. */
    fun metrics(vararg metrics: MetricSpec) {
        spec = spec.copy(metrics = spec.metrics + metrics)
    }

    /** The classes' names by index (`"T-shirt/top", "Trouser", …`), which predictions report. */
    fun classNames(vararg names: String) {
        spec = spec.copy(classNames = names.toList())
    }

    /** Labels computed from [task]'s classes: class c is in group `groups[c]` (class-index labels, one per group). */
    fun derivedFrom(task: String, groups: List<Int>) {
        spec = spec.copy(derivedFrom = DerivedSpec(task, groups = groups), labels = Labels.CLASS_INDEX)
    }

    /** Labels computed from [task]'s classes: 1 for the [positive] classes, 0 for the others (binary labels). */
    fun derivedFrom(task: String, positive: Set<Int>) {
        spec = spec.copy(derivedFrom = DerivedSpec(task, positive = positive.toList()), labels = Labels.BINARY)
    }
}

@PolyheadDsl
class TrainingBuilder @PublishedApi internal constructor(spec: TrainingSpec) : SpecBuilder<TrainingSpec>(spec) {
    var epochs: Int by field({ epochs }) { copy(epochs = it) }

    var batchSize: Int by field({ batchSize }) { copy(batchSize = it) }

    var seed: Long by field({ seed }) { copy(seed = it) }

    /** The fraction of the data held out for validation; 0 for none. */
    var validationSplit: Double by field({ validationSplit }) { copy(validationSplit = it) }

    var sampling: Sampling by field({ sampling }) { copy(sampling = it) }

    /** Record task-gradient cosines and norm ratios once per epoch. */
    var diagnostics: Boolean by field({ diagnostics }) { copy(diagnostics = it) }

    /** What a step with a NaN or infinite loss or gradient does. */
    var onNonFinite: NonFinite by field({ onNonFinite }) { copy(onNonFinite = it) }

    /** Samples per batch when the run evaluates; only memory and speed depend on it. */
    var evalBatchSize: Int by field({ evalBatchSize }) { copy(evalBatchSize = it) }

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
    var explodingGradients: Double by field({ explodingGradients }) { copy(explodingGradients = it) }

    /** A checkpoint every [every] epochs, and every [everySteps] steps inside epochs (0: none); the last [keepLast] kept. */
    fun checkpoints(
        every: Int = CheckpointSpec().every,
        keepLast: Int = CheckpointSpec().keepLast,
        everySteps: Int = CheckpointSpec().everySteps,
    ) {
        spec = spec.copy(checkpoints = CheckpointSpec(every, keepLast, everySteps))
    }
}
