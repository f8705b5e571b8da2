package polyhead.dsl.compile

import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.Shapes
import polyhead.nn.Activation
import polyhead.nn.AvgPool2d
import polyhead.nn.BatchNorm
import polyhead.nn.Conv2d
import polyhead.nn.Dropout
import polyhead.nn.Embedding
import polyhead.nn.Flatten
import polyhead.nn.GlobalAvgPool2d
import polyhead.nn.LayerNorm
import polyhead.nn.Linear
import polyhead.nn.MaxPool2d
import polyhead.nn.Module
import polyhead.nn.Sequential
import java.util.Random

/** A module built from layer specs, and the per-sample shape it outputs. */
internal data class Built(val module: Module, val output: List<Int>)

/**
 * Builds core layers from layer specs, sizing each from the shape inferred for its input (a dense layer's input
 * features, a convolution's channels). Every parameter is drawn from [rng], in the order layers are built; each
 * dropout layer takes its own seed from [rng] too.
 */
internal class LayerFactory(private val rng: Random) {
    /** [layers] in a [Sequential] (registered `0, 1, …`) reading per-sample shape [input]. */
    fun sequential(layers: List<LayerSpec>, input: List<Int>): Built {
        var shape = input
        val modules = layers.map { spec ->
            layer(spec, shape).also { shape = outputOf(spec, shape) }
        }
        return Built(Sequential(modules), shape)
    }

    private fun outputOf(spec: LayerSpec, input: List<Int>): List<Int> = when (val r = Shapes.output(spec, input)) {
        is Shapes.Result.Ok -> r.shape
        // validate() rejects such specs before anything is built
        is Shapes.Result.Fault -> throw IllegalStateException("unvalidated spec reached the compiler: ${r.message}")
    }

    private fun layer(spec: LayerSpec, input: List<Int>): Module = when (spec) {
        is LayerSpec.Dense -> Linear(input[0], spec.units, spec.bias, rng)
        is LayerSpec.Conv2d -> Conv2d(input[0], spec.filters, spec.kernel, spec.stride, spec.padding, spec.bias, rng)
        is LayerSpec.MaxPool -> MaxPool2d(spec.kernel, spec.stride, spec.padding)
        is LayerSpec.AvgPool -> AvgPool2d(spec.kernel, spec.stride, spec.padding)
        LayerSpec.GlobalAvgPool -> GlobalAvgPool2d()
        LayerSpec.Flatten -> Flatten()
        is LayerSpec.Dropout -> Dropout(spec.p.toFloat(), rng.nextLong())
        is LayerSpec.BatchNorm ->
            (if (input.size == 3) BatchNorm.twoD(input[0]) else BatchNorm.oneD(input[0]))
                .withEpsAndMomentum(spec.eps.toFloat(), spec.momentum.toFloat())
        is LayerSpec.LayerNorm -> LayerNorm(spec.eps.toFloat(), true, *input.takeLast(spec.dims).toIntArray())
        is LayerSpec.Embedding -> Embedding(spec.count, spec.dim, rng)
        LayerSpec.Relu -> Activation.relu()
        is LayerSpec.LeakyRelu -> Activation.leakyRelu(spec.slope.toFloat())
        LayerSpec.Sigmoid -> Activation.sigmoid()
        LayerSpec.Tanh -> Activation.tanh()
        LayerSpec.Gelu -> Activation.gelu()
        // the spec's axis is per sample; the core's counts the batch dimension
        is LayerSpec.Softmax -> Activation.softmax(if (spec.axis >= 0) spec.axis + 1 else spec.axis)
    }
}
