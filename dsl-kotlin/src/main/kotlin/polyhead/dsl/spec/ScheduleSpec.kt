package polyhead.dsl.spec

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * A learning-rate schedule, as the core's `polyhead.optim.schedule.Schedules` (PyTorch 1.13's `lr_scheduler`),
 * counted in optimizer steps. The base rate (the `lr` or `maxLr` argument of `Schedules`) is the optimizer's
 * learning rate, so it is not repeated here. A setting left out (null) is the core's default (`Schedules.DEFAULT_…`),
 * spelled out like the optimizer's ([withCoreDefaults]).
 */
@Serializable
sealed interface ScheduleSpec {
    /** The optimizer's rate throughout. */
    @Serializable
    @SerialName("constant")
    data object Constant : ScheduleSpec

    /** lr·γ^⌊t/stepSize⌋ (`StepLR`). */
    @Serializable
    @SerialName("step")
    data class Step(val stepSize: Int, val gamma: Double? = null) : ScheduleSpec

    /** lr·γ^(milestones reached) (`MultiStepLR`). */
    @Serializable
    @SerialName("multiStep")
    data class MultiStep(val milestones: List<Int>, val gamma: Double? = null) : ScheduleSpec

    /** lr·γ^t (`ExponentialLR`, which has no default γ). */
    @Serializable
    @SerialName("exponential")
    data class Exponential(val gamma: Double) : ScheduleSpec

    /** Cosine annealing from lr to [etaMin] over [tMax] steps (`CosineAnnealingLR`). */
    @Serializable
    @SerialName("cosine")
    data class Cosine(val tMax: Int, val etaMin: Double? = null) : ScheduleSpec

    /** SGDR: cosine restarts, the first period [t0], each next one [tMult] times longer. */
    @Serializable
    @SerialName("cosineWarmRestarts")
    data class CosineWarmRestarts(val t0: Int, val tMult: Int? = null, val etaMin: Double? = null) : ScheduleSpec

    /** The factor moves linearly from [startFactor] to [endFactor] over [totalIters] steps (`LinearLR`). */
    @Serializable
    @SerialName("linear")
    data class Linear(val startFactor: Double, val endFactor: Double, val totalIters: Int) : ScheduleSpec

    /** A linear warm-up from startFactor·lr over [warmupSteps] steps, then [after]. */
    @Serializable
    @SerialName("linearWarmup")
    data class LinearWarmup(
        val warmupSteps: Int,
        val startFactor: Double = 0.0,
        val after: ScheduleSpec = Constant,
    ) : ScheduleSpec

    /** The 1cycle policy peaking at the optimizer's rate (`OneCycleLR`, learning rate only). */
    @Serializable
    @SerialName("oneCycle")
    data class OneCycle(
        val totalSteps: Int,
        val pctStart: Double? = null,
        val anneal: Anneal? = null,
        val divFactor: Double? = null,
        val finalDivFactor: Double? = null,
        val threePhase: Boolean? = null,
    ) : ScheduleSpec
}

/** How a one-cycle phase moves between its rates (PyTorch's `anneal_strategy`). */
@Serializable
enum class Anneal {
    @SerialName("cos") COSINE,
    @SerialName("linear") LINEAR,
}
