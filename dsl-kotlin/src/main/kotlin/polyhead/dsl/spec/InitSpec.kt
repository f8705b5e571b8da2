package polyhead.dsl.spec

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * A parameter initializer, as the core's `Initializers` (PyTorch's `torch.nn.init`, with its defaults). A layer whose
 * initializer is null keeps its own default (PyTorch's: Kaiming-uniform with a = √5 for dense and convolution weights,
 * U(−1/√fan_in, 1/√fan_in) for their biases, N(0, 1) for embeddings). Fans are those of the weight: for [out, in, k…],
 * fan_in = in·∏k and fan_out = out·∏k.
 */
@Serializable
sealed interface InitSpec {
    /** Every value [value]. */
    @Serializable
    @SerialName("constant")
    data class Constant(val value: Double) : InitSpec

    @Serializable
    @SerialName("zeros")
    data object Zeros : InitSpec

    @Serializable
    @SerialName("ones")
    data object Ones : InitSpec

    /** U([low], [high]). */
    @Serializable
    @SerialName("uniform")
    data class Uniform(val low: Double = 0.0, val high: Double = 1.0) : InitSpec

    /** N([mean], [std]²). */
    @Serializable
    @SerialName("normal")
    data class Normal(val mean: Double = 0.0, val std: Double = 1.0) : InitSpec

    /** Glorot & Bengio (2010): U(−b, b), b = gain·√(6/(fan_in + fan_out)). */
    @Serializable
    @SerialName("xavierUniform")
    data class XavierUniform(val gain: Double = 1.0) : InitSpec

    /** Glorot & Bengio (2010): N(0, σ²), σ = gain·√(2/(fan_in + fan_out)). */
    @Serializable
    @SerialName("xavierNormal")
    data class XavierNormal(val gain: Double = 1.0) : InitSpec

    /** He et al. (2015) for a leaky ReLU of slope [a] (0: ReLU): U(−b, b), b = √(2/(1+a²))·√(3/fan). */
    @Serializable
    @SerialName("kaimingUniform")
    data class KaimingUniform(val a: Double = 0.0, val mode: FanMode = FanMode.FAN_IN) : InitSpec

    /** He et al. (2015): N(0, σ²), σ = √(2/(1+a²))/√fan. */
    @Serializable
    @SerialName("kaimingNormal")
    data class KaimingNormal(val a: Double = 0.0, val mode: FanMode = FanMode.FAN_IN) : InitSpec
}

/** Which fan a Kaiming initializer scales by: fan_in keeps the forward variance, fan_out the backward. */
@Serializable
enum class FanMode {
    @SerialName("fanIn") FAN_IN,
    @SerialName("fanOut") FAN_OUT,
}
