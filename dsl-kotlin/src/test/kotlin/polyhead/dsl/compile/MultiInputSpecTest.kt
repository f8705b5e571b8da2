package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import polyhead.dsl.adam
import polyhead.dsl.conv2d
import polyhead.dsl.crossEntropy
import polyhead.dsl.crossStitch
import polyhead.dsl.dense
import polyhead.dsl.flatten
import polyhead.dsl.maxPool
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.modelInput
import polyhead.experiment.Algorithm
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.InputPlan
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.optim.Optimizers

/**
 * Named inputs from the DSL and the JSON spec: the same parameters, names and values as the Java builder's
 * `input(InputPlan)`, a JSON round trip, and each fault at its JSON path.
 */
class MultiInputSpecTest : FunSpec({
    val spec = multiTask {
        namedInput("image", 1, 8, 8) { conv2d(2, kernel = 3); relu(); maxPool(2); flatten() }
        namedInput("features", 10) { dense(4); relu() }
        trunk { dense(8); relu() }
        task("a") { head { dense(3) }; loss = crossEntropy() }
        optimizer = adam(lr = 0.01)
        training { seed = 9 }
    }

    test("the DSL and JSON build the Java builder's model: same names, same values") {
        val java = ExperimentBuilder()
            .input(InputPlan.named("image").shape(1, 8, 8)
                .trunk(Layers.conv2d(2, 3), Layers.relu(), Layers.maxPool(2), Layers.flatten()))
            .input(InputPlan.named("features").shape(10).trunk(Layers.dense(4), Layers.relu()))
            .trunk(Layers.dense(8), Layers.relu())
            .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()))
            .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Adam.lr(0.01))))
            .training(TrainingPlan.defaults().seed(9))
            .build().architecture()
        val fromJson = (SpecCompiler.load(SpecJson.encode(spec)) as SpecResult.Ok).spec
        fromJson shouldBe spec
        val compiled = SpecCompiler.compile(fromJson).architecture
        compiled.stateDict().keys.toList() shouldBe listOf(
            "trunk.0.image.0.weight", "trunk.0.image.0.bias", "trunk.0.features.0.weight", "trunk.0.features.0.bias",
            "trunk.1.weight", "trunk.1.bias", "heads.a.weight", "heads.a.bias",
        )
        compiled.stateDict().mapValues { it.value.data().toList() } shouldBe
            java.stateDict().mapValues { it.value.data().toList() }
        compiled.namedParameters().getValue("trunk.1.weight").shape().dims().toList() shouldBe listOf(8, 2 * 3 * 3 + 4)
        spec.modelInput() shouldBe listOf(64 + 10)
        SpecJson.encode(multiTask { input(4) }) shouldNotContain "inputs"
    }

    test("each fault of the inputs at its JSON path") {
        val bad = multiTask {
            input(3)
            namedInput("a", 4) { conv2d(2, kernel = 3) }
            namedInput("a", 0)
            namedInput("b.c")
            task("t") { head { dense(2) }; loss = crossEntropy() }
            optimizer = adam(lr = 0.01)
        }
        SpecCompiler.check(bad) shouldBe listOf(
            SpecError("$.input", "give one input shape (input) or named inputs (inputs), not both"),
            SpecError("$.inputs[1].name", "input 'a' is already declared at $.inputs[0]"),
            SpecError("$.inputs[1].shape[0]", "an input dimension must be at least 1, got 0"),
            SpecError("$.inputs[2].name", "U+002E (.) at character 2 is not allowed in a name (letters, digits, '_' and '-' are; a dot separates " +
                "the parts of parameter and metric names)"),
            SpecError("$.inputs[2].shape", "missing: the shape of one sample of this input, e.g. [10]"),
        )
        val traced = SpecCompiler.check(multiTask {
            namedInput("a", 4) { conv2d(2, kernel = 3) }
            task("t") { head { dense(2) }; loss = crossEntropy() }
            optimizer = adam(lr = 0.01)
        })
        traced.single().path shouldBe "$.inputs[0].trunk[0]"
        SpecCompiler.check(spec.copy(architecture = polyhead.dsl.spec.ArchitectureSpec.CrossStitch())).map { it.path } shouldBe
            listOf("$.architecture")
    }
})
