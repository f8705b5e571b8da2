package polyhead.dsl.spec

import kotlinx.serialization.EncodeDefault
import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * What the tasks share. Every architecture reads the same [ExperimentSpec.trunk], so switching architectures is a
 * one-word change: hard sharing shares one trunk; the others copy it — as each task's tower (soft sharing,
 * cross-stitch, learning to branch) or as each expert (MMoE, DSelect-k, CGC; PLE cuts it into levels). Soft sharing,
 * cross-stitch, learning to branch and MMoE can take `layers` of their own instead: then the trunk is shared and runs
 * first, and each tower or expert is a copy of those layers reading the trunk's output (an empty trunk: the input;
 * MMoE's gates read the input).
 */
@OptIn(ExperimentalSerializationApi::class)
@Serializable
sealed interface ArchitectureSpec {
    /** One trunk shared by every task, one head per task on its output (Caruana, 1997). */
    @Serializable
    @SerialName("hardSharing")
    data object HardSharing : ArchitectureSpec

    /**
     * Each task gets its own copy of the trunk as its tower; the penalty λ·Σ_{i<j}‖θ_i − θ_j‖² between towers
     * pulls them together (Duong et al., 2015).
     */
    @Serializable
    @SerialName("softSharing")
    data class SoftSharing(
        val lambda: Double = 1e-3,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val layers: List<LayerSpec> = emptyList(),
    ) : ArchitectureSpec, OwnLayers

    /**
     * An architecture whose towers or experts may be [layers] of its own (written only when given); empty: copies of
     * the trunk.
     */
    sealed interface OwnLayers {
        val layers: List<LayerSpec>
    }

    /**
     * Each task gets its own copy of the trunk, cut into stages, with a cross-stitch unit mixing the tasks'
     * activations between consecutive stages (Misra et al., 2016).
     *
     * @property stages the number of layers in each stage, in order, summing to the length of the trunk (or of
     *   [layers] when given); empty means a stage ends at every activation layer (and at the end), a unit after each
     *   block
     */
    @Serializable
    @SerialName("crossStitch")
    data class CrossStitch(
        val stages: List<Int> = emptyList(),
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val layers: List<LayerSpec> = emptyList(),
    ) : ArchitectureSpec, OwnLayers

    /**
     * Multi-gate mixture of experts (Ma et al., 2018): [experts] copies of the trunk, which must output a vector,
     * mixed per task by a softmax gate on the flattened input; [oneGate] shares one gate among the tasks (OMoE).
     */
    @Serializable
    @SerialName("mmoe")
    data class Mmoe(
        val experts: Int,
        val oneGate: Boolean = false,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val layers: List<LayerSpec> = emptyList(),
    ) : ArchitectureSpec, OwnLayers

    /**
     * Multi-task attention network (Liu et al., 2019): the trunk, shared, cut into blocks, with an attention module
     * per task at every block that masks the block's output with features of the task's own.
     *
     * @property blocks the number of trunk layers in each block, in order, summing to the trunk's length; empty means
     *   a block ends at every activation layer of the trunk (and at its end)
     */
    @Serializable
    @SerialName("mtan")
    data class Mtan(val blocks: List<Int> = emptyList()) : ArchitectureSpec

    /**
     * DSelect-k (Hazimeh et al., 2021): [experts] copies of the trunk, which must output a vector; each task's gate
     * selects [selectors] of them through smooth-step binary codes of ramp width [gamma], and the selectors' entropy,
     * weighted by [entropyWeight], joins the objective (with a penalty on unused codes when [experts] is no power
     * of 2).
     */
    @Serializable
    @SerialName("dselectK")
    data class DSelectK(
        val experts: Int,
        val selectors: Int = 2,
        val gamma: Double = 1.0,
        val entropyWeight: Double = 1e-6,
    ) : ArchitectureSpec

    /**
     * Customized gate control (Tang et al., 2020): [sharedExperts] copies of the trunk shared by the tasks and
     * [taskExperts] of each task's own; each task's softmax gate on the flattened input mixes its own and the shared
     * experts.
     */
    @Serializable
    @SerialName("cgc")
    data class Cgc(val sharedExperts: Int = 2, val taskExperts: Int = 1) : ArchitectureSpec

