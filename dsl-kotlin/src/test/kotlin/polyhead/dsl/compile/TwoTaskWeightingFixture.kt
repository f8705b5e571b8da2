package polyhead.dsl.compile

import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.accuracy
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.multiTask
import polyhead.dsl.sgd
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.tanh
import polyhead.tensor.Tensor

/**
 * The two-task model the weighting spec tests train: two inputs, tasks a (is x0 > 0) and b (is x1 > 0), six epochs of
 * SGD; [block] sets the weighting.
 */
internal fun twoTaskSpec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
    input(2)
    trunk { dense(8); tanh() }
    task("a") { head { dense(2) }; loss = crossEntropy(); metrics(accuracy()) }
    task("b") { head { dense(2) }; loss = crossEntropy() }
    optimizer = sgd(lr = 0.3)
    training { epochs = 6; batchSize = 16; seed = 5; diagnostics = false }
    block()
}

/** [n] points for [twoTaskSpec]: standard normal inputs, labels a = x0 > 0 and b = x1 > 0. */
internal fun twoTaskPoints(seed: Long, n: Int): Dataset {
    val x = Tensor.randn(seed, n, 2)
    fun label(k: Int) = Tensor.of(FloatArray(n) { if (x.data()[2 * it + k] > 0) 1f else 0f }, n)
    return Dataset.of(x, mapOf("a" to label(0), "b" to label(1)))
}
