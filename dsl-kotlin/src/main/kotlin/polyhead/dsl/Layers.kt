package polyhead.dsl

import polyhead.dsl.spec.FanMode
import polyhead.dsl.spec.InitSpec
import polyhead.dsl.spec.LayerSpec.AvgPool
import polyhead.dsl.spec.LayerSpec.BatchNorm
import polyhead.dsl.spec.LayerSpec.Conv2d
import polyhead.dsl.spec.LayerSpec.Dense
import polyhead.dsl.spec.LayerSpec.Dropout
import polyhead.dsl.spec.LayerSpec.Embedding
import polyhead.dsl.spec.LayerSpec.Flatten
import polyhead.dsl.spec.LayerSpec.Gelu
import polyhead.dsl.spec.LayerSpec.GlobalAvgPool
import polyhead.dsl.spec.LayerSpec.LayerNorm
import polyhead.dsl.spec.LayerSpec.LeakyRelu
import polyhead.dsl.spec.LayerSpec.MaxPool
import polyhead.dsl.spec.LayerSpec.Relu
import polyhead.dsl.spec.LayerSpec.Sigmoid
import polyhead.dsl.spec.LayerSpec.Softmax
import polyhead.dsl.spec.LayerSpec.Tanh
import polyhead.dsl.spec.FeedForwardActivation
import polyhead.dsl.spec.LayerSpec.Gru
import polyhead.dsl.spec.LayerSpec.Lstm
import polyhead.dsl.spec.LayerSpec.PositionalEmbedding
import polyhead.dsl.spec.LayerSpec.SequencePool
import polyhead.dsl.spec.LayerSpec.TransformerEncoder
import polyhead.dsl.spec.PoolMode
import polyhead.dsl.spec.PositionKind

// Layer verbs. Defaults are read from the spec classes (`Dense(units).bias`), where they are stated.

/**
 * A dense layer; [init] and [biasInit] (`xavierUniform()`, `zeros()`, …) replace the default initializers; [trainable]
 * false freezes it.
 */
fun LayersBuilder.dense(
    units: Int,
    bias: Boolean = Dense(units).bias,
    init: InitSpec? = Dense(units).init,
    biasInit: InitSpec? = Dense(units).biasInit,
    trainable: Boolean = Dense(units).trainable,
) = add(Dense(units, bias, init, biasInit, trainable))

fun LayersBuilder.conv2d(
    filters: Int,
    kernel: Int,
    stride: Int = Conv2d(filters, kernel).stride,
    padding: Int = Conv2d(filters, kernel).padding,
    bias: Boolean = Conv2d(filters, kernel).bias,
    init: InitSpec? = Conv2d(filters, kernel).init,
    biasInit: InitSpec? = Conv2d(filters, kernel).biasInit,
    trainable: Boolean = Conv2d(filters, kernel).trainable,
) = add(Conv2d(filters, kernel, stride, padding, bias, init, biasInit, trainable))

fun LayersBuilder.maxPool(kernel: Int, stride: Int = MaxPool(kernel).stride, padding: Int = MaxPool(kernel).padding) =
    add(MaxPool(kernel, stride, padding))

fun LayersBuilder.avgPool(kernel: Int, stride: Int = AvgPool(kernel).stride, padding: Int = AvgPool(kernel).padding) =
    add(AvgPool(kernel, stride, padding))

fun LayersBuilder.globalAvgPool() = add(GlobalAvgPool)

fun LayersBuilder.flatten() = add(Flatten)

fun LayersBuilder.dropout(p: Double = Dropout().p) = add(Dropout(p))

fun LayersBuilder.batchNorm(
    eps: Double = BatchNorm().eps,
    momentum: Double = BatchNorm().momentum,
    trainable: Boolean = BatchNorm().trainable,
) = add(BatchNorm(eps, momentum, trainable))

fun LayersBuilder.layerNorm(
    dims: Int = LayerNorm().dims,
    eps: Double = LayerNorm().eps,
    trainable: Boolean = LayerNorm().trainable,
) = add(LayerNorm(dims, eps, trainable))

/** An embedding of a sequence input's token ids: a row per id of the data's vocabulary, of size [dim]. */
fun LayersBuilder.embedding(dim: Int, init: InitSpec? = Embedding(dim = dim).init, trainable: Boolean = true) =
    add(Embedding(dim = dim, init = init, trainable = trainable))

