package polyhead.dsl.compile

import polyhead.dsl.spec.FanMode
import polyhead.dsl.spec.InitSpec
import polyhead.nn.Initializer
import polyhead.nn.Initializers

/** The core initializer of [spec]. */
internal fun initializer(spec: InitSpec): Initializer = when (spec) {
    is InitSpec.Constant -> Initializers.constant(spec.value.toFloat())
    InitSpec.Zeros -> Initializers.zeros()
    InitSpec.Ones -> Initializers.ones()
    is InitSpec.Uniform -> Initializers.uniform(spec.low.toFloat(), spec.high.toFloat())
    is InitSpec.Normal -> Initializers.normal(spec.mean.toFloat(), spec.std.toFloat())
    is InitSpec.XavierUniform -> Initializers.xavierUniform(spec.gain.toFloat())
    is InitSpec.XavierNormal -> Initializers.xavierNormal(spec.gain.toFloat())
    is InitSpec.KaimingUniform -> Initializers.kaimingUniform(spec.a.toFloat(), mode(spec.mode))
    is InitSpec.KaimingNormal -> Initializers.kaimingNormal(spec.a.toFloat(), mode(spec.mode))
}

private fun mode(m: FanMode) = when (m) {
    FanMode.FAN_IN -> Initializers.Mode.FAN_IN
    FanMode.FAN_OUT -> Initializers.Mode.FAN_OUT
}
