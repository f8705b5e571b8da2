package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import polyhead.dsl.adam
import polyhead.dsl.batchNorm
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.experiment.Algorithm
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.optim.Optimizers

/**
 * `trainable = false` from the DSL and the JSON spec: the same frozen parameters as the Java builder's
 * `Layers.frozen`/`trainable(false)`, written to JSON only when false, read back equal.
 */
class FreezingSpecTest : FunSpec({
    val spec = multiTask {
        input(4)
        trunk(trainable = false) { dense(8); batchNorm(); relu() }
        trunk { dense(6); relu() }
        task("a") { head(trainable = false) { dense(3) }; loss = crossEntropy() }
        task("b") { head { dense(2, trainable = false); relu(); dense(2) }; loss = crossEntropy() }
        optimizer = adam(lr = 0.01)
        training { seed = 3 }
    }

    fun frozen(a: polyhead.mtl.arch.Architecture) =
        a.namedParameters().filterValues { !it.requiresGrad() }.keys.toList()

    test("the DSL freezes the same parameters as the Java builder, with the same names and values") {
        val java = ExperimentBuilder().input(4)
            .trunk(Layers.frozen(Layers.dense(8), Layers.batchNorm(1e-5, 0.1), Layers.relu()) +
                listOf(Layers.dense(6), Layers.relu()))
            .task(TaskPlan.named("a").head(Layers.frozen(Layers.dense(3))).loss(Losses.crossEntropy()))
            .task(TaskPlan.named("b").head(Layers.dense(2).trainable(false), Layers.relu(), Layers.dense(2))
                .loss(Losses.crossEntropy()))
            .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Adam.lr(0.01))))
            .training(TrainingPlan.defaults().seed(3))
            .build().architecture()
        val compiled = SpecCompiler.compile(spec).architecture
        frozen(compiled) shouldBe listOf(
            "trunk.0.weight", "trunk.0.bias", "trunk.1.weight", "trunk.1.bias",
            "heads.a.weight", "heads.a.bias", "heads.b.0.weight", "heads.b.0.bias",
        )
        frozen(java) shouldBe frozen(compiled)
        compiled.stateDict().mapValues { it.value.data().toList() } shouldBe
            java.stateDict().mapValues { it.value.data().toList() }
    }

    test("JSON writes trainable only where it is false and reads it back") {
        val text = SpecJson.encode(spec)
        text shouldContain "\"trainable\": false"
        text.split("\"trainable\"").size - 1 shouldBe 4
        SpecJson.load(text) shouldBe SpecResult.Ok(spec)
        SpecJson.encode(multiTask { input(4); trunk { dense(8) } }) shouldNotContain "trainable"
        (SpecCompiler.load(text.replace("\"trainable\": false", "\"trainable\": \"no\"")) as SpecResult.Failed)
            .errors.first().toString() shouldContain "$.trunk[0].trainable"
    }

    test("a parameter-free layer stays as it is when frozen; freezing everything is refused by the trainer") {
        LayerSpec.Relu.trainable shouldBe true
        val all = multiTask {
            input(4)
            trunk(trainable = false) { dense(8); relu() }
            task("a") { head(trainable = false) { dense(3) }; loss = crossEntropy() }
            optimizer = adam(lr = 0.01)
        }
        val e = SpecCompiler.compile(all)
        val message = runCatching { e.trainerBuilder(1).build() }.exceptionOrNull()?.message.orEmpty()
        message shouldContain "every parameter of the model is frozen"
    }
})
