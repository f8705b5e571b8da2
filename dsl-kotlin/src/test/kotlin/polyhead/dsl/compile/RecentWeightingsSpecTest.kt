package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.excessMtl
import polyhead.dsl.fairGrad
import polyhead.dsl.gradDrop
import polyhead.dsl.imtlH
import polyhead.dsl.imtlL
import polyhead.dsl.sdmGrad
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.WeightingSpec
import polyhead.mtl.weighting.ExcessMtl
import polyhead.mtl.weighting.FairGrad
import polyhead.mtl.weighting.GradDrop
import polyhead.mtl.weighting.ImtlH
import polyhead.mtl.weighting.ImtlL
import polyhead.mtl.weighting.SdmGrad

/**
 * The weightings of issue 19's second round (IMTL-L, IMTL-H, …) from the Kotlin DSL and the JSON spec: exact JSON,
 * settings checked at their JSON paths, defaults equal to the core's, compiled to the core strategy with its gradient
 * source, and a short run that learns.
 */
class RecentWeightingsSpecTest : FunSpec({
    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = twoTaskSpec(block)

    fun points(seed: Long, n: Int): Dataset = twoTaskPoints(seed, n)

    fun weightingJson(s: ExperimentSpec): String = SpecJson.encode(s).substringAfter("\"weighting\": ").substringBefore("},") + "}"

    fun fromJson(weighting: String): polyhead.dsl.compile.CompiledExperiment {
        val text = SpecJson.encode(spec {}).replace(Regex("\"weighting\": \\{[^}]*}"), "\"weighting\": $weighting")
        return SpecCompiler.compile((SpecCompiler.load(text) as SpecResult.Ok).spec)
    }

    test("imtlL: exact JSON, compiled from JSON, its scales learn with the optimizer") {
        spec { weighting = imtlL() }.weighting shouldBe WeightingSpec.ImtlL
        weightingJson(spec { weighting = imtlL() }) shouldBe "{\n    \"type\": \"imtlL\"\n  }"
        val compiled = fromJson("""{"type": "imtlL"}""")
        val w = compiled.weighting.shouldBeInstanceOf<ImtlL>()
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        (w.weights().getValue("a") != 1.0) shouldBe true
    }

    test("imtlH: exact JSON, compiled from JSON with its source, trains; an unknown setting is named") {
        weightingJson(spec { weighting = imtlH(source = GradientSource.REPRESENTATION) }) shouldBe
            "{\n    \"type\": \"imtlH\",\n    \"source\": \"representation\"\n  }"
        WeightingSpec.ImtlH().source shouldBe GradientSource.PARAMETERS
        val compiled = fromJson("""{"type": "imtlH", "source": "representation"}""")
        compiled.weighting.shouldBeInstanceOf<ImtlH>()
        compiled.gradientSource shouldBe polyhead.train.GradientSource.REPRESENTATION
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        val text = SpecJson.encode(spec {}).replace(Regex("\"weighting\": \\{[^}]*}"), "\"weighting\": {\"type\": \"imtlL\", \"scale\": 1}")
        (SpecCompiler.load(text) as SpecResult.Failed).errors.single().path shouldContain "$.weighting"
    }

    test("fairGrad: exact JSON, compiled from JSON with its alpha and source, trains; a bad alpha is named at its path") {
        weightingJson(spec { weighting = fairGrad(alpha = 2.0) }) shouldBe
            "{\n    \"type\": \"fairGrad\",\n    \"alpha\": 2.0,\n    \"source\": \"parameters\"\n  }"
        WeightingSpec.FairGrad().alpha shouldBe FairGrad.DEFAULT_ALPHA
        val compiled = fromJson("""{"type": "fairGrad", "alpha": 0.5, "source": "representation"}""")
        compiled.weighting.shouldBeInstanceOf<FairGrad>().alpha() shouldBe 0.5
        compiled.gradientSource shouldBe polyhead.train.GradientSource.REPRESENTATION
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        SpecCompiler.check(spec { weighting = fairGrad(alpha = 0.0) }) shouldBe listOf(
            SpecError("$.weighting.alpha", "fairGrad alpha must be > 0, got 0.0"),
        )
    }

    test("excessMtl: exact JSON, compiled from JSON with its step size, trains; bad settings named at their paths") {
        weightingJson(spec { weighting = excessMtl(stepSize = 0.1) }) shouldBe
            "{\n    \"type\": \"excessMtl\",\n    \"stepSize\": 0.1,\n    \"source\": \"parameters\"\n  }"
        WeightingSpec.ExcessMtl().stepSize shouldBe ExcessMtl.DEFAULT_STEP_SIZE
        val compiled = fromJson("""{"type": "excessMtl", "stepSize": 0.2}""")
        compiled.weighting.shouldBeInstanceOf<ExcessMtl>().stepSize() shouldBe 0.2
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        SpecCompiler.check(spec { weighting = WeightingSpec.ExcessMtl(-1.0, GradientSource.REPRESENTATION) }) shouldBe listOf(
            SpecError("$.weighting.stepSize", "excessMtl stepSize must be a finite number >= 0, got -1.0"),
            SpecError(
                "$.weighting.source",
                "excessMtl keeps each task's gradient from step to step, which gradients of the shared representation " +
                    "(one batch's samples) cannot give; use source parameters",
            ),
        )
    }

    test("sdmGrad: exact JSON, compiled from JSON with its settings and source, trains; bad settings named at their paths") {
        weightingJson(spec { weighting = sdmGrad(lambda = 0.5, iterations = 5) }) shouldBe
            "{\n    \"type\": \"sdmGrad\",\n    \"lambda\": 0.5,\n    \"iterations\": 5,\n    \"source\": \"parameters\"\n  }"
        WeightingSpec.SdmGrad().let { listOf(it.lambda, it.iterations.toDouble()) } shouldBe
            listOf(SdmGrad.DEFAULT_LAMBDA, SdmGrad.DEFAULT_ITERATIONS.toDouble())
        val compiled = fromJson("""{"type": "sdmGrad", "lambda": 0.1, "iterations": 3, "source": "representation"}""")
        compiled.weighting.shouldBeInstanceOf<SdmGrad>().let { listOf(it.lambda(), it.iterations().toDouble()) } shouldBe listOf(0.1, 3.0)
        compiled.gradientSource shouldBe polyhead.train.GradientSource.REPRESENTATION
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        SpecCompiler.check(spec { weighting = sdmGrad(lambda = -1.0, iterations = 0) }) shouldBe listOf(
            SpecError("$.weighting.lambda", "sdmGrad lambda must be a finite number >= 0, got -1.0"),
            SpecError("$.weighting.iterations", "sdmGrad iterations must be at least 1, got 0"),
        )
    }

    test("gradDrop: exact JSON with the representation source, compiled from JSON, trains; parameters refused at the path") {
        weightingJson(spec { weighting = gradDrop(leak = 0.2) }) shouldBe
            "{\n    \"type\": \"gradDrop\",\n    \"leak\": 0.2,\n    \"source\": \"representation\"\n  }"
        WeightingSpec.GradDrop().leak shouldBe GradDrop.DEFAULT_LEAK
        val compiled = fromJson("""{"type": "gradDrop", "leak": 0.1}""")
        compiled.weighting.shouldBeInstanceOf<GradDrop>().leak() shouldBe 0.1
        compiled.gradientSource shouldBe polyhead.train.GradientSource.REPRESENTATION
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        SpecCompiler.check(spec { weighting = WeightingSpec.GradDrop(1.5, GradientSource.PARAMETERS) }) shouldBe listOf(
            SpecError("$.weighting.leak", "gradDrop leak must be in [0, 1], got 1.5"),
            SpecError(
                "$.weighting.source",
                "gradDrop acts on the features of the shared representation and needs their values, which gradients " +
                    "of the shared parameters do not have; use source representation",
            ),
        )
    }
})
