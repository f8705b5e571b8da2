package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.data.Dataset
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.adam
import polyhead.dsl.cgc
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.dselectK
import polyhead.dsl.learningToBranch
import polyhead.dsl.mtan
import polyhead.dsl.multiTask
import polyhead.dsl.pcGrad
import polyhead.dsl.relu
import polyhead.dsl.ple
import polyhead.dsl.tanh
import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
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
import polyhead.mtl.arch.DSelectK
import polyhead.mtl.arch.LearningToBranch
import polyhead.mtl.arch.Mtan
import polyhead.mtl.arch.Ple
import polyhead.optim.Optimizers.Adam
import polyhead.tensor.Tensor

/**
 * CGC, PLE, DSelect-k, MTAN and learning to branch from the Kotlin DSL and JSON: exact JSON, round trips, faults at their JSON paths, and a compiled spec
 * that trains to the same weights as the Java builder's plan.
 */
class MixtureArchitecturesSpecTest : FunSpec({
    fun data(rows: Int): Dataset {
        val x = Tensor.randn(5, rows, 4)
        return Dataset.of(x, mapOf("a" to Tensor.of(FloatArray(rows) { (it % 3).toFloat() }, rows),
            "b" to Tensor.of(FloatArray(rows) { (it % 2).toFloat() }, rows)))
    }

    fun spec(block: ExperimentBuilder.() -> Unit): ExperimentSpec = multiTask {
        input(4)
        trunk { dense(6); tanh(); dense(5); tanh() }
        task("a") { head { dense(3) }; loss = crossEntropy() }
        task("b") { head { dense(2) }; loss = crossEntropy() }
        optimizer = adam(lr = 1e-2)
        training { epochs = 2; batchSize = 8; seed = 4; diagnostics = false }
        block()
    }

    fun java(plan: ArchitecturePlan) = JavaBuilder().input(4)
        .trunk(Layers.dense(6), Layers.tanh(), Layers.dense(5), Layers.tanh())
        .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()))
        .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()))
        .architecture(plan)
        .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(1e-2))))
        .training(TrainingPlan.defaults().epochs(2).batchSize(8).seed(4).diagnostics(false))
        .build()

    /** Trains the compiled [s] and the Java builder's [plan] alike, checks they end equal; the compiled architecture. */
    fun sameWeights(s: ExperimentSpec, plan: ArchitecturePlan): polyhead.mtl.arch.Architecture {
        val compiled = SpecCompiler.compile(s)
        val built = java(plan)
        compiled.fit(data(32))
        built.fit(data(32), null, null, null)
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
            built.architecture().stateDict().mapValues { it.value.data().toList() }
        return compiled.architecture
    }

    test("cgc: the DSL writes its settings, JSON reads them back, and it compiles to the Java builder's plan") {
        roundTrips(spec { architecture = cgc() }) shouldContain
            "\"architecture\": {\n    \"type\": \"cgc\",\n    \"sharedExperts\": 2,\n    \"taskExperts\": 1\n  }"
        val s = spec { architecture = cgc(sharedExperts = 1, taskExperts = 2) }
        roundTrips(s)
        (SpecCompiler.compile(s).architecture as Ple).typeName() shouldBe "CGC"
        sameWeights(s, ArchitecturePlan.cgc(1, 2))
        // one level: representation gradients are allowed
        paths(spec { architecture = cgc(); weighting = pcGrad(source = GradientSource.REPRESENTATION) }) shouldBe emptyList()
    }

    test("ple: levels default to the trunk's activation blocks; JSON with ple trains") {
        roundTrips(spec { architecture = ple(taskExperts = 0, levels = intArrayOf(2, 2)) }) shouldContain
            "\"type\": \"ple\",\n    \"sharedExperts\": 2,\n    \"taskExperts\": 0,\n    \"levels\": [\n      2,\n      2\n    ]"
        sameWeights(spec { architecture = ple() }, ArchitecturePlan.ple(2, 1))
        val loaded = SpecCompiler.load(SpecJson.encode(spec { }).replace(
            "\"type\": \"hardSharing\"", "\"type\": \"ple\", \"sharedExperts\": 1, \"levels\": [2, 2]"))
        loaded.shouldBeInstanceOf<SpecResult.Ok>()
        loaded.spec.architecture shouldBe ArchitectureSpec.Ple(sharedExperts = 1, taskExperts = 1, levels = listOf(2, 2))
        val model = SpecCompiler.compile(loaded.spec)
        (model.architecture as Ple).levels() shouldBe 2
        model.fit(data(16))
    }

    test("dselectK: its defaults are the core's, JSON reads them back, and it compiles to the Java builder's plan") {
        roundTrips(spec { architecture = dselectK(experts = 4) }) shouldContain
            "\"type\": \"dselectK\",\n    \"experts\": 4,\n    \"selectors\": 2,\n    \"gamma\": 1.0,\n    \"entropyWeight\": 1.0E-6\n  }"
        ArchitectureSpec.DSelectK(4).gamma shouldBe DSelectK.DEFAULT_GAMMA
        ArchitectureSpec.DSelectK(4).entropyWeight shouldBe DSelectK.DEFAULT_ENTROPY_WEIGHT
        val s = spec { architecture = dselectK(experts = 3, selectors = 1, gamma = 0.5, entropyWeight = 0.01) }
        roundTrips(s)
        (SpecCompiler.compile(s).architecture as DSelectK).selectors() shouldBe 1
        sameWeights(s, ArchitecturePlan.dselectK(3, 1, 0.5, 0.01))
        paths(spec { architecture = dselectK(4); weighting = pcGrad(source = GradientSource.REPRESENTATION) }) shouldBe emptyList()
    }

    test("mtan: blocks default to the trunk's activation blocks, and it compiles to the Java builder's plan") {
        roundTrips(spec { architecture = mtan() }) shouldContain "\"architecture\": {\n    \"type\": \"mtan\",\n    \"blocks\": []\n  }"
        roundTrips(spec { architecture = mtan(2, 2) })
        (SpecCompiler.compile(spec { architecture = mtan() }).architecture as Mtan).blockCount() shouldBe 2
        sameWeights(spec { architecture = mtan() }, ArchitecturePlan.mtan())
        paths(spec { architecture = mtan(3, 1) }) shouldBe listOf(
            "$.architecture.blocks: block 0's last layer changes the shape from [6] to [5], but MTAN's attention mask multiplies one with the other; end the block before that layer",
        )
        paths(spec { architecture = mtan(); weighting = pcGrad(source = GradientSource.REPRESENTATION) }) shouldBe listOf(
            "$.weighting.source: mtan has no single shared representation; read the gradients of the shared parameters (\"parameters\")",
        )
    }

    test("bad settings are faults at their JSON paths") {
        paths(spec { architecture = dselectK(experts = 1, selectors = 0, gamma = 0.0, entropyWeight = -1.0) }) shouldBe listOf(
            "$.architecture.experts: dselectK experts must be at least 2, got 1",
            "$.architecture.selectors: dselectK selectors must be at least 1, got 0",
            "$.architecture.gamma: dselectK gamma must be > 0, got 0.0",
            "$.architecture.entropyWeight: dselectK entropyWeight must be a finite number >= 0, got -1.0",
        )
        paths(spec { architecture = cgc(sharedExperts = 0, taskExperts = -1) }) shouldBe listOf(
            "$.architecture.sharedExperts: cgc sharedExperts must be at least 1, got 0",
            "$.architecture.taskExperts: cgc taskExperts must be at least 0, got -1",
        )
        paths(spec { architecture = ple(levels = intArrayOf(3, 0)) }) shouldBe listOf(
            "$.architecture.levels[1]: a level's layer count must be at least 1, got 0",
            "$.architecture.levels: the levels cover 3 trunk layers, but the trunk has 4",
        )
        paths(spec { architecture = ple(); weighting = pcGrad(source = GradientSource.REPRESENTATION) }) shouldBe listOf(
            "$.weighting.source: ple has no single shared representation; read the gradients of the shared parameters (\"parameters\")",
        )
        paths(multiTask {
            input(4); task("a") { head { dense(2) }; loss = crossEntropy() }; architecture = cgc()
        }) shouldBe listOf("$.trunk: cgc copies the trunk as each expert, but the trunk is empty")
    }

    test("learningToBranch: the DSL writes its settings, its defaults are the core's, and JSON reads them back") {
        roundTrips(spec { architecture = learningToBranch() }) shouldContain
            "\"architecture\": {\n    \"type\": \"learningToBranch\",\n    \"stages\": [],\n    \"temperature\": 1.0,\n    \"fixAfter\": 0\n  }"
        ArchitectureSpec.LearningToBranch().temperature shouldBe LearningToBranch.DEFAULT_TEMPERATURE
        ArchitectureSpec.LearningToBranch().fixAfter shouldBe LearningToBranch.DEFAULT_FIX_AFTER
        roundTrips(spec { architecture = learningToBranch(1, 3, temperature = 0.5, fixAfter = 3) })
        roundTrips(spec { architecture = learningToBranch(temperature = 23.0, temperatureDecay = 469) }) shouldContain
            "\"fixAfter\": 0,\n    \"temperatureDecay\": 469\n  }"
        ArchitectureSpec.LearningToBranch().temperatureDecay shouldBe LearningToBranch.DEFAULT_TEMPERATURE_DECAY
        val loaded = SpecCompiler.load(SpecJson.encode(spec { }).replace(
            "\"type\": \"hardSharing\"", "\"type\": \"learningToBranch\", \"stages\": [2, 2], \"fixAfter\": 4"))
        loaded.shouldBeInstanceOf<SpecResult.Ok>()
        loaded.spec.architecture shouldBe ArchitectureSpec.LearningToBranch(stages = listOf(2, 2), fixAfter = 4)
    }

    test("learningToBranch: it compiles to the Java builder's plan: same weights, same tree state after training") {
        for ((s, plan) in listOf(
            spec { architecture = learningToBranch() } to ArchitecturePlan.learningToBranch(),
            spec { architecture = learningToBranch(2, 2, temperature = 0.5, fixAfter = 3) } to
                ArchitecturePlan.learningToBranch(0.5, 3, 2, 2),
            spec { architecture = learningToBranch(2, 2, temperature = 0.5, temperatureDecay = 2) } to
                ArchitecturePlan.learningToBranch(0.5, 0, 2, 2).temperatureDecay(2),
            spec { architecture = learningToBranch { dense(4); relu(); dense(4); relu() } } to
                ArchitecturePlan.learningToBranch().layers(Layers.dense(4), Layers.relu(), Layers.dense(4), Layers.relu()),
        )) {
            // the state dict holds the tree's state (branching.state.calls and .fixed), so it is compared too
            (sameWeights(s, plan) as LearningToBranch).isFixed() shouldBe (plan.fixAfter() > 0)
        }
    }

    test("learningToBranch: bad settings are faults at their JSON paths") {
        paths(spec {
            architecture = learningToBranch(3, 0, temperature = 0.0, fixAfter = -1, temperatureDecay = -5)
        }) shouldBe listOf(
            "$.architecture.temperature: learningToBranch temperature must be > 0, got 0.0",
            "$.architecture.fixAfter: learningToBranch fixAfter must be at least 0, got -1",
            "$.architecture.temperatureDecay: learningToBranch temperatureDecay must be at least 0, got -5",
            "$.architecture.stages[1]: a stage's layer count must be at least 1, got 0",
            "$.architecture.stages: the stages cover 3 trunk layers, but the trunk has 4",
        )
        paths(spec { architecture = learningToBranch(4) }) shouldBe listOf(
            "$.architecture.stages: learningToBranch branches between stages, but there is 1; give at least two " +
                "stages or a layer list with an activation before its end",
        )
        paths(multiTask {
            input(4); task("a") { head { dense(2) }; loss = crossEntropy() }; architecture = learningToBranch()
        }) shouldBe listOf("$.trunk: learningToBranch copies the trunk as each task's tower, but the trunk is empty")
    }
})
