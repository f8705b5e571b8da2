package polyhead.dsl.script

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.SpecJson

/**
 * Scripts compiled and run by the embedded compiler (a few seconds each, so few of them): a script's spec equals the
 * one the same DSL code builds in this process; each kind of fault is reported at its line and column.
 */
class SpecScriptsTest : FunSpec({
    test("a script yields the spec the same DSL code builds here, with the DSL and spec types imported by default") {
        val script = """
            // DESIGN.md's target usage, as the last expression, plus a spec enum used without an import
            multiTask {
                input(1, 28, 28)
                trunk { conv2d(10, kernel = 5); relu(); maxPool(2); flatten(); dense(50); relu() }
                task("item") { head { dense(10) }; loss = crossEntropy(); weight = 1.0; metrics(accuracy()) }
                task("group") { head { dense(4) }; loss = crossEntropy(); weight = 0.5 }
                architecture = hardSharing()
                weighting = fixed()
                optimizer = adamw(lr = 1e-3, weightDecay = 1e-2) { clipByGlobalNorm(1.0) }
                training { epochs = 10; batchSize = 128; seed = 42; earlyStopping(monitor = "val.item.accuracy") }
                training { sampling = Sampling.${Sampling.entries.last().name} }
            }
        """.trimIndent()
        val expected = ReferenceSpecs.design.let { it.copy(training = it.training.copy(sampling = Sampling.entries.last())) }

        val result = SpecScripts.run(script, "design.kts")

        result.shouldBeInstanceOf<ScriptResult.Ok>()
        result.spec shouldBe expected
        SpecJson.encode(result.spec) shouldBe SpecJson.encode(expected)
    }

    test("a syntax error is reported at its line and column") {
        val script = "multiTask {\n    input(784)\n    trunk { dense(10 }\n}\n"

        val faults = (SpecScripts.run(script, "dir/broken.kts") as ScriptResult.Failed).faults

        faults.map { "${it.source}:${it.line}:${it.column}" } shouldBe listOf("dir/broken.kts:3:21")
        faults.single().toString() shouldBe "dir/broken.kts:3:21: ${faults.single().message}"
    }

    test("each type error is one fault at its line and column") {
        val script = "multiTask {\n    input(\"784\")\n    trunk { dense(10); relu() }\n    weighting = adam()\n}\n"

        val faults = (SpecScripts.run(script, "typed.kts") as ScriptResult.Failed).faults

        faults.map { Triple(it.line, it.column, it.message.substringBefore(' ')) } shouldBe listOf(
            Triple(2, 11, "Argument"),
            Triple(4, 17, "Assignment"),
        )
    }

    test("a script whose last statement is not a spec, or that throws, says so") {
        val unit = SpecScripts.run("val spec = multiTask { input(3) }\n", "assigned.kts") as ScriptResult.Failed
        unit.faults.single().toString() shouldBe "assigned.kts: the script must end with multiTask { ... }, which " +
            "yields its spec; it yields nothing (its last statement is not an expression, or is Unit)"

        val thrown = SpecScripts.run("val n = 3\nrequire(n > 4) { \"n is \$n\" }\nmultiTask { }\n", "thrown.kts")
        (thrown as ScriptResult.Failed).faults.single().toString() shouldBe
            "thrown.kts:2: the script threw IllegalArgumentException: n is 3"
    }
})
