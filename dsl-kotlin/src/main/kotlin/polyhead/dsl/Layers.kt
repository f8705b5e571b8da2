package polyhead.dsl

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

// Layer verbs. Defaults are read from the spec classes (`Dense(units).bias`), where they are stated.

fun LayersBuilder.dense(units: Int, bias: Boolean = Dense(units).bias) = add(Dense(units, bias))

fun LayersBuilder.conv2d(
    filters: Int,
    kernel: Int,
    stride: Int = Conv2d(filters, kernel).stride,
    padding: Int = Conv2d(filters, kernel).padding,
    bias: Boolean = Conv2d(filters, kernel).bias,
) = add(Conv2d(filters, kernel, stride, padding, bias))

fun LayersBuilder.maxPool(kernel: Int, stride: Int = MaxPool(kernel).stride, padding: Int = MaxPool(kernel).padding) =
    add(MaxPool(kernel, stride, padding))

fun LayersBuilder.avgPool(kernel: Int, stride: Int = AvgPool(kernel).stride, padding: Int = AvgPool(kernel).padding) =
    add(AvgPool(kernel, stride, padding))

fun LayersBuilder.globalAvgPool() = add(GlobalAvgPool)

fun LayersBuilder.flatten() = add(Flatten)

fun LayersBuilder.dropout(p: Double = Dropout().p) = add(Dropout(p))

fun LayersBuilder.batchNorm(eps: Double = BatchNorm().eps, momentum: Double = BatchNorm().momentum) =
    add(BatchNorm(eps, momentum))

fun LayersBuilder.layerNorm(dims: Int = LayerNorm().dims, eps: Double = LayerNorm().eps) = add(LayerNorm(dims, eps))

fun LayersBuilder.embedding(count: Int, dim: Int) = add(Embedding(count, dim))

fun LayersBuilder.relu() = add(Relu)

fun LayersBuilder.leakyRelu(slope: Double = LeakyRelu().slope) = add(LeakyRelu(slope))

fun LayersBuilder.sigmoid() = add(Sigmoid)

fun LayersBuilder.tanh() = add(Tanh)

fun LayersBuilder.gelu() = add(Gelu)

fun LayersBuilder.softmax(axis: Int = Softmax().axis) = add(Softmax(axis))
