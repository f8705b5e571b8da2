package polyhead.dsl

import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.AlgorithmSpec.Adadelta
import polyhead.dsl.spec.AlgorithmSpec.Adagrad
import polyhead.dsl.spec.AlgorithmSpec.Adam
import polyhead.dsl.spec.AlgorithmSpec.AdamW
import polyhead.dsl.spec.AlgorithmSpec.Adamax
import polyhead.dsl.spec.AlgorithmSpec.Lion
import polyhead.dsl.spec.AlgorithmSpec.NAdam
import polyhead.dsl.spec.AlgorithmSpec.RAdam
import polyhead.dsl.spec.AlgorithmSpec.RmsProp
import polyhead.dsl.spec.AlgorithmSpec.Sgd
import polyhead.dsl.spec.ClippingSpec
import polyhead.dsl.spec.EmaSpec
import polyhead.dsl.spec.OptimizerSpec
import polyhead.dsl.spec.ParameterGroupSpec
import polyhead.dsl.spec.ParameterSelector
import polyhead.dsl.spec.PlateauMode
import polyhead.dsl.spec.PlateauSpec
import polyhead.dsl.spec.ThresholdMode
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleUnit

/** Clipping, schedule and parameter groups of an optimizer: `adamw(lr = 1e-3) { clipByGlobalNorm(1.0) }`. */
@PolyheadDsl
class OptimizerBuilder @PublishedApi internal constructor(algorithm: AlgorithmSpec) :
    SpecBuilder<OptimizerSpec>(OptimizerSpec(algorithm)), ScheduleScope {
    var schedule: ScheduleSpec by field({ schedule }) { copy(schedule = it) }

    /** Whether [schedule] counts optimizer steps or epochs. */
    var scheduleUnit: ScheduleUnit by field({ scheduleUnit }) { copy(scheduleUnit = it) }

    fun clipByGlobalNorm(maxNorm: Double) {
        spec = spec.copy(clipping = ClippingSpec.GlobalNorm(maxNorm))
    }

    fun clipByNorm(maxNorm: Double) {
        spec = spec.copy(clipping = ClippingSpec.Norm(maxNorm))
    }

    fun clipByValue(maxValue: Double) {
        spec = spec.copy(clipping = ClippingSpec.Value(maxValue))
    }

    /** Apply the mean gradient of this many consecutive batches as one step; 1 for none. */
    var gradientAccumulation: Int by field({ gradientAccumulation }) { copy(gradientAccumulation = it) }

    /** Ascend instead of descend (PyTorch's `maximize=True`). */
    var maximize: Boolean by field({ maximize }) { copy(maximize = it) }

    /** Keep an exponential moving average of the weights with [decay]; the model takes it when the run ends. */
    fun ema(decay: Double) {
        spec = spec.copy(ema = EmaSpec(decay))
    }

    /** PyTorch's `ReduceLROnPlateau`, judged once per epoch; [monitor] null for the trainer's choice. */
    fun reduceOnPlateau(
        mode: PlateauMode = PlateauSpec().mode,
        factor: Double = PlateauSpec().factor,
        patience: Int = PlateauSpec().patience,
        threshold: Double = PlateauSpec().threshold,
        thresholdMode: ThresholdMode = PlateauSpec().thresholdMode,
        cooldown: Int = PlateauSpec().cooldown,
        minLr: Double = PlateauSpec().minLr,
        eps: Double = PlateauSpec().eps,
        monitor: String? = PlateauSpec().monitor,
    ) {
        spec = spec.copy(reduceOnPlateau = PlateauSpec(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps, monitor))
    }

    /** A parameter group: `group(biasesAndNorms()) { weightDecay = 0.0 }`. The first matching group wins. */
    inline fun group(select: ParameterSelector, block: GroupBuilder.() -> Unit) {
        spec = spec.copy(groups = spec.groups + GroupBuilder(select).apply(block).spec)
    }
}

@PolyheadDsl
class GroupBuilder @PublishedApi internal constructor(select: ParameterSelector) :
    SpecBuilder<ParameterGroupSpec>(ParameterGroupSpec(select)) {
    /** The group's learning rate; null keeps the optimizer's. */
    var lr: Double? by field({ lr }) { copy(lr = it) }

    /** The group's weight decay; null keeps the optimizer's. */
    var weightDecay: Double? by field({ weightDecay }) { copy(weightDecay = it) }
}

@PublishedApi
internal inline fun optimizerSpec(algorithm: AlgorithmSpec, block: OptimizerBuilder.() -> Unit): OptimizerSpec =
    OptimizerBuilder(algorithm).apply(block).spec

// Algorithm verbs, for `optimizer = …`. A setting left out (null) is the core's default, which only the core states
// (`polyhead.optim.Optimizers`); `multiTask` spells it out.

inline fun ExperimentBuilder.sgd(
    lr: Double,
    momentum: Double? = null,
    dampening: Double? = null,
    weightDecay: Double? = null,
    nesterov: Boolean? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Sgd(lr = lr, momentum = momentum, dampening = dampening, weightDecay = weightDecay, nesterov = nesterov), block)

inline fun ExperimentBuilder.adagrad(
    lr: Double? = null,
    lrDecay: Double? = null,
    weightDecay: Double? = null,
    initialAccumulator: Double? = null,
    eps: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adagrad(lr = lr, lrDecay = lrDecay, weightDecay = weightDecay, initialAccumulator = initialAccumulator, eps = eps), block)

inline fun ExperimentBuilder.rmsprop(
    lr: Double? = null,
    alpha: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    momentum: Double? = null,
    centered: Boolean? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(RmsProp(lr = lr, alpha = alpha, eps = eps, weightDecay = weightDecay, momentum = momentum, centered = centered), block)

inline fun ExperimentBuilder.adadelta(
    lr: Double? = null,
    rho: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adadelta(lr = lr, rho = rho, eps = eps, weightDecay = weightDecay), block)

inline fun ExperimentBuilder.adam(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    amsgrad: Boolean? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adam(lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weightDecay = weightDecay, amsgrad = amsgrad), block)

inline fun ExperimentBuilder.adamw(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    amsgrad: Boolean? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(AdamW(lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weightDecay = weightDecay, amsgrad = amsgrad), block)

inline fun ExperimentBuilder.adamax(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adamax(lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weightDecay = weightDecay), block)

inline fun ExperimentBuilder.nadam(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    momentumDecay: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(NAdam(lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weightDecay = weightDecay, momentumDecay = momentumDecay), block)

inline fun ExperimentBuilder.radam(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    eps: Double? = null,
    weightDecay: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(RAdam(lr = lr, beta1 = beta1, beta2 = beta2, eps = eps, weightDecay = weightDecay), block)

inline fun ExperimentBuilder.lion(
    lr: Double? = null,
    beta1: Double? = null,
    beta2: Double? = null,
    weightDecay: Double? = null,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Lion(lr = lr, beta1 = beta1, beta2 = beta2, weightDecay = weightDecay), block)

// Parameter selectors, for `group(…)`.

fun OptimizerBuilder.sharedParameters(): ParameterSelector = ParameterSelector.Shared

fun OptimizerBuilder.taskParameters(task: String): ParameterSelector = ParameterSelector.Task(task)

fun OptimizerBuilder.biasesAndNorms(): ParameterSelector = ParameterSelector.BiasesAndNorms

/** Parameters by dotted-name glob: `named("heads.*.bias")`. */
fun OptimizerBuilder.named(pattern: String): ParameterSelector = ParameterSelector.Names(pattern)
