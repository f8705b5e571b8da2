package polyhead.dsl.spec

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * The optimizer: an [algorithm] with its settings, optional gradient [clipping] before it (over all parameters
 * together), a learning-rate [schedule] counted in [scheduleUnit]s, an optional [reduceOnPlateau] after it, and
 * parameter [groups] that override the learning rate or weight decay for some parameters (the first group that
 * selects a parameter wins; the rest use the algorithm's settings). A group's learning rate follows the same schedule
 * from its own base rate. (Steps with non-finite gradients are the trainer's: [TrainingSpec.onNonFinite].)
 *
 * @property gradientAccumulation apply the mean gradient of this many consecutive batches as one step; 1 for none
 * @property maximize ascend instead of descend (PyTorch's `maximize=True`): the gradients are negated before the rest
 * @property ema keep an exponential moving average of the weights, which the model takes when the run ends; null for none
 */
@Serializable
data class OptimizerSpec @JvmOverloads constructor(
    val algorithm: AlgorithmSpec = AlgorithmSpec.Adam(),
    val clipping: ClippingSpec? = null,
    val schedule: ScheduleSpec = ScheduleSpec.Constant,
    val scheduleUnit: ScheduleUnit = ScheduleUnit.STEP,
    val reduceOnPlateau: PlateauSpec? = null,
    val groups: List<ParameterGroupSpec> = emptyList(),
    val gradientAccumulation: Int = 1,
    val maximize: Boolean = false,
    val ema: EmaSpec? = null,
)

/**
 * An exponential moving average of the weights (Polyak & Juditsky, 1992), `a ← decay·a + (1 − decay)·p` after every
 * step from the weights at the start; the model takes the averages when the run ends. Validation during the run sees
 * the raw weights, and the average is not saved in checkpoints (so [validate] refuses it with checkpoints, and with
 * early stopping's `restoreBest`, which would put other weights back).
 */
@Serializable
data class EmaSpec(val decay: Double)

/**
 * PyTorch's `ReduceLROnPlateau`, judged after each epoch on [monitor] (a history key; null for the trainer's choice:
 * the early-stopping monitor, else `val.loss`, else `train.loss`): after more than [patience] epochs without an
 * improvement beyond [threshold] (relative or absolute), the learning rate is multiplied by [factor], not below
 * [minLr]; then [cooldown] epochs are not judged. Defaults are PyTorch's.
 */
@Serializable
data class PlateauSpec(
    val mode: PlateauMode = PlateauMode.MIN,
    val factor: Double = 0.1,
    val patience: Int = 10,
    val threshold: Double = 1e-4,
    val thresholdMode: ThresholdMode = ThresholdMode.REL,
    val cooldown: Int = 0,
    val minLr: Double = 0.0,
    val eps: Double = 1e-8,
    val monitor: String? = null,
)

/** Whether the monitored value should go down (a loss) or up (an accuracy). */
@Serializable
enum class PlateauMode {
    @SerialName("min") MIN,
    @SerialName("max") MAX,
}

/** An improvement is relative (`best·(1 ∓ threshold)`) or absolute (`best ∓ threshold`). */
@Serializable
enum class ThresholdMode {
    @SerialName("rel") REL,
    @SerialName("abs") ABS,
}

/** What a schedule counts: optimizer steps, or epochs (PyTorch's `scheduler.step()` once per epoch). */
@Serializable
enum class ScheduleUnit {
    @SerialName("step") STEP,
    @SerialName("epoch") EPOCH,
}

/**
 * An optimization algorithm, one of the core's finished optimizers (`polyhead.optim.OptimizerCatalogue`: PyTorch 1.13's
 * `torch.optim`, Lion after its paper), by name, with its settings by the names of the core's settings records. A
 * setting left out (null) is the core's default, which only the core states: a spec as the DSL returns it or as
 * [SpecJson] reads it has the defaults spelled out (see [withCoreDefaults]). Every algorithm has a learning rate and a
 * weight decay, which parameter groups may override.
 */
@Serializable
sealed interface AlgorithmSpec {
    val lr: Double?
    val weightDecay: Double?

    /** SGD; PyTorch has no default learning rate for it. Weight decay is an L2 term added to the gradient. */
    @Serializable
    @SerialName("sgd")
    data class Sgd(
        override val lr: Double,
        val momentum: Double? = null,
        val dampening: Double? = null,
        override val weightDecay: Double? = null,
        val nesterov: Boolean? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("adagrad")
    data class Adagrad(
        override val lr: Double? = null,
        val lrDecay: Double? = null,
        override val weightDecay: Double? = null,
        val initialAccumulator: Double? = null,
        val eps: Double? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("rmsprop")
    data class RmsProp(
        override val lr: Double? = null,
        val alpha: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
        val momentum: Double? = null,
        val centered: Boolean? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("adadelta")
    data class Adadelta(
        override val lr: Double? = null,
        val rho: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
    ) : AlgorithmSpec

    /** Adam; weight decay is an L2 term added to the gradient (use [AdamW] for decoupled decay). */
    @Serializable
    @SerialName("adam")
    data class Adam(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
        val amsgrad: Boolean? = null,
    ) : AlgorithmSpec

    /** Adam with decoupled weight decay (Loshchilov & Hutter, 2019). */
    @Serializable
    @SerialName("adamw")
    data class AdamW(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
        val amsgrad: Boolean? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("adamax")
    data class Adamax(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("nadam")
    data class NAdam(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
        val momentumDecay: Double? = null,
    ) : AlgorithmSpec

    @Serializable
    @SerialName("radam")
    data class RAdam(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        val eps: Double? = null,
        override val weightDecay: Double? = null,
    ) : AlgorithmSpec

    /** Lion (Chen et al., 2023), with the paper's defaults. */
    @Serializable
    @SerialName("lion")
    data class Lion(
        override val lr: Double? = null,
        val beta1: Double? = null,
        val beta2: Double? = null,
        override val weightDecay: Double? = null,
    ) : AlgorithmSpec
}

/** Gradient clipping applied before the algorithm. */
@Serializable
sealed interface ClippingSpec {
    /** Scale all gradients together so their joint L2 norm is at most [maxNorm] (`clip_grad_norm_`). */
    @Serializable
    @SerialName("globalNorm")
    data class GlobalNorm(val maxNorm: Double) : ClippingSpec

    /** Scale each parameter's gradient so its L2 norm is at most [maxNorm]. */
    @Serializable
    @SerialName("norm")
    data class Norm(val maxNorm: Double) : ClippingSpec

    /** Clamp each gradient value to [−maxValue, maxValue] (`clip_grad_value_`). */
    @Serializable
    @SerialName("value")
    data class Value(val maxValue: Double) : ClippingSpec
}

/**
 * A parameter group: the parameters [select] picks get the [lr] and [weightDecay] given here; null keeps the
 * algorithm's.
 */
@Serializable
data class ParameterGroupSpec(
    val select: ParameterSelector,
    val lr: Double? = null,
    val weightDecay: Double? = null,
)

/** Which parameters a group holds, by their place in the architecture or their dotted names. */
@Serializable
sealed interface ParameterSelector {
    /** The parameters the tasks share (the trunk under hard sharing). */
    @Serializable
    @SerialName("shared")
    data object Shared : ParameterSelector

    /** The parameters that belong to task [name] alone (its head, tower, gate). */
    @Serializable
    @SerialName("task")
    data class Task(val name: String) : ParameterSelector

    /** Every bias, and the shift and scale of normalization layers: what weight decay usually leaves alone. */
    @Serializable
    @SerialName("biasesAndNorms")
    data object BiasesAndNorms : ParameterSelector

    /**
     * Parameters whose dotted name (`trunk.0.weight`, `heads.item.bias`) matches the glob [pattern]: `*` matches
     * within one name part, `**` across parts.
     */
    @Serializable
    @SerialName("names")
    data class Names(val pattern: String) : ParameterSelector
}
