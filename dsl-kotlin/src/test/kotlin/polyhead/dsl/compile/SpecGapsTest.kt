package polyhead.dsl.compile

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldStartWith
import polyhead.data.Batching
import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.constant
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.caGrad
import polyhead.dsl.mgda
import polyhead.dsl.multiTask
import polyhead.dsl.nashMtl
import polyhead.dsl.sgd
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.Sampling
import polyhead.dsl.tanh
import polyhead.dsl.xavierUniform
import polyhead.dsl.zeros
import polyhead.mtl.weighting.CaGrad
import polyhead.mtl.weighting.Mgda
import polyhead.mtl.weighting.NashMtl
import polyhead.mtl.weighting.Weightings
import polyhead.nn.Initializers
import polyhead.nn.Linear
import polyhead.optim.Optimizers
import polyhead.tensor.Tensor
import polyhead.train.EmaListener
import polyhead.train.Trainer
import java.util.Random
import kotlin.math.abs

/**
 * The fields that close the spec's gaps reach the core: per-layer initializers, `maximize`, the solvers' settings, the
 * evaluation batch size, multi-source sampling and the moving average of the weights.
 */
class SpecGapsTest : FunSpec({
    fun data(rows: Int, seed: Long): Dataset {
        val rng = Random(seed)
        return Dataset.of(
            Tensor.randn(seed, rows, 4),
            mapOf("a" to Tensor.of(FloatArray(rows) { rng.nextInt(3).toFloat() }, rows), "b" to Tensor.of(FloatArray(rows) { rng.nextInt(2).toFloat() }, rows)),
        )
    }

    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
        input(4)
        trunk { dense(6); tanh() }
        task("a") { head { dense(3) }; loss = crossEntropy() }
        task("b") { head { dense(2) }; loss = crossEntropy() }
        optimizer = sgd(lr = 0.1)
        training { epochs = 1; batchSize = 16; seed = 5; diagnostics = false }
        block()
    }

    fun weights(spec: ExperimentSpec) = SpecCompiler.compile(spec).architecture.stateDict().mapValues { it.value.data().toList() }

    test("a layer's initializers replace its defaults and draw only their own values") {
        val s = spec { trunk { dense(5, init = constant(0.5), biasInit = zeros()); dense(3, init = xavierUniform(gain = 2.0)) } }
        val w = SpecCompiler.compile(s).architecture.stateDict()
        w.getValue("trunk.2.weight").data().toSet() shouldBe setOf(0.5f)
        w.getValue("trunk.2.bias").data().toSet() shouldBe setOf(0f)
        // the first layer draws its defaults; the constants draw nothing, so the xavier weight comes right after
        val rng = Random(5)
        w.getValue("trunk.0.weight").data().toList() shouldBe Linear(4, 6, true, rng).weight().value().data().toList()
        val xavier = Tensor.zeros(3, 5).also { Initializers.xavierUniform(2f).initialize(it, rng) }
        w.getValue("trunk.3.weight").data().toList() shouldBe xavier.data().toList()
        val bias = Tensor.zeros(3).also { Initializers.defaultBias(5).initialize(it, rng) }
        w.getValue("trunk.3.bias").data().toList() shouldBe bias.data().toList()
        // the heads draw after the trunk as with default layers
        w.getValue("heads.a.weight").data().toList() shouldBe Linear(3, 3, true, rng).weight().value().data().toList()
    }

    test("maximize ascends: one step moves every weight opposite to the descending step") {
        val train = data(16, 1)
        val before = weights(spec {})
        val down = SpecCompiler.compile(spec {}).also { it.fit(train) }.architecture.stateDict()
        val up = SpecCompiler.compile(spec { optimizer = sgd(lr = 0.1) { maximize = true } }).also { it.fit(train) }.architecture.stateDict()
        var moved = 0.0
        for ((name, b) in before) {
            val d = down.getValue(name).data()
            val u = up.getValue(name).data()
            b.indices.forEach { i ->
                (u[i] - b[i]).toDouble() shouldBe ((b[i] - d[i]).toDouble() plusOrMinus 1e-6)
                moved += abs(u[i] - b[i])
            }
        }
        moved shouldBeGreaterThan 1e-3
    }

    test("solver settings reach MGDA, CAGrad and Nash-MTL; the evaluation batch size reaches the trainer") {
        (SpecCompiler.compile(spec { weighting = mgda(tolerance = 1e-7, maxIterations = 9) }).weighting as Mgda)
            .let { listOf(it.tolerance(), it.maxIterations().toDouble()) } shouldBe listOf(1e-7, 9.0)
        (SpecCompiler.compile(spec { weighting = caGrad(tolerance = 1e-8, maxIterations = 11) }).weighting as CaGrad)
            .let { listOf(it.tolerance(), it.maxIterations().toDouble()) } shouldBe listOf(1e-8, 11.0)
        (SpecCompiler.compile(spec { weighting = nashMtl(maxIterations = 13) }).weighting as NashMtl).maxIterations() shouldBe 13
        SpecCompiler.compile(spec { training { evalBatchSize = 7 } }).trainerBuilder(1).build().evalBatchSize() shouldBe 7
    }

    test("multi-source sampling trains on one dataset per task as the core's multiSource batching does") {
        val s = spec { training { sampling = Sampling.MULTI_SOURCE; batchSize = 8 } }
        val perTask = mapOf("a" to data(24, 1), "b" to data(12, 2))
        val compiled = SpecCompiler.compile(s)
        shouldThrow<IllegalArgumentException> { compiled.batches(data(8, 3)) }.message shouldStartWith
            "training.sampling: multiSource draws from one dataset per task"
        compiled.batches(perTask).stepsPerEpoch() shouldBe 3
        compiled.fit(perTask)

        val hand = SpecCompiler.compile(s).architecture
        Trainer.builder(hand).weighting(Weightings.fixed(mapOf("a" to 1.0, "b" to 1.0))).optimizer(Optimizers.sgd(0.1))
            .epochs(1).seed(5).diagnostics(false).build().fit(Batching.multiSource(perTask, 8), null)
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe hand.stateDict().mapValues { it.value.data().toList() }
    }

    test("ema: the compiled run ends with the weights the core's EmaListener averages") {
        val train = data(32, 1)
        val compiled = SpecCompiler.compile(spec { optimizer = sgd(lr = 0.1) { ema(decay = 0.5) } })
        compiled.fit(train)
        val hand = SpecCompiler.compile(spec {})
        hand.fit(train) { listener(EmaListener(hand.architecture, 0.5)) }
        val raw = SpecCompiler.compile(spec {}).also { it.fit(train) }
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe hand.architecture.stateDict().mapValues { it.value.data().toList() }
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldNotBe raw.architecture.stateDict().mapValues { it.value.data().toList() }
    }
})
