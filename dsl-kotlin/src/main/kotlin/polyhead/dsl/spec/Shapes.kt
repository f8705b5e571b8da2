package polyhead.dsl.spec

/**
 * Per-sample shape inference (no batch dimension): what each layer makes of its input shape, or why it cannot take
 * it. The validator uses it to find heads that cannot fit; the compiler to size layers (a dense layer's input
 * features). Layer settings that are wrong on their own (a kernel of 0) are the validator's business; here they are
 * assumed sound.
 */
object Shapes {
    sealed interface Result {
        data class Ok(val shape: List<Int>) : Result

        /** The layer cannot take the input; [field] is the setting at fault, or null for the layer as a whole. */
        data class Fault(val field: String?, val message: String) : Result
    }

    fun output(layer: LayerSpec, input: List<Int>): Result = when (layer) {
        is LayerSpec.Dense ->
            if (input.size != 1) fault("dense needs a vector input [features], got ${show(input)}${flattenHint(input)}")
            else ok(layer.units)
        is LayerSpec.Conv2d -> image("conv2d", input) { _, h, w ->
            spatial(layer.kernel, layer.stride, layer.padding, h, w)?.let { (oh, ow) -> ok(layer.filters, oh, ow) }
                ?: Result.Fault("kernel", kernelTooLarge(layer.kernel, layer.padding, h, w))
        }
        is LayerSpec.MaxPool -> pool("maxPool", layer.kernel, layer.stride, layer.padding, input)
        is LayerSpec.AvgPool -> pool("avgPool", layer.kernel, layer.stride, layer.padding, input)
        LayerSpec.GlobalAvgPool -> image("globalAvgPool", input) { c, _, _ -> ok(c) }
        // in Long: a product past Int.MAX_VALUE becomes -1, which tooLarge reports
        LayerSpec.Flatten -> ok(input.fold(1L) { a, b -> a * b }.let { if (it > Int.MAX_VALUE) -1 else it.toInt() })
        is LayerSpec.BatchNorm ->
            if (input.size in 1..3) Result.Ok(input)
            else fault("batchNorm needs [channels], [channels, length] or [channels, height, width], got ${show(input)}")
        is LayerSpec.LayerNorm ->
            if (input.size >= layer.dims) Result.Ok(input)
            else Result.Fault("dims", "layerNorm over the last ${layer.dims} dimensions needs an input of rank >= ${layer.dims}, got ${show(input)}")
        is LayerSpec.Embedding -> Result.Ok(input + layer.dim)
        is LayerSpec.Softmax ->
            if (layer.axis in -input.size until input.size) Result.Ok(input)
            else Result.Fault("axis", "softmax axis ${layer.axis} is outside an input of rank ${input.size} ${show(input)}")
        is LayerSpec.Dropout, LayerSpec.Relu, is LayerSpec.LeakyRelu, LayerSpec.Sigmoid, LayerSpec.Tanh, LayerSpec.Gelu ->
            Result.Ok(input)
    }

    /** The most elements one tensor holds (a Java array's limit). */
    const val MAX_ELEMENTS: Long = Int.MAX_VALUE.toLong()

    /**
     * The layer's largest tensor (weight or per-sample output) if it holds more than [MAX_ELEMENTS] elements, which
     * no tensor can: a fault instead of an overflow or an out-of-memory crash when the model is built.
     */
    private fun tooLarge(layer: LayerSpec, input: List<Int>, output: List<Int>): Result.Fault? {
        val features = product(input)
        val weights = when (layer) {
            is LayerSpec.Dense -> times(features, layer.units.toLong())
            is LayerSpec.Conv2d -> product(listOf(layer.filters, input.firstOrNull() ?: 1, layer.kernel, layer.kernel))
            is LayerSpec.Embedding -> times(layer.count.toLong(), layer.dim.toLong())
            else -> 0L
        }
        val outputs = product(output)
        return when {
            weights > MAX_ELEMENTS -> fault("the layer's weight on input ${show(input)} would have more elements " +
                "than a tensor holds ($MAX_ELEMENTS)")
            outputs > MAX_ELEMENTS || output.any { it < 0 } -> fault("the layer's output ${show(output)} per sample " +
                "would have more elements than a tensor holds ($MAX_ELEMENTS)")
            else -> null
        }
    }

    /** a·b, or [MAX_ELEMENTS] + 1 once past it (no overflow: both factors are then at most 2^31). */
    private fun times(a: Long, b: Long): Long = if (a > MAX_ELEMENTS || b > MAX_ELEMENTS) MAX_ELEMENTS + 1 else a * b

    private fun product(dims: List<Int>): Long = dims.fold(1L) { a, b -> times(a, b.toLong()) }

    /** The shapes after each of [layers] from [input]; stops at the first that cannot take its input. */
    fun trace(layers: List<LayerSpec>, input: List<Int>): List<Result> {
        val out = mutableListOf<Result>()
        var shape = input
        for (layer in layers) {
            val computed = output(layer, shape)
            val r = if (computed is Result.Ok) tooLarge(layer, shape, computed.shape) ?: computed else computed
            out += r
            if (r !is Result.Ok) break
            shape = r.shape
        }
        return out
    }

    /** `[1, 28, 28]`. */
    fun show(shape: List<Int>): String = shape.joinToString(", ", "[", "]")

    private fun ok(vararg dims: Int) = Result.Ok(dims.toList())

    private fun fault(message: String) = Result.Fault(null, message)

    private fun flattenHint(input: List<Int>) = if (input.size > 1) "; add flatten() before it" else ""

    private inline fun image(name: String, input: List<Int>, body: (Int, Int, Int) -> Result): Result =
        if (input.size != 3) fault("$name needs an image input [channels, height, width], got ${show(input)}")
        else body(input[0], input[1], input[2])

    private fun pool(name: String, kernel: Int, stride: Int, padding: Int, input: List<Int>): Result =
        image(name, input) { c, h, w ->
            when {
                padding > kernel / 2 -> Result.Fault("padding", "$name padding $padding is more than half the kernel $kernel")
                else -> spatial(kernel, stride, padding, h, w)?.let { (oh, ow) -> ok(c, oh, ow) }
                    ?: Result.Fault("kernel", kernelTooLarge(kernel, padding, h, w))
            }
        }

    /** Output height and width of a window sweep, or null if the window does not fit the padded input. */
    private fun spatial(kernel: Int, stride: Int, padding: Int, h: Int, w: Int): Pair<Int, Int>? {
        val ph = h + 2 * padding
        val pw = w + 2 * padding
        if (kernel > ph || kernel > pw) return null
        return ((ph - kernel) / stride + 1) to ((pw - kernel) / stride + 1)
    }

    private fun kernelTooLarge(kernel: Int, padding: Int, h: Int, w: Int) =
        "kernel $kernel is larger than the input ${h}×$w" + if (padding > 0) " padded by $padding" else ""
}
