package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.adam
import polyhead.dsl.conv2d
import polyhead.dsl.crossEntropy
import polyhead.dsl.crossStitch
import polyhead.dsl.dense
import polyhead.dsl.mmoe
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.softSharing
import polyhead.dsl.tanh
import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.experiment.Algorithm
import polyhead.experiment.ArchitecturePlan
import polyhead.experiment.ExperimentBuilder as JavaBuilder
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.optim.Optimizers.Adam
import polyhead.tensor.Tensor

/**
 * Layers of their own for soft sharing, cross-stitch and MMoE from the Kotlin DSL and JSON: written only when given
 * (so existing specs keep their JSON), faults at `$.architecture.layers`, and the Java builder's model.
 */
class OwnLayersSpecTest : FunSpec({
    fun data(rows: Int): Dataset = Dataset.of(Tensor.randn(5, rows, 4), mapOf(
        "a" to Tensor.of(FloatArray(rows) { (it % 3).toFloat() }, rows),
        "b" to Tensor.of(FloatArray(rows) { (it % 2).toFloat() }, rows)))

    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
        input(4)
        trunk { dense(6); tanh() }
        task("a") { head { dense(3) }; loss = crossEntropy() }
        task("b") { head { dense(2) }; loss = crossEntropy() }
        optimizer = adam(lr = 1e-2)
        training { epochs = 2; batchSize = 8; seed = 4; diagnostics = false }
        block()
    }

    fun java(plan: ArchitecturePlan) = JavaBuilder().input(4).trunk(Layers.dense(6), Layers.tanh())
        .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()))
        .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()))
        .architecture(plan)
        .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(1e-2))))
        .training(TrainingPlan.defaults().epochs(2).batchSize(8).seed(4).diagnostics(false))
        .build()

    test("without layers the JSON is as before; with them it lists them") {
        SpecJson.encode(spec { architecture = mmoe(experts = 2) }) shouldNotContain "\"layers\""
        val s = spec { architecture = mmoe(experts = 2) { dense(5); relu() } }
        val json = SpecJson.encode(s)
        json shouldContain "\"type\": \"mmoe\",\n    \"experts\": 2,\n    \"oneGate\": false,\n    \"layers\": [\n      {\n        \"type\": \"dense\",\n        \"units\": 5"
        (SpecJson.decode(json) as SpecResult.Ok).spec shouldBe s
        (s.architecture as ArchitectureSpec.Mmoe).layers.last() shouldBe LayerSpec.Relu
        paths(s) shouldBe emptyList()
    }

    test("each compiles to the Java builder's plan and trains to the same weights") {
        val cases = listOf(
            spec { architecture = softSharing(0.01) { dense(4); relu() } } to
                ArchitecturePlan.softSharing(0.01).layers(Layers.dense(4), Layers.relu()),
            spec { architecture = crossStitch(1, 1) { dense(5); dense(4) } } to
                ArchitecturePlan.crossStitch(1, 1).layers(Layers.dense(5), Layers.dense(4)),
            spec { architecture = mmoe(experts = 3, oneGate = true) { dense(4) } } to
                ArchitecturePlan.omoe(3).layers(Layers.dense(4)),
        )
        for ((s, plan) in cases) {
            val compiled = SpecCompiler.compile(s)
            val built = java(plan)
            compiled.fit(data(32))
            built.fit(data(32), null, null, null)
            compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
                built.architecture().stateDict().mapValues { it.value.data().toList() }
            compiled.architecture.sharedParameters().keys.first() shouldBe "trunk.0.weight"
        }
    }

    test("faults in the layers are named at their JSON path") {
        paths(spec { architecture = crossStitch(1, 2) { dense(0); relu() } }) shouldBe listOf(
            "$.architecture.layers[0].units: dense units must be at least 1, got 0",
            "$.architecture.stages: the stages cover 3 layers, but the architecture has 2 of its own",
        )
        paths(multiTask {
            input(1, 4, 4)
            task("a") { head { dense(2) }; loss = crossEntropy() }
            architecture = mmoe(experts = 2) { conv2d(2, kernel = 3) }
        }) shouldBe listOf(
            "$.architecture.layers: mmoe mixes its experts' outputs, which must be vectors: each expert (a copy of its layers) outputs [2, 2, 2]; end its layers with flatten() or a dense layer",
        )
        paths(spec { architecture = softSharing { conv2d(2, kernel = 3) } }) shouldBe listOf(
            "$.architecture.layers[0]: conv2d needs an image input [channels, height, width], got [6]",
        )
    }
})