    /**
     * Learning to branch (Guo et al., 2020): a copy of the trunk (or of [layers]) per task, cut into stages; each node
     * of a stage reads one parent node of the stage before, chosen through a Gumbel-softmax of temperature
     * [temperature] over learned branching logits while training, by their argmax in evaluation and once the tree is
     * fixed, after [fixAfter] training forward passes (one per step, and the trainer's diagnostic passes when on; 0:
     * it is searched all through training).
     *
     * @property stages the number of layers in each stage, in order, summing to the length of the trunk (or of
     *   [layers] when given); empty means a stage ends at every activation layer (and at the end); at least two
     * @property temperatureDecay training passes per step of the temperature's decay, τ/√(1 + ⌊n/temperatureDecay⌋)
     *   at pass n (LibMTL's 1/√(epoch + 1) annealing with the steps of an epoch); 0 keeps it constant
     */
    @Serializable
    @SerialName("learningToBranch")
    data class LearningToBranch(
        val stages: List<Int> = emptyList(),
        val temperature: Double = 1.0,
        val fixAfter: Int = 0,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val layers: List<LayerSpec> = emptyList(),
        @EncodeDefault(EncodeDefault.Mode.NEVER) val temperatureDecay: Int = 0,
    ) : ArchitectureSpec, OwnLayers

    /**
     * Progressive layered extraction (Tang et al., 2020): the trunk cut into levels, each a CGC of copies of its
     * layers; at every level but the last a shared gate over all the level's experts feeds the next level's shared
     * experts.
     *
     * @property levels the number of trunk layers in each level, in order, summing to the trunk's length; empty means
     *   a level ends at every activation layer of the trunk (and at its end)
     */
    @Serializable
    @SerialName("ple")
    data class Ple(val sharedExperts: Int = 2, val taskExperts: Int = 1, val levels: List<Int> = emptyList()) : ArchitectureSpec
}

/** The stages of a cross-stitch trunk as [from, to) index ranges, resolving [ArchitectureSpec.CrossStitch.stages]. */
fun ArchitectureSpec.CrossStitch.stageRanges(trunk: List<LayerSpec>): List<IntRange> =
    ranges(stages, layers.ifEmpty { trunk })

/** The stages of a learning-to-branch trunk as [from, to) index ranges, resolving [ArchitectureSpec.LearningToBranch.stages]. */
fun ArchitectureSpec.LearningToBranch.stageRanges(trunk: List<LayerSpec>): List<IntRange> =
    ranges(stages, layers.ifEmpty { trunk })

/** The levels of a PLE trunk as [from, to) index ranges, resolving [ArchitectureSpec.Ple.levels]. */
fun ArchitectureSpec.Ple.levelRanges(trunk: List<LayerSpec>): List<IntRange> = ranges(levels, trunk)

/** The blocks of an MTAN trunk as [from, to) index ranges, resolving [ArchitectureSpec.Mtan.blocks]. */
fun ArchitectureSpec.Mtan.blockRanges(trunk: List<LayerSpec>): List<IntRange> = ranges(blocks, trunk)

private fun ranges(given: List<Int>, trunk: List<LayerSpec>): List<IntRange> {
    val sizes = given.ifEmpty { activationBlocks(trunk) }
    var start = 0
    return sizes.map { n -> (start until start + n).also { start += n } }
}

private fun activationBlocks(trunk: List<LayerSpec>): List<Int> {
    val sizes = mutableListOf<Int>()
    var count = 0
    trunk.forEachIndexed { i, layer ->
        count++
        if (layer.isActivation() || i == trunk.lastIndex) {
            sizes += count
            count = 0
        }
    }
    return sizes
}

internal fun LayerSpec.isActivation(): Boolean = when (this) {
    LayerSpec.Relu, LayerSpec.Sigmoid, LayerSpec.Tanh, LayerSpec.Gelu, is LayerSpec.LeakyRelu, is LayerSpec.Softmax -> true
    else -> false
}
