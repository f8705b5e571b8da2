package polyhead.dsl.spec

import kotlinx.serialization.EncodeDefault
import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * One layer, written in JSON as an object whose `"type"` names it. Shapes are per sample (no batch dimension) and
 * are inferred from the experiment's input, so a layer states only what it adds (a dense layer its units, not its
 * input features). Defaults are PyTorch's.
 *
 * A layer with parameters (dense, conv2d, batchNorm, layerNorm, embedding) has `trainable`: false freezes it for
 * fine-tuning (no gradient, no update, no optimizer state); written to JSON only when false, so specs that freeze
 * nothing read as before. A frozen trunk or head is one whose layers are all frozen (`trunk(trainable = false) { … }`
 * in the DSL); [frozen] freezes one layer.
 */
@OptIn(ExperimentalSerializationApi::class)
@Serializable
sealed interface LayerSpec {
    /** Whether training changes this layer's parameters (true for a layer without any). */
    val trainable: Boolean get() = true

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
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
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
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
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
    data class BatchNorm @JvmOverloads constructor(
        val eps: Double = 1e-5,
        val momentum: Double = 0.1,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /** Layer normalization over the trailing [dims] dimensions of the input. */
    @Serializable
    @SerialName("layerNorm")
    data class LayerNorm @JvmOverloads constructor(
        val dims: Int = 1,
        val eps: Double = 1e-5,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /**
     * A lookup table of [count] rows of size [dim]: indices of shape s → s + [dim]. Reads the model input. [init]
     * replaces the default N(0, 1); null keeps it. On a [sequence input][ExperimentSpec.sequenceInput] [count] is 0
     * (the default): the table has a row per id of the vocabulary built from the data, its padding row starting at 0.
     */
    @Serializable
    @SerialName("embedding")
    data class Embedding @JvmOverloads constructor(
        val count: Int = 0,
        val dim: Int,
        val init: InitSpec? = null,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

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

    /**
     * An LSTM stack over a sequence, [T, F] → [T, directions·hidden], over each sentence's valid steps (PyTorch's
     * `nn.LSTM(batch_first=True)` on a packed sequence: zero initial states, no dropout between layers).
     */
    @Serializable
    @SerialName("lstm")
    data class Lstm @JvmOverloads constructor(
        val hidden: Int,
        val layers: Int = 1,
        val bidirectional: Boolean = false,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /** A GRU stack over a sequence, as [Lstm] with PyTorch's `nn.GRU`. */
    @Serializable
    @SerialName("gru")
    data class Gru @JvmOverloads constructor(
        val hidden: Int,
        val layers: Int = 1,
        val bidirectional: Boolean = false,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /**
     * A Transformer encoder over a sequence [T, d] → [T, d] (d divisible by [heads]): [layers] self-attention layers
     * with a feed-forward block of [feedForward] units, post-norm (or pre-norm, [normFirst]), layer norm ε 1e-5, no
     * dropout, no final norm; padded keys are hidden from attention.
     */
    @Serializable
    @SerialName("transformerEncoder")
    data class TransformerEncoder @JvmOverloads constructor(
        val layers: Int,
        val heads: Int,
        val feedForward: Int,
        val normFirst: Boolean = false,
        val activation: FeedForwardActivation = FeedForwardActivation.RELU,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /**
     * Positions added to a sequence [T, d]: learned (a trained table of [maxLength] rows; data with a longer sentence is
     * refused) or the fixed sinusoids of Vaswani et al. 2017 (any length; [maxLength] unused, 0).
     */
    @Serializable
    @SerialName("positionalEmbedding")
    data class PositionalEmbedding @JvmOverloads constructor(
        val kind: PositionKind = PositionKind.SINUSOIDAL,
        val maxLength: Int = 0,
        @EncodeDefault(EncodeDefault.Mode.NEVER) override val trainable: Boolean = true,
    ) : LayerSpec

    /**
     * A sequence [T, F] pooled over each sentence's valid steps into [F]; as the first layer of a head, a
     * per-sentence task on a per-token encoder.
     */
    @Serializable
    @SerialName("sequencePool")
    data class SequencePool(val mode: PoolMode = PoolMode.MEAN) : LayerSpec
}

/** The feed-forward nonlinearity of a Transformer layer. */
@Serializable
enum class FeedForwardActivation {
    @SerialName("relu") RELU,
    @SerialName("gelu") GELU,
}

/** Learned positions or fixed sinusoids. */
@Serializable
enum class PositionKind {
    @SerialName("learned") LEARNED,
    @SerialName("sinusoidal") SINUSOIDAL,
}

/** What a sequence is pooled to: the mean or maximum over its valid steps, its last valid step, its first step. */
@Serializable
enum class PoolMode {
    @SerialName("mean") MEAN,
    @SerialName("max") MAX,
    @SerialName("last") LAST,
    @SerialName("first") FIRST,
}

/** This layer with `trainable = false`; a layer without parameters as it is. */
fun LayerSpec.frozen(): LayerSpec = when (this) {
    is LayerSpec.Dense -> copy(trainable = false)
    is LayerSpec.Conv2d -> copy(trainable = false)
    is LayerSpec.BatchNorm -> copy(trainable = false)
    is LayerSpec.LayerNorm -> copy(trainable = false)
    is LayerSpec.Embedding -> copy(trainable = false)
    is LayerSpec.Lstm -> copy(trainable = false)
    is LayerSpec.Gru -> copy(trainable = false)
    is LayerSpec.TransformerEncoder -> copy(trainable = false)
    is LayerSpec.PositionalEmbedding -> copy(trainable = false)
    else -> this
}
