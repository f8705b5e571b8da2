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
class OptimizerBuilder @PublishedApi internal constructor(algorithm: AlgorithmSpec) : ScheduleScope {
    @PublishedApi
    internal var spec: OptimizerSpec = OptimizerSpec(algorithm)

    var schedule: ScheduleSpec
        get() = spec.schedule
        set(value) {
            spec = spec.copy(schedule = value)
        }

    /** Whether [schedule] counts optimizer steps or epochs. */
    var scheduleUnit: ScheduleUnit
        get() = spec.scheduleUnit
        set(value) {
            spec = spec.copy(scheduleUnit = value)
        }

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
    var gradientAccumulation: Int
        get() = spec.gradientAccumulation
        set(value) {
            spec = spec.copy(gradientAccumulation = value)
        }

    /** Ascend instead of descend (PyTorch's `maximize=True`). */
    var maximize: Boolean
        get() = spec.maximize
        set(value) {
            spec = spec.copy(maximize = value)
        }

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
class GroupBuilder @PublishedApi internal constructor(select: ParameterSelector) {
    @PublishedApi
    internal var spec: ParameterGroupSpec = ParameterGroupSpec(select)

    /** The group's learning rate; null keeps the optimizer's. */
    var lr: Double?
        get() = spec.lr
        set(value) {
            spec = spec.copy(lr = value)
        }

    /** The group's weight decay; null keeps the optimizer's. */
    var weightDecay: Double?
        get() = spec.weightDecay
        set(value) {
            spec = spec.copy(weightDecay = value)
        }
}

@PublishedApi
internal inline fun optimizerSpec(algorithm: AlgorithmSpec, block: OptimizerBuilder.() -> Unit): OptimizerSpec =
    OptimizerBuilder(algorithm).apply(block).spec

// Algorithm verbs, for `optimizer = …`; defaults are read from the spec classes, where they are stated.

inline fun ExperimentBuilder.sgd(
    lr: Double,
    momentum: Double = Sgd(lr).momentum,
    dampening: Double = Sgd(lr).dampening,
    weightDecay: Double = Sgd(lr).weightDecay,
    nesterov: Boolean = Sgd(lr).nesterov,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Sgd(lr, momentum, dampening, weightDecay, nesterov), block)

inline fun ExperimentBuilder.adagrad(
    lr: Double = Adagrad().lr,
    lrDecay: Double = Adagrad().lrDecay,
    weightDecay: Double = Adagrad().weightDecay,
    initialAccumulator: Double = Adagrad().initialAccumulator,
    eps: Double = Adagrad().eps,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adagrad(lr, lrDecay, weightDecay, initialAccumulator, eps), block)

inline fun ExperimentBuilder.rmsprop(
    lr: Double = RmsProp().lr,
    alpha: Double = RmsProp().alpha,
    eps: Double = RmsProp().eps,
    weightDecay: Double = RmsProp().weightDecay,
    momentum: Double = RmsProp().momentum,
    centered: Boolean = RmsProp().centered,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(RmsProp(lr, alpha, eps, weightDecay, momentum, centered), block)

inline fun ExperimentBuilder.adadelta(
    lr: Double = Adadelta().lr,
    rho: Double = Adadelta().rho,
    eps: Double = Adadelta().eps,
    weightDecay: Double = Adadelta().weightDecay,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adadelta(lr, rho, eps, weightDecay), block)

inline fun ExperimentBuilder.adam(
    lr: Double = Adam().lr,
    beta1: Double = Adam().beta1,
    beta2: Double = Adam().beta2,
    eps: Double = Adam().eps,
    weightDecay: Double = Adam().weightDecay,
    amsgrad: Boolean = Adam().amsgrad,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adam(lr, beta1, beta2, eps, weightDecay, amsgrad), block)

inline fun ExperimentBuilder.adamw(
    lr: Double = AdamW().lr,
    beta1: Double = AdamW().beta1,
    beta2: Double = AdamW().beta2,
    eps: Double = AdamW().eps,
    weightDecay: Double = AdamW().weightDecay,
    amsgrad: Boolean = AdamW().amsgrad,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(AdamW(lr, beta1, beta2, eps, weightDecay, amsgrad), block)

inline fun ExperimentBuilder.adamax(
    lr: Double = Adamax().lr,
    beta1: Double = Adamax().beta1,
    beta2: Double = Adamax().beta2,
    eps: Double = Adamax().eps,
    weightDecay: Double = Adamax().weightDecay,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Adamax(lr, beta1, beta2, eps, weightDecay), block)

inline fun ExperimentBuilder.nadam(
    lr: Double = NAdam().lr,
    beta1: Double = NAdam().beta1,
    beta2: Double = NAdam().beta2,
    eps: Double = NAdam().eps,
    weightDecay: Double = NAdam().weightDecay,
    momentumDecay: Double = NAdam().momentumDecay,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(NAdam(lr, beta1, beta2, eps, weightDecay, momentumDecay), block)

inline fun ExperimentBuilder.radam(
    lr: Double = RAdam().lr,
    beta1: Double = RAdam().beta1,
    beta2: Double = RAdam().beta2,
    eps: Double = RAdam().eps,
    weightDecay: Double = RAdam().weightDecay,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(RAdam(lr, beta1, beta2, eps, weightDecay), block)

inline fun ExperimentBuilder.lion(
    lr: Double = Lion().lr,
    beta1: Double = Lion().beta1,
    beta2: Double = Lion().beta2,
    weightDecay: Double = Lion().weightDecay,
    block: OptimizerBuilder.() -> Unit = {},
) = optimizerSpec(Lion(lr, beta1, beta2, weightDecay), block)

// Parameter selectors, for `group(…)`.

fun OptimizerBuilder.sharedParameters(): ParameterSelector = ParameterSelector.Shared

fun OptimizerBuilder.taskParameters(task: String): ParameterSelector = ParameterSelector.Task(task)

fun OptimizerBuilder.biasesAndNorms(): ParameterSelector = ParameterSelector.BiasesAndNorms

/** Parameters by dotted-name glob: `named("heads.*.bias")`. */
fun OptimizerBuilder.named(pattern: String): ParameterSelector = ParameterSelector.Names(pattern)
