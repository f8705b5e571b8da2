package polyhead.dsl.spec

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

    /** Homoscedastic uncertainty weighting with learned log-variances (Kendall, Gal & Cipolla, 2018). */
    @Serializable
    @SerialName("uncertainty")
    data object Uncertainty : WeightingSpec

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

    /** Multiple-gradient descent, the min-norm point of the task gradients (Sener & Koltun, 2018). */
    @Serializable
    @SerialName("mgda")
    data class Mgda(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /** Conflict-averse gradient descent (Liu et al., 2021) with radius factor [c] in [0, 1). */
    @Serializable
    @SerialName("caGrad")
    data class CaGrad(
        val c: Double = 0.4,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel

    /** Nash bargaining over task gradients (Navon et al., 2022). */
    @Serializable
    @SerialName("nashMtl")
    data class NashMtl(override val source: GradientSource = GradientSource.PARAMETERS) : GradientLevel

    /** Gradient normalization (Chen et al., 2018) with asymmetry [alpha]. */
    @Serializable
    @SerialName("gradNorm")
    data class GradNorm(
        val alpha: Double = 1.5,
        override val source: GradientSource = GradientSource.PARAMETERS,
    ) : GradientLevel
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
