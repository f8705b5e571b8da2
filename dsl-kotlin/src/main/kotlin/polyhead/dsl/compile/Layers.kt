package polyhead.dsl.compile

import polyhead.experiment.Layer
import polyhead.experiment.Layers
import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.PositionKind
import polyhead.dsl.spec.jsonName

/** The Java builder's layer for [spec], frozen if the spec says; shapes are inferred by the builder from the input. */
internal fun layer(spec: LayerSpec): Layer = coreLayer(spec).trainable(spec.trainable)

private fun coreLayer(spec: LayerSpec): Layer = when (spec) {
    is LayerSpec.Dense -> Layers.dense(spec.units, spec.bias).init(spec.init?.let(::initializer), spec.biasInit?.let(::initializer))
    is LayerSpec.Conv2d -> Layers.conv2d(spec.filters, spec.kernel, spec.stride, spec.padding, spec.bias)
        .init(spec.init?.let(::initializer), spec.biasInit?.let(::initializer))
    is LayerSpec.MaxPool -> Layers.maxPool(spec.kernel, spec.stride, spec.padding)
    is LayerSpec.AvgPool -> Layers.avgPool(spec.kernel, spec.stride, spec.padding)
    LayerSpec.GlobalAvgPool -> Layers.globalAvgPool()
    LayerSpec.Flatten -> Layers.flatten()
    is LayerSpec.Dropout -> Layers.dropout(spec.p)
    is LayerSpec.BatchNorm -> Layers.batchNorm(spec.eps, spec.momentum)
    is LayerSpec.LayerNorm -> Layers.layerNorm(spec.dims, spec.eps)
    is LayerSpec.Embedding -> (if (spec.count == 0) Layers.embedding(spec.dim) else Layers.embedding(spec.count, spec.dim))
        .init(spec.init?.let(::initializer))
    LayerSpec.Relu -> Layers.relu()
    is LayerSpec.LeakyRelu -> Layers.leakyRelu(spec.slope)
    LayerSpec.Sigmoid -> Layers.sigmoid()
    LayerSpec.Tanh -> Layers.tanh()
    LayerSpec.Gelu -> Layers.gelu()
    is LayerSpec.Softmax -> Layers.softmax(spec.axis)
    is LayerSpec.Lstm -> Layers.lstm(spec.hidden, spec.layers, spec.bidirectional)
    is LayerSpec.Gru -> Layers.gru(spec.hidden, spec.layers, spec.bidirectional)
    is LayerSpec.TransformerEncoder -> Layers.transformerEncoder(spec.layers, spec.heads, spec.feedForward,
        spec.normFirst, Layers.feedForwardActivation(spec.activation.jsonName))
    is LayerSpec.PositionalEmbedding ->
        if (spec.kind == PositionKind.LEARNED) Layers.positionalEmbedding(spec.maxLength) else Layers.sinusoidalPositions()
    is LayerSpec.SequencePool -> Layers.sequencePool(Layers.poolMode(spec.mode.jsonName))
}
