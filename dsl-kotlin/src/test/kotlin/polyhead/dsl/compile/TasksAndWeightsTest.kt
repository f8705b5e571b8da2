package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.data.Dataset
import polyhead.data.LabelMapping
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.accuracy
import polyhead.dsl.adam
import polyhead.dsl.bceWithLogits
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.gradNorm
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.spec.DerivedSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.WeightingSpec
import polyhead.dsl.uncertainty
import polyhead.experiment.ExperimentBuilder as JavaBuilder
import polyhead.experiment.Algorithm
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.loss.Reduction
import polyhead.metrics.Metrics
import polyhead.mtl.weighting.GradNorm
import polyhead.mtl.weighting.Uncertainty
import polyhead.optim.Optimizers.Adam
import polyhead.tensor.Shape
import polyhead.tensor.Tensor

/**
 * Derived tasks, class and positive weights, and per-task initial values of weightings from the DSL and JSON: they
 * round-trip, are checked at their JSON paths, compile to what the Java builder builds, and train; specs without them
 * read and write exactly as before.
 */
class TasksAndWeightsTest : FunSpec({
    /** Ten-class items with one missing label; the derived task says whether the class is 5, 7 or 9 (footwear). */
    fun items(rows: Int): Dataset {
        val x = Tensor.randn(3, rows, 6)
        val y = FloatArray(rows) { (it % 10).toFloat() }
        val mask = FloatArray(rows) { if (it == 3) 0f else 1f }
        return Dataset.of(x, mapOf("item" to Tensor.of(y, rows)), mapOf("item" to Tensor.of(mask, rows)))
    }

    fun spec(block: ExperimentBuilder.() -> Unit = {}): ExperimentSpec = multiTask {
        input(6)
        trunk { dense(8); relu() }
        task("item") { head { dense(10) }; loss = crossEntropy(classWeights = List(10) { 1.0 + it / 10.0 }); metrics(accuracy()) }
        task("footwear") {
            head { dense(1) }
            loss = bceWithLogits(posWeight = listOf(2.0))
            derivedFrom("item", positive = setOf(5, 7, 9))
            weight = 0.5
            metrics(accuracy())
        }
        optimizer = adam(lr = 1e-2)
        training { epochs = 1; batchSize = 8; seed = 4; diagnostics = false }
        block()
    }

    fun faults(spec: ExperimentSpec): List<SpecError> = SpecCompiler.check(spec)

    test("the DSL writes derived tasks and weights to JSON and reads them back") {
        val s = spec { weighting = uncertainty(initialLogVariances = mapOf("footwear" to -1.0)) }
        s.tasks[1].derivedFrom shouldBe DerivedSpec("item", positive = listOf(5, 7, 9))
        s.tasks[1].labels shouldBe Labels.BINARY
        val json = SpecJson.encode(s)
        (SpecJson.decode(json) as SpecResult.Ok).spec shouldBe s
        json.contains("\"positive\"") shouldBe true
        json.contains("\"initialLogVariances\"") shouldBe true
        faults(s) shouldBe emptyList()
    }

    test("a spec without the new settings writes no new key") {
        val plain = multiTask {
            input(6)
            task("item") { head { dense(10) }; loss = crossEntropy() }
            task("spam") { head { dense(1) }; loss = bceWithLogits(); labels = Labels.BINARY }
            weighting = gradNorm()
            optimizer = adam()
        }
        val json = SpecJson.encode(plain)
        for (key in listOf("classWeights", "posWeight", "derivedFrom", "initialWeights", "initialLogVariances")) {
            json shouldNotContain key
        }
    }

    test("the Keras-like spec (softmax class head, sigmoid head derived from the class, weights 1.0/0.5) trains from JSON") {
        val json = """
            {
              "version": 2,
              "input": [6],
              "trunk": [{"type": "dense", "units": 8}, {"type": "relu"}],
              "tasks": [
                {"name": "item", "head": [{"type": "dense", "units": 10}], "loss": {"type": "crossEntropy"},
                 "weight": 1.0, "metrics": ["accuracy"]},
                {"name": "footwear", "head": [{"type": "dense", "units": 1}], "loss": {"type": "bceWithLogits"},
                 "weight": 0.5, "labels": "binary", "metrics": ["accuracy"],
                 "derivedFrom": {"task": "item", "positive": [5, 7, 9]}}
              ],
              "optimizer": {"algorithm": {"type": "adam", "lr": 0.01, "amsgrad": true}},
              "training": {"epochs": 2, "batchSize": 8, "seed": 1, "validationSplit": 0.25, "diagnostics": false}
            }
        """.trimIndent()
        val loaded = SpecCompiler.load(json)
        loaded.shouldBeInstanceOf<SpecResult.Ok>()
        val history = SpecCompiler.compile(loaded.spec).fit(items(40)).history()
        history.last().keys shouldContain "val.footwear.accuracy"
        history.last().keys shouldContain "val.item.accuracy"
    }

    test("the spec compiles to what the Java builder builds, and both train to the same weights") {
        val compiled = SpecCompiler.compile(spec { weighting = gradNorm(initialWeights = mapOf("item" to 3.0)) })
        (compiled.weighting as GradNorm).initialWeights() shouldBe mapOf("item" to 3.0)
        val java = JavaBuilder().input(6).trunk(Layers.dense(8), Layers.relu())
            .task(TaskPlan.named("item").head(Layers.dense(10))
                .loss(Losses.crossEntropy(0f, Reduction.MEAN, FloatArray(10) { 1f + it / 10f })).metrics(Metrics.accuracy()))
            .task(TaskPlan.named("footwear").head(Layers.dense(1)).loss(Losses.bceWithLogits(Reduction.MEAN, floatArrayOf(2f)))
                .derivedFrom("item", LabelMapping.toBinary(5, 7, 9)).weight(0.5).metrics(Metrics.accuracy()))
            .weighting(polyhead.experiment.WeightingPlan.gradNorm().initialWeights(mapOf("item" to 3.0)))
            .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(1e-2))))
            .training(TrainingPlan.defaults().epochs(1).batchSize(8).seed(4).diagnostics(false))
            .build()
        compiled.fit(items(24))
        java.fit(items(24), null, null, null)
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
            java.architecture().stateDict().mapValues { it.value.data().toList() }
        compiled.experiment.bind(items(4)).targets("footwear").shape() shouldBe Shape.of(4, 1)
    }

    test("bad settings are faults at their JSON paths") {
        fun paths(s: ExperimentSpec) = faults(s).map { "${it.path}: ${it.message}" }
        paths(spec { task("x") { head { dense(2) }; loss = crossEntropy(classWeights = listOf(1.0, -1.0)) } }) shouldBe
            listOf("$.tasks[2].loss.classWeights[1]: a class weight must be a finite number >= 0, got -1.0")
        paths(spec { task("x") { head { dense(2) }; loss = crossEntropy(classWeights = listOf(1.0, 1.0, 1.0)) } }) shouldBe
            listOf("$.tasks[2].loss.classWeights: 3 class weights, but the head outputs 2 classes (one weight per class)")
        paths(spec { task("x") { head { dense(3) }; labels = Labels.BINARY; loss = bceWithLogits(posWeight = listOf(1.0, 2.0)) } }) shouldBe
            listOf("$.tasks[2].loss.posWeight: 2 positive weights, but the head outputs 3 labels (one per label, or one for all)")
        paths(spec { task("g") { head { dense(2) }; loss = crossEntropy(); derivedFrom("item", groups = listOf(0, 1, 1)) } }) shouldBe
            listOf("$.tasks[2].derivedFrom: the mapping gives groups for 3 classes, but the source has 10 (one group per class)")
        paths(spec { task("g") { head { dense(2) }; loss = crossEntropy(); derivedFrom("itme", groups = listOf(0, 1)) } }) shouldBe
            listOf("$.tasks[2].derivedFrom.task: no task 'itme' to derive the labels from; tasks: item, footwear, g")
        paths(spec {
            task("p") { head { dense(2) }; loss = crossEntropy(); derivedFrom("q", groups = listOf(0, 1)) }
            task("q") { head { dense(2) }; loss = crossEntropy(); derivedFrom("p", groups = listOf(0, 1)) }
        }).first() shouldBe "$.tasks[2].derivedFrom.task: the tasks' derivations form a cycle: p → q → p"
        val noMapping = spec().let { s -> s.copy(tasks = listOf(s.tasks[0], s.tasks[1].copy(derivedFrom = DerivedSpec("item")))) }
        paths(noMapping) shouldBe
            listOf("$.tasks[1].derivedFrom: give exactly one mapping: groups (class → group) or positive (the classes that are 1)")
        paths(spec { task("b") { head { dense(2) }; loss = bceWithLogits(); derivedFrom("item", positive = setOf(12)) } }) shouldBe listOf(
            "$.tasks[2].derivedFrom: positive class 12 is not a class of the source (0..9)",
            "$.tasks[2].head: the mapping gives one 0/1 label, so the head must output [1], but it outputs [2]",
        )
        paths(spec { weighting = gradNorm(initialWeights = mapOf("item" to 0.0, "shoe" to 1.0)) }) shouldBe listOf(
            "$.weighting.initialWeights.item: an initial weight must be > 0, got 0.0",
            "$.weighting.initialWeights.shoe: no task 'shoe'; tasks: item, footwear",
        )
        (spec { weighting = uncertainty(initialLogVariances = mapOf("item" to Double.NaN)) }).let { paths(it) } shouldBe
            listOf("$.weighting.initialLogVariances.item: an initial log-variance must be finite, got NaN")
        (spec().weighting as WeightingSpec.Fixed) shouldBe WeightingSpec.Fixed
        (spec().tasks[0].loss as LossSpec.CrossEntropy).classWeights!!.size shouldBe 10
        (SpecCompiler.compile(spec { weighting = uncertainty(0.5, mapOf("item" to 2.0)) }).weighting as Uncertainty)
            .parameters().mapValues { it.value.value().item() } shouldBe mapOf("logVariance.item" to 2f, "logVariance.footwear" to 0.5f)
    }
})
