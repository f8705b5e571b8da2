package polyhead.dsl.spec

import kotlinx.serialization.EncodeDefault
import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * How the per-task losses become one update: loss-level strategies combine the losses into one scalar;
 * gradient-level ones ([GradientLevel]) combine the tasks' gradients of the shared part, read where [GradientLevel.source]
 * says.
 */
@Serializable
sealed interface WeightingSpec {
    /** A strategy that combines task gradients rather than losses. */
    sealed interface GradientLevel : WeightingSpec {
        val source: GradientSource
    }

    /** Σ L_t: every task weighs 1, whatever its declared weight. */
    @Serializable
    @SerialName("equal")
    data object Equal : WeightingSpec

    /** Σ w_t·L_t with each task's declared weight. */
    @Serializable
    @SerialName("fixed")
    data object Fixed : WeightingSpec

    /**
     * Σ w_t(n)·L_t with each listed task's weight following its schedule from the task's declared weight, counted in
     * optimizer steps or epochs ([unit]); tasks not listed keep their declared weight.
     */
    @Serializable
    @SerialName("scheduled")
    data class Scheduled(
        val weights: Map<String, ScheduleSpec>,
        val unit: ScheduleUnit = ScheduleUnit.STEP,
    ) : WeightingSpec

    /**
     * Homoscedastic uncertainty weighting (Kendall, Gal & Cipolla, 2018), Σ_t ½(e^{−s_t}·L_t + s_t) with one learned
     * log-variance s_t per task, starting at [initialLogVariance], or for the tasks named in [initialLogVariances] at
     * theirs (left out of the JSON when empty).
     */
    @Serializable
    @SerialName("uncertainty")
    @OptIn(ExperimentalSerializationApi::class)
    data class Uncertainty @JvmOverloads constructor(
        val initialLogVariance: Double = 0.0,
        @EncodeDefault(EncodeDefault.Mode.NEVER) val initialLogVariances: Map<String, Double> = emptyMap(),
    ) : WeightingSpec

    /** Dynamic weight average (Liu, Johns & Davison, 2019) with softmax [temperature] T. */
    @Serializable
    @SerialName("dwa")
    data class Dwa(val temperature: Double = 2.0) : WeightingSpec

    /** Random loss weighting (Lin et al., 2022): weights drawn afresh every step from the run's seeded generator. */
    @Serializable
    @SerialName("randomLossWeighting")
    data object RandomLossWeighting : WeightingSpec

