package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.dbMtl
import polyhead.dsl.gradVac
import polyhead.dsl.moCo
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.WeightingSpec
import polyhead.mtl.weighting.DbMtl
import polyhead.mtl.weighting.GradVac
import polyhead.mtl.weighting.MoCo

/**
 * The gradient-level weightings that carry state from step to step (GradVac, DB-MTL, MoCo) from the Kotlin DSL and the JSON spec:
 * exact JSON, settings checked at their JSON paths, defaults equal to the core's, compiled to the core strategy with
 * its gradient source, and a short run that learns.
 */
class HistoryWeightingsSpecTest : FunSpec({
    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = twoTaskSpec(block)

    fun points(seed: Long, n: Int): Dataset = twoTaskPoints(seed, n)

    test("gradVac: exact JSON, read back from JSON, compiled with its rate and source, and trains") {
        val s = spec { weighting = gradVac(beta = 0.2, source = GradientSource.REPRESENTATION) }
        s.weighting shouldBe WeightingSpec.GradVac(0.2, GradientSource.REPRESENTATION)
        val text = SpecJson.encode(s)
        text shouldContain "\"weighting\": {\n    \"type\": \"gradVac\",\n    \"beta\": 0.2,\n    \"source\": \"representation\"\n  },"
        val fromJson = SpecJson.decode(text.replace("\"beta\": 0.2", "\"beta\": 0.3")).getOrThrow()
        val compiled = SpecCompiler.compile(fromJson)
        (compiled.weighting as GradVac).beta() shouldBe 0.3
        compiled.gradientSource shouldBe polyhead.train.GradientSource.REPRESENTATION
        val h = compiled.fit(points(1, 64), points(2, 64)).history()
        h.last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
    }

    test("gradVac: beta outside [0, 1] is named at its JSON path; the default is the core's") {
        SpecCompiler.check(spec { weighting = gradVac(beta = 1.5) }) shouldBe listOf(
            SpecError("$.weighting.beta", "gradVac beta must be in [0, 1], got 1.5"),
        )
        WeightingSpec.GradVac().beta shouldBe GradVac.DEFAULT_BETA
        WeightingSpec.GradVac().source shouldBe GradientSource.PARAMETERS
    }

    test("dbMtl: exact JSON, read back from JSON, compiled with its rates, and trains") {
        val s = spec { weighting = dbMtl(beta = 0.5, betaSigma = 0.25) }
        s.weighting shouldBe WeightingSpec.DbMtl(0.5, 0.25)
        val text = SpecJson.encode(s)
        text shouldContain "\"weighting\": {\n    \"type\": \"dbMtl\",\n    \"beta\": 0.5,\n    \"betaSigma\": 0.25,\n    \"source\": \"parameters\"\n  },"
        val compiled = SpecCompiler.compile(SpecJson.decode(text.replace("\"beta\": 0.5", "\"beta\": 0.6")).getOrThrow())
        (compiled.weighting as DbMtl).let { listOf(it.beta(), it.betaSigma()) } shouldBe listOf(0.6, 0.25)
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
    }

    test("dbMtl: bad rates and the representation source are named at their JSON paths; the defaults are the core's") {
        SpecCompiler.check(spec { weighting = WeightingSpec.DbMtl(1.5, -1.0, GradientSource.REPRESENTATION) }) shouldBe listOf(
            SpecError("$.weighting.beta", "dbMtl beta must be in [0, 1], got 1.5"),
            SpecError("$.weighting.betaSigma", "dbMtl betaSigma must be a finite number >= 0, got -1.0"),
            SpecError(
                "$.weighting.source",
                "dbMtl keeps each task's gradient from step to step, which gradients of the shared representation " +
                    "(one batch's samples) cannot give; use source parameters",
            ),
        )
        WeightingSpec.DbMtl().let { listOf(it.beta, it.betaSigma) } shouldBe listOf(DbMtl.DEFAULT_BETA, DbMtl.DEFAULT_BETA_SIGMA)
    }

    test("moCo: exact JSON, read back from JSON, compiled with its settings, trains; bad settings named at their paths") {
        val s = spec { weighting = moCo(beta = 0.4, betaSigma = 0.5, gamma = 0.2, gammaSigma = 0.25, rho = 0.01) }
        val text = SpecJson.encode(s)
        text shouldContain "\"weighting\": {\n    \"type\": \"moCo\",\n    \"beta\": 0.4,\n    \"betaSigma\": 0.5,\n    " +
            "\"gamma\": 0.2,\n    \"gammaSigma\": 0.25,\n    \"rho\": 0.01,\n    \"source\": \"parameters\"\n  },"
        val compiled = SpecCompiler.compile(SpecJson.decode(text.replace("\"gamma\": 0.2", "\"gamma\": 0.3")).getOrThrow())
        (compiled.weighting as MoCo).settings().toList() shouldBe listOf(0.4, 0.5, 0.3, 0.25, 0.01)
        compiled.fit(points(1, 64), points(2, 64)).history().last().getValue("val.a.accuracy") shouldBeGreaterThan 0.75
        SpecCompiler.check(spec { weighting = WeightingSpec.MoCo(gamma = -1.0, rho = Double.NaN, source = GradientSource.REPRESENTATION) }) shouldBe listOf(
            SpecError("$.weighting.gamma", "moCo gamma must be a finite number >= 0, got -1.0"),
            SpecError("$.weighting.rho", "moCo rho must be a finite number >= 0, got NaN"),
            SpecError(
                "$.weighting.source",
                "moCo keeps each task's gradient from step to step, which gradients of the shared representation " +
                    "(one batch's samples) cannot give; use source parameters",
            ),
        )
        WeightingSpec.MoCo().let { listOf(it.beta, it.betaSigma, it.gamma, it.gammaSigma, it.rho) } shouldBe
            MoCo.DEFAULT_BETA.let { listOf(it, MoCo.DEFAULT_BETA_SIGMA, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA, MoCo.DEFAULT_RHO) }
    }
})
