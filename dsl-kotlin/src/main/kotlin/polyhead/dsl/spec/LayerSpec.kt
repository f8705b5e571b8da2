package polyhead.dsl.spec

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * One layer, written in JSON as an object whose `"type"` names it. Shapes are per sample (no batch dimension) and
 * are inferred from the experiment's input, so a layer states only what it adds (a dense layer its units, not its
 * input features). Defaults are PyTorch's.
 */
@Serializable
sealed interface LayerSpec {
    /**
     * Fully connected, [features] → [units]; needs a rank-1 input (flatten an image first). [init] and [biasInit]
     * replace the default initializers; null keeps them.
     */
    @Serializable
    @SerialName("dense")
    data class Dense @JvmOverloads constructor(
        val units: Int,
        val bias: Boolean = true,
        val init: InitSpec? = null,
        val biasInit: InitSpec? = null,
    ) : LayerSpec

    /**
     * 2-D convolution with a square kernel, [C, H, W] → [filters, H', W']. [init] and [biasInit] replace the default
     * initializers; null keeps them.
     */
    @Serializable
    @SerialName("conv2d")
    data class Conv2d @JvmOverloads constructor(
        val filters: Int,
        val kernel: Int,
        val stride: Int = 1,
        val padding: Int = 0,
        val bias: Boolean = true,
        val init: InitSpec? = null,
        val biasInit: InitSpec? = null,
    ) : LayerSpec

    /** Max pooling over square windows of [C, H, W]; the stride defaults to the kernel size. */
    @Serializable
    @SerialName("maxPool")
    data class MaxPool(val kernel: Int, val stride: Int = kernel, val padding: Int = 0) : LayerSpec

    /** Average pooling (padding counted in the average); the stride defaults to the kernel size. */
    @Serializable
    @SerialName("avgPool")
    data class AvgPool(val kernel: Int, val stride: Int = kernel, val padding: Int = 0) : LayerSpec

    /** Mean over the spatial dimensions, [C, H, W] → [C]. */
    @Serializable
    @SerialName("globalAvgPool")
    data object GlobalAvgPool : LayerSpec

    /** All dimensions into one, [d1, …, dk] → [d1·…·dk]. */
    @Serializable
    @SerialName("flatten")
    data object Flatten : LayerSpec

    /** Inverted dropout with drop probability [p] in training, identity in evaluation. */
    @Serializable
    @SerialName("dropout")
    data class Dropout(val p: Double = 0.5) : LayerSpec

    /** Batch normalization over the channel dimension: 1-d for [C] or [C, L], 2-d for [C, H, W]. */
    @Serializable
    @SerialName("batchNorm")
    data class BatchNorm(val eps: Double = 1e-5, val momentum: Double = 0.1) : LayerSpec

    /** Layer normalization over the trailing [dims] dimensions of the input. */
    @Serializable
    @SerialName("layerNorm")
    data class LayerNorm(val dims: Int = 1, val eps: Double = 1e-5) : LayerSpec

    /**
     * A lookup table of [count] rows of size [dim]: indices of shape s → s + [dim]. Reads the model input. [init]
     * replaces the default N(0, 1); null keeps it.
     */
    @Serializable
    @SerialName("embedding")
    data class Embedding @JvmOverloads constructor(val count: Int, val dim: Int, val init: InitSpec? = null) : LayerSpec

    @Serializable
    @SerialName("relu")
    data object Relu : LayerSpec

    @Serializable
    @SerialName("leakyRelu")
    data class LeakyRelu(val slope: Double = 0.01) : LayerSpec

    @Serializable
    @SerialName("sigmoid")
    data object Sigmoid : LayerSpec

    @Serializable
    @SerialName("tanh")
    data object Tanh : LayerSpec

    @Serializable
    @SerialName("gelu")
    data object Gelu : LayerSpec

    /** Softmax over [axis] of the per-sample shape; −1 is the last. */
    @Serializable
    @SerialName("softmax")
    data class Softmax(val axis: Int = -1) : LayerSpec
}
