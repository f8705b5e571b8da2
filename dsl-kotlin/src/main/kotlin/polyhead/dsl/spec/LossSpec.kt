package polyhead.dsl.spec

import kotlinx.serialization.EncodeDefault
import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerialName
import kotlinx.serialization.KSerializer
import kotlinx.serialization.Serializable
import kotlinx.serialization.descriptors.PrimitiveKind
import kotlinx.serialization.descriptors.PrimitiveSerialDescriptor
import kotlinx.serialization.encoding.Decoder
import kotlinx.serialization.encoding.Encoder

/** A task's loss, as the core's `Losses` factories; defaults are PyTorch's. */
@Serializable
sealed interface LossSpec {
    val reduction: Reduction

    /**
     * Softmax cross-entropy on class indices (per sample, or per pixel). Takes logits.
     *
     * @property classWeights one weight per class (PyTorch's `weight`: the mean is weighted by the targets' class
     *   weights); null for none. Left out of the JSON when null, so specs without it read and write as before.
     */
    @Serializable
    @SerialName("crossEntropy")
    @OptIn(ExperimentalSerializationApi::class)
    data class CrossEntropy @JvmOverloads constructor(
        val labelSmoothing: Double = 0.0,
        override val reduction: Reduction = Reduction.MEAN,
        @EncodeDefault(EncodeDefault.Mode.NEVER) val classWeights: List<Double>? = null,
    ) : LossSpec

    /**
     * Binary cross-entropy on logits.
     *
     * @property posWeight the weight of each label's positive class (PyTorch's `pos_weight`), one per label or one for
     *   all; null for none (and then left out of the JSON)
     */
    @Serializable
    @SerialName("bceWithLogits")
    @OptIn(ExperimentalSerializationApi::class)
    data class BceWithLogits @JvmOverloads constructor(
        override val reduction: Reduction = Reduction.MEAN,
        @EncodeDefault(EncodeDefault.Mode.NEVER) val posWeight: List<Double>? = null,
    ) : LossSpec

    @Serializable
    @SerialName("mse")
    data class Mse(override val reduction: Reduction = Reduction.MEAN) : LossSpec

    @Serializable
    @SerialName("mae")
    data class Mae(override val reduction: Reduction = Reduction.MEAN) : LossSpec

    /** Huber loss with threshold [delta] (PyTorch's `huber_loss`, not `smooth_l1_loss`). */
    @Serializable
    @SerialName("huber")
    data class Huber(
        val delta: Double = 1.0,
        override val reduction: Reduction = Reduction.MEAN,
    ) : LossSpec
}

/**
 * How a loss reduces its per-sample values to the scalar training needs. (The core's third reduction, none, gives
 * per-element losses and has no place in a training spec.)
 */
@Serializable
enum class Reduction {
    @SerialName("mean") MEAN,
    @SerialName("sum") SUM,
}

/** A metric by the name the core's `Metrics.parse` reads, written in JSON as that string. */
@Serializable(with = MetricSpec.AsString::class)
data class MetricSpec(val name: String) {
    override fun toString(): String = name

    /** Writes a metric as its name. */
    internal object AsString : KSerializer<MetricSpec> {
        override val descriptor = PrimitiveSerialDescriptor("polyhead.dsl.spec.MetricSpec", PrimitiveKind.STRING)

        override fun serialize(encoder: Encoder, value: MetricSpec) = encoder.encodeString(value.name)

        override fun deserialize(decoder: Decoder) = MetricSpec(decoder.decodeString())
    }
}
