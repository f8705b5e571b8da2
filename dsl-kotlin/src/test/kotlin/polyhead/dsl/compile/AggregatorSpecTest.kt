package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.alignedMtl
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.gradDrop
import polyhead.dsl.imtlG
import polyhead.dsl.multiTask
import polyhead.dsl.sgd
import polyhead.dsl.softSharing
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.tanh
import polyhead.dsl.upGrad
import polyhead.mtl.weighting.AlignedMtl
import polyhead.mtl.weighting.ImtlG
import polyhead.mtl.weighting.UpGrad

/** IMTL-G, Aligned-MTL and UPGrad from the Kotlin DSL and from JSON: exact JSON, compiled strategy, validation. */
class AggregatorSpecTest : FunSpec({
    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
        input(4)
        trunk { dense(6); tanh() }
        task("a") { head { dense(3) }; loss = crossEntropy() }
        task("b") { head { dense(2) }; loss = crossEntropy() }
        optimizer = sgd(lr = 0.1)
        training { epochs = 1; batchSize = 16; seed = 5 }
        block()
    }

    fun weightingJson(s: ExperimentSpec): String = SpecJson.encode(s).substringAfter("\"weighting\": ").substringBefore("},") + "}"

    test("the DSL verbs write the JSON a user would") {
        weightingJson(spec { weighting = imtlG() }) shouldBe "{\n    \"type\": \"imtlG\",\n    \"source\": \"parameters\"\n  }"
        weightingJson(spec { weighting = alignedMtl(source = GradientSource.REPRESENTATION) }) shouldBe
            "{\n    \"type\": \"alignedMtl\",\n    \"source\": \"representation\"\n  }"
        weightingJson(spec { weighting = upGrad(regEps = 1e-6) }) shouldBe
            "{\n    \"type\": \"upGrad\",\n    \"normEps\": 1.0E-4,\n    \"regEps\": 1.0E-6,\n    \"source\": \"parameters\"\n  }"
    }

    test("JSON compiles to the strategies with their settings and source") {
        fun compiled(weighting: String): polyhead.experiment.Experiment {
            val text = SpecJson.encode(spec {}).replace(Regex("\"weighting\": \\{[^}]*}"), "\"weighting\": $weighting")
            return SpecCompiler.compile((SpecCompiler.load(text) as SpecResult.Ok).spec).experiment
        }
        compiled("""{"type": "imtlG"}""").weighting().shouldBeInstanceOf<ImtlG>()
        compiled("""{"type": "alignedMtl", "source": "representation"}""").let {
            it.weighting().shouldBeInstanceOf<AlignedMtl>()
            it.gradientSource() shouldBe polyhead.train.GradientSource.REPRESENTATION
        }
        val u = compiled("""{"type": "upGrad", "normEps": 0, "regEps": 1e-6}""").weighting() as UpGrad
        listOf(u.normEps(), u.regEps()) shouldBe listOf(0.0, 1e-6)
        (compiled("""{"type": "upGrad"}""").weighting() as UpGrad).regEps() shouldBe UpGrad.DEFAULT_REG_EPS
    }

    test("bad settings and a source the architecture lacks are faults at their JSON paths") {
        SpecCompiler.check(spec { weighting = upGrad(normEps = -1.0, regEps = 0.0) }) shouldBe listOf(
            SpecError("$.weighting.normEps", "upGrad normEps must be a finite number >= 0, got -1.0"),
            SpecError("$.weighting.regEps", "upGrad regEps must be > 0, got 0.0"),
        )
        SpecCompiler.check(spec { architecture = softSharing(); weighting = imtlG(source = GradientSource.REPRESENTATION) }) shouldBe listOf(
            SpecError("$.weighting.source", "softSharing has no single shared representation; read the gradients of the shared parameters (\"parameters\")"),
        )
        SpecCompiler.check(spec { architecture = softSharing(); weighting = gradDrop() }) shouldBe listOf(
            SpecError("$.weighting.source", "softSharing has no single shared representation; the weighting works only on one, so use an architecture that has it (e.g. hard sharing)"),
        )
        val text = SpecJson.encode(spec {}).replace(Regex("\"weighting\": \\{[^}]*}"), "\"weighting\": {\"type\": \"upGrad\", \"eps\": 1}")
        (SpecCompiler.load(text) as SpecResult.Failed).errors.single().path shouldContain "$.weighting"
    }
})
