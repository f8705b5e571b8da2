package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.data.Dataset
import polyhead.data.LabelType
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.adam
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.famo
import polyhead.dsl.gls
import polyhead.dsl.multiTask
import polyhead.dsl.mse
import polyhead.dsl.relu
import polyhead.dsl.stch
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.WeightingSpec
import polyhead.experiment.ExperimentBuilder as JavaBuilder
import polyhead.experiment.Algorithm
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.experiment.WeightingPlan
import polyhead.loss.Losses
import polyhead.mtl.weighting.Famo
import polyhead.mtl.weighting.Gls
import polyhead.mtl.weighting.Stch
import polyhead.optim.Optimizers.Adam
import polyhead.tensor.Tensor

/**
 * The loss weightings FAMO, GLS and STCH from the Kotlin DSL and JSON: exact JSON, round trips, faults at their JSON
 * paths, and a compiled spec that trains to the same weights as the Java builder's plan.
 */
class LossWeightingsSpecTest : FunSpec({
    fun data(rows: Int): Dataset {
        val x = Tensor.randn(5, rows, 4)
        val y = FloatArray(rows) { (it % 3).toFloat() }
        val r = Tensor.randn(6, rows, 1)
        return Dataset.of(x, mapOf("c" to Tensor.of(y, rows), "r" to r))
    }

    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
        input(4)
        trunk { dense(6); relu() }
        task("c") { head { dense(3) }; loss = crossEntropy() }
        task("r") { head { dense(1) }; loss = mse(); labels = Labels.REAL_VECTOR }
        optimizer = adam(lr = 1e-2)
        training { epochs = 2; batchSize = 8; seed = 4; diagnostics = false }
        block()
    }

    fun java(plan: WeightingPlan) = JavaBuilder().input(4).trunk(Layers.dense(6), Layers.relu())
        .task(TaskPlan.named("c").head(Layers.dense(3)).loss(Losses.crossEntropy()))
        .task(TaskPlan.named("r").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR))
        .weighting(plan)
        .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(1e-2))))
        .training(TrainingPlan.defaults().epochs(2).batchSize(8).seed(4).diagnostics(false))
        .build()

    fun sameWeights(s: ExperimentSpec, plan: WeightingPlan) {
        val compiled = SpecCompiler.compile(s)
        val built = java(plan)
        compiled.fit(data(32))
        built.fit(data(32), null, null, null)
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
            built.architecture().stateDict().mapValues { it.value.data().toList() }
    }

    test("famo: the DSL writes its settings, JSON reads them back, and it compiles to the Java builder's plan") {
        roundTrips(spec { weighting = famo() }) shouldContain
            "\"weighting\": {\n    \"type\": \"famo\",\n    \"lr\": 0.025,\n    \"weightDecay\": 0.001\n  }"
        val s = spec { weighting = famo(lr = 0.05, weightDecay = 0.0) }
        roundTrips(s)
        WeightingSpec.Famo().lr shouldBe Famo.DEFAULT_LR
        WeightingSpec.Famo().weightDecay shouldBe Famo.DEFAULT_WEIGHT_DECAY
        SpecCompiler.compile(s).weighting.shouldBeInstanceOf<Famo>()
        sameWeights(s, WeightingPlan.famo(0.05, 0.0))
    }

    test("famo: a JSON spec with famo trains") {
        val json = SpecJson.encode(spec { weighting = famo() })
            .replace(""""lr": 0.025""", """"lr": 0.1""")
        val loaded = SpecCompiler.load(json)
        loaded.shouldBeInstanceOf<SpecResult.Ok>()
        (loaded.spec.weighting as WeightingSpec.Famo).lr shouldBe 0.1
        val model = SpecCompiler.compile(loaded.spec)
        model.fit(data(32))
        (model.weighting as Famo).logits().keys shouldBe setOf("c", "r")
    }

    test("famo: bad settings are faults at their JSON paths") {
        paths(spec { weighting = famo(lr = 0.0, weightDecay = -1.0) }) shouldBe listOf(
            "$.weighting.lr: the famo learning rate must be > 0, got 0.0",
            "$.weighting.weightDecay: famo weight decay must be a finite number >= 0, got -1.0",
        )
    }

    test("gls: the DSL writes it, JSON reads it back, and it compiles to the Java builder's plan") {
        val s = spec { weighting = gls() }
        roundTrips(s) shouldContain "\"weighting\": {\n    \"type\": \"gls\"\n  }"
        SpecCompiler.compile(s).weighting.shouldBeInstanceOf<Gls>()
        sameWeights(s, WeightingPlan.gls())
    }

    test("stch: the DSL writes its settings, JSON reads them back, and it compiles to the Java builder's plan") {
        roundTrips(spec { weighting = stch() }) shouldContain
            "\"weighting\": {\n    \"type\": \"stch\",\n    \"mu\": 1.0,\n    \"warmupEpochs\": 4\n  }"
        WeightingSpec.Stch().mu shouldBe Stch.DEFAULT_MU
        WeightingSpec.Stch().warmupEpochs shouldBe Stch.DEFAULT_WARMUP_EPOCHS
        // warm-up in epoch 0 (which averages the losses), the scalarization in epoch 1
        val s = spec { weighting = stch(mu = 0.5, warmupEpochs = 0) }
        roundTrips(s)
        val compiled = SpecCompiler.compile(s)
        compiled.fit(data(32))
        (compiled.weighting as Stch).nadir().keys shouldBe setOf("c", "r")
        sameWeights(s, WeightingPlan.stch(0.5, 0))
    }

    test("stch: bad settings are faults at their JSON paths") {
        paths(spec { weighting = stch(mu = Double.NaN, warmupEpochs = -1) }) shouldBe listOf(
            "$.weighting.mu: stch mu must be > 0, got NaN",
            "$.weighting.warmupEpochs: warmupEpochs must be at least 0, got -1",
        )
    }
})