/** An LSTM stack over a sequence: [T, F] → [T, directions·hidden]. */
fun LayersBuilder.lstm(
    hidden: Int,
    layers: Int = Lstm(hidden).layers,
    bidirectional: Boolean = Lstm(hidden).bidirectional,
    trainable: Boolean = Lstm(hidden).trainable,
) = add(Lstm(hidden, layers, bidirectional, trainable))

/** A GRU stack over a sequence: [T, F] → [T, directions·hidden]. */
fun LayersBuilder.gru(
    hidden: Int,
    layers: Int = Gru(hidden).layers,
    bidirectional: Boolean = Gru(hidden).bidirectional,
    trainable: Boolean = Gru(hidden).trainable,
) = add(Gru(hidden, layers, bidirectional, trainable))

/** A Transformer encoder over a sequence [T, d] → [T, d]. */
fun LayersBuilder.transformerEncoder(
    layers: Int,
    heads: Int,
    feedForward: Int,
    normFirst: Boolean = TransformerEncoder(layers, heads, feedForward).normFirst,
    activation: FeedForwardActivation = TransformerEncoder(layers, heads, feedForward).activation,
    trainable: Boolean = TransformerEncoder(layers, heads, feedForward).trainable,
) = add(TransformerEncoder(layers, heads, feedForward, normFirst, activation, trainable))

/** Learned positions, a table of [maxLength] rows added to a sequence [T, d]. */
fun LayersBuilder.positionalEmbedding(maxLength: Int, trainable: Boolean = true) =
    add(PositionalEmbedding(PositionKind.LEARNED, maxLength, trainable))

/** The fixed sinusoids of Vaswani et al. 2017 added to a sequence [T, d]. */
fun LayersBuilder.sinusoidalPositions() = add(PositionalEmbedding(PositionKind.SINUSOIDAL))

/** A sequence `[T, F]` pooled over each sentence's valid steps into `[F]`. */
fun LayersBuilder.sequencePool(mode: PoolMode = SequencePool().mode) = add(SequencePool(mode))

fun LayersBuilder.embedding(
    count: Int,
    dim: Int,
    init: InitSpec? = Embedding(count, dim).init,
    trainable: Boolean = Embedding(count, dim).trainable,
) = add(Embedding(count, dim, init, trainable))

// Initializer verbs, for a layer's `init = …`.

fun LayersBuilder.constant(value: Double): InitSpec = InitSpec.Constant(value)

fun LayersBuilder.zeros(): InitSpec = InitSpec.Zeros

fun LayersBuilder.ones(): InitSpec = InitSpec.Ones

fun LayersBuilder.uniform(low: Double = InitSpec.Uniform().low, high: Double = InitSpec.Uniform().high): InitSpec =
    InitSpec.Uniform(low, high)

fun LayersBuilder.normal(mean: Double = InitSpec.Normal().mean, std: Double = InitSpec.Normal().std): InitSpec =
    InitSpec.Normal(mean, std)

fun LayersBuilder.xavierUniform(gain: Double = InitSpec.XavierUniform().gain): InitSpec = InitSpec.XavierUniform(gain)

fun LayersBuilder.xavierNormal(gain: Double = InitSpec.XavierNormal().gain): InitSpec = InitSpec.XavierNormal(gain)

fun LayersBuilder.kaimingUniform(a: Double = InitSpec.KaimingUniform().a, mode: FanMode = InitSpec.KaimingUniform().mode): InitSpec =
    InitSpec.KaimingUniform(a, mode)

fun LayersBuilder.kaimingNormal(a: Double = InitSpec.KaimingNormal().a, mode: FanMode = InitSpec.KaimingNormal().mode): InitSpec =
    InitSpec.KaimingNormal(a, mode)

fun LayersBuilder.relu() = add(Relu)

fun LayersBuilder.leakyRelu(slope: Double = LeakyRelu().slope) = add(LeakyRelu(slope))

fun LayersBuilder.sigmoid() = add(Sigmoid)

fun LayersBuilder.tanh() = add(Tanh)

fun LayersBuilder.gelu() = add(Gelu)

fun LayersBuilder.softmax(axis: Int = Softmax().axis) = add(Softmax(axis))