    /** Projecting conflicting gradients (Yu et al., 2020). */
    @Serializable
    @SerialName("pcGrad")
    data class PcGrad(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /**
     * Multiple-gradient descent, the min-norm point of the task gradients (Sener & Koltun, 2018), each gradient
     * divided first as [normalization] says. The simplex solver stops when a step changes the weights by less than
     * [tolerance] (relative to the largest squared gradient norm) or after [maxIterations].
     */
    @Serializable
    @SerialName("mgda")
    data class Mgda @JvmOverloads constructor(
        val normalization: MgdaNormalization = MgdaNormalization.LOSS_PLUS,
        override val source: GradientSource = GradientSource.PARAMETERS,
        val tolerance: Double = 1e-13,
        val maxIterations: Int = 1000,
    ) : GradientLevel

    /**
     * Conflict-averse gradient descent (Liu et al., 2021) with radius factor [c] in [0, 1); its dual is solved on the
     * simplex to [tolerance] or for at most [maxIterations], as [Mgda]'s.
     */
    @Serializable
    @SerialName("caGrad")
    data class CaGrad @JvmOverloads constructor(
        val c: Double = 0.5,
        override val source: GradientSource = GradientSource.PARAMETERS,
        val tolerance: Double = 1e-13,
        val maxIterations: Int = 1000,
    ) : GradientLevel

    /** Nash bargaining over task gradients (Navon et al., 2022), solved by at most [maxIterations] Newton steps. */
    @Serializable
    @SerialName("nashMtl")
    data class NashMtl @JvmOverloads constructor(
        override val source: GradientSource = GradientSource.PARAMETERS,
        val maxIterations: Int = 1000,
    ) : GradientLevel

    /**
     * Gradient normalization (Chen et al., 2018) with asymmetry [alpha]; the task weights learn at [lr], null for the
     * optimizer's learning rate. They start at 1, or for the tasks named in [initialWeights] at theirs (> 0; only
     * ratios matter, the weights are renormalized to sum to the number of tasks; left out of the JSON when empty).
     */
    @Serializable
    @SerialName("gradNorm")
    @OptIn(ExperimentalSerializationApi::class)
    data class GradNorm @JvmOverloads constructor(
        val alpha: Double = 1.5,
        val lr: Double? = null,
        override val source: GradientSource = GradientSource.PARAMETERS,
        @EncodeDefault(EncodeDefault.Mode.NEVER) val initialWeights: Map<String, Double> = emptyMap(),
    ) : GradientLevel

    /** IMTL-G (Liu et al., 2021): the update projects equally onto every task's unit gradient. */
    @Serializable
    @SerialName("imtlG")
    data class ImtlG(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /**
     * IMTL-L (Liu et al., 2021): one learned loss scale s_t per task, from 0, and the objective Σ_t (e^{s_t}·L_t − s_t);
     * the scales are trained by the experiment's optimizer.
     */
    @Serializable
    @SerialName("imtlL")
    data object ImtlL : WeightingSpec

    /**
     * IMTL-H (Liu et al., 2021): IMTL-G's update on the gradients of IMTL-L's scaled losses e^{s_t}·L_t − s_t, the
     * scales trained by the experiment's optimizer.
     */
    @Serializable
    @SerialName("imtlH")
    data class ImtlH(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /**
     * FairGrad (Ban & Ji, 2024): the update whose weights w solve GᵀG·w = w^(−1/[alpha]), the α-fair allocation of
     * the loss decreases among tasks ([alpha] finite and > 0; 1 is proportional fairness).
     */
    @Serializable
    @SerialName("fairGrad")
    data class FairGrad @JvmOverloads constructor(
        val alpha: Double = 1.0,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * ExcessMTL (He et al., 2024): task weights that grow with each task's estimated excess risk, by
     * exponentiated-gradient steps of size [stepSize] (≥ 0). Reads the shared parameters only (the squared-gradient
     * sums need the same gradient row at every step).
     */
    @Serializable
    @SerialName("excessMtl")
    data class ExcessMtl @JvmOverloads constructor(
        val stepSize: Double = 0.01,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * SDMGrad (Xiao, Ban & Ji, 2023): simplex weights found by [iterations] (≥ 1) projected gradient steps per training
     * step, the update pulled toward the average gradient by [lambda] (≥ 0). The batch's gradients stand for the three
     * independent batches of the paper's estimator.
     */
    @Serializable
    @SerialName("sdmGrad")
    data class SdmGrad @JvmOverloads constructor(
        val lambda: Double = 0.3,
        val iterations: Int = 20,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * GradDrop (Chen et al., 2020): at each feature of the shared representation, the task gradients of one sign are
     * kept at random, positive with the probability that measures how positive they are; a dropped gradient keeps
     * the fraction [leak] in [0, 1]. Reads the shared representation only (it needs the representation's values), so
     * [source] is `representation` by default and must stay so.
     */
    @Serializable
    @SerialName("gradDrop")
    data class GradDrop @JvmOverloads constructor(
        val leak: Double = 0.0,
        override val source: GradientSource = GradientSource.REPRESENTATION,
    ) : GradientLevel

    /** Aligned-MTL (Senushkin et al., 2023): the task gradients aligned to orthogonal components of equal size. */
    @Serializable
    @SerialName("alignedMtl")
    data class AlignedMtl(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /**
     * UPGrad (Quinton & Rey, 2024): each task gradient projected onto the dual cone of all of them; the Gramian is
     * divided by its trace unless that is below [normEps] (≥ 0) and regularized by [regEps] (> 0) on its diagonal.
     */
    @Serializable
    @SerialName("upGrad")
    data class UpGrad @JvmOverloads constructor(
        val normEps: Double = 1e-4,
        val regEps: Double = 1e-4,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * Fast adaptive multitask optimization (Liu, Feng, Stone & Liu, 2023): one logit per task whose softmax sets the
     * rate at which each log-loss should fall; the logits learn at [lr] with weight decay [weightDecay] from what each
     * step did to the losses (one extra forward pass per step).
     */
    @Serializable
    @SerialName("famo")
    data class Famo @JvmOverloads constructor(val lr: Double = 0.025, val weightDecay: Double = 0.001) : WeightingSpec

    /** Geometric loss strategy (Chennupati et al., 2019): the geometric mean of the task losses. */
    @Serializable
    @SerialName("gls")
    data object Gls : WeightingSpec

    /**
     * Smooth Tchebycheff scalarization (Lin et al., 2024) with smoothing [mu] of the log-losses normalized by a nadir
     * vector: epochs 0 … [warmupEpochs] minimize Σ log L_t, the last of them also averages the losses into the nadir
     * vector, and the scalarization runs from the epoch after.
     */
    @Serializable
    @SerialName("stch")
    data class Stch @JvmOverloads constructor(val mu: Double = 1.0, val warmupEpochs: Int = 4) : WeightingSpec

    /**
     * Gradient vaccine (Wang, Tsvetkov, Firat & Cao, 2021): each pair of task gradients is raised to a cosine
     * similarity target that follows an exponential moving average with rate [beta] in [0, 1].
     */
    @Serializable
    @SerialName("gradVac")
    data class GradVac @JvmOverloads constructor(
        val beta: Double = 0.5,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * Dual balancing (Lin, Ye & Zhang, 2023): gradients of log L_t, averaged per task at rate [beta]/k^[betaSigma] and
     * scaled to the largest average's norm. Reads the shared parameters only (the averages need the same gradient
     * row at every step).
     */
    @Serializable
    @SerialName("dbMtl")
    data class DbMtl @JvmOverloads constructor(
        val beta: Double = 0.9,
        val betaSigma: Double = 0.0,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /**
     * MoCo (Fernando et al., 2023): per-task tracking of the normalized gradients at rate [beta]/k^[betaSigma], task
     * weights stepped at [gamma]/k^[gammaSigma] with ℓ2 regularization [rho]. Reads the shared parameters only.
     */
    @Serializable
    @SerialName("moCo")
    data class MoCo @JvmOverloads constructor(
        val beta: Double = 0.5,
        val betaSigma: Double = 0.5,
        val gamma: Double = 0.1,
        val gammaSigma: Double = 0.5,
        val rho: Double = 0.0,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel
}

/** What MGDA divides each task gradient g_t by before combining: 1, ‖g_t‖, L_t, or L_t·‖g_t‖. */
@Serializable
enum class MgdaNormalization {
    @SerialName("none") NONE,
    @SerialName("l2") L2,
    @SerialName("loss") LOSS,
    @SerialName("lossPlus") LOSS_PLUS,
}

/**
 * Where gradient-level strategies read the task gradients: of the shared parameters (exact), or of the shared
 * representation, the trunk's output (cheaper; needs an architecture that has one: hard sharing or MMoE).
 */
@Serializable
enum class GradientSource {
    @SerialName("parameters") PARAMETERS,
    @SerialName("representation") REPRESENTATION,
}
