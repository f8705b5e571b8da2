package polyhead.dsl.compile

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import polyhead.checkpoint.Checkpoint
import polyhead.checkpoint.CheckpointException
import polyhead.checkpoint.Checkpoints
import polyhead.data.Dataset
import polyhead.datasets.FashionMnist
import polyhead.dsl.accuracy
import polyhead.dsl.adam
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.mse
import polyhead.dsl.multiTask
import polyhead.dsl.relu
import polyhead.dsl.sgd
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.tanh
import polyhead.experiment.Algorithm
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainedModel
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.metrics.Metrics
import polyhead.mtl.Task
import polyhead.mtl.arch.HardSharing
import polyhead.nn.Activation
import polyhead.nn.Linear
import polyhead.nn.Sequential
import polyhead.optim.Optimizers
import polyhead.tensor.Tensor
import polyhead.train.TrainingListeners
import java.util.Random

/**
 * The DSL's one training path: `fit` returns the core's [TrainedModel] with the spec recorded; it saves and loads
 * (from its description, or — for older checkpoints — from its spec), names classes, and its listeners act from
 * Kotlin lambdas. The same model has the same parameter names through every API.
 */
class TrainedModelTest : FunSpec({
    val spec = multiTask {
        input(3)
        trunk { dense(6); tanh() }
        task("kind") { head { dense(2) }; loss = crossEntropy(); metrics(accuracy()); classNames("small", "large") }
        task("size") { head { dense(4); relu(); dense(1) }; loss = mse(); labels = Labels.REAL_VECTOR; weight = 0.5 }
        optimizer = sgd(lr = 0.1)
        training { epochs = 3; batchSize = 8; seed = 5; validationSplit = 0.25 }
    }

    fun data(rows: Int, seed: Long): Dataset {
        val x = Tensor.randn(seed, rows, 3)
        val v = x.data()
        val kind = FloatArray(rows) { if (v[3 * it] + v[3 * it + 1] > 0) 1f else 0f }
        val size = FloatArray(rows) { v[3 * it] - v[3 * it + 2] }
        return Dataset.of(x, mapOf("kind" to Tensor.of(kind, rows), "size" to Tensor.of(size, rows, 1)))
    }

    fun bits(m: TrainedModel, x: Tensor) = m.predict(x).mapValues { it.value.output().data().toList() }

    test("the same model has the same parameter names from the Java builder, the DSL, a JSON spec and by hand") {
        val java = ExperimentBuilder()
            .input(3)
            .trunk(Layers.dense(6), Layers.tanh())
            .task(TaskPlan.named("kind").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
            .task(
                TaskPlan.named("size").head(Layers.dense(4), Layers.relu(), Layers.dense(1)).loss(Losses.mse())
                    .labels(polyhead.data.LabelType.REAL_VECTOR).weight(0.5),
            )
            .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Sgd.lr(0.1))))
            .training(TrainingPlan.defaults().seed(5))
            .build()
        val dsl = SpecCompiler.compile(spec)
        val json = SpecCompiler.compile((SpecCompiler.load(SpecJson.encode(spec)) as SpecResult.Ok).spec)
        val rng = Random(5)
        val hand = HardSharing(
            Sequential(Linear(3, 6, true, rng), Activation.tanh()),
            listOf(
                Task.builder("kind").head(Linear(6, 2, true, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("size").head(Sequential(Linear(6, 4, true, rng), Activation.relu(), Linear(4, 1, true, rng)))
                    .loss(Losses.mse()).labels(polyhead.data.LabelType.REAL_VECTOR).build(),
            ),
        )
        val names = listOf(
            "trunk.0.weight", "trunk.0.bias", "heads.kind.weight", "heads.kind.bias",
            "heads.size.0.weight", "heads.size.0.bias", "heads.size.2.weight", "heads.size.2.bias",
        )
        java.architecture().namedParameters().keys.toList() shouldBe names
        dsl.architecture.namedParameters().keys.toList() shouldBe names
        json.architecture.namedParameters().keys.toList() shouldBe names
        hand.namedParameters().keys.toList() shouldBe names
        // and the same initial values: one draw order
        dsl.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
            hand.stateDict().mapValues { it.value.data().toList() }
    }

    test("fit honours the spec's validation split and returns the model with the spec; it saves and loads") {
        val dir = tempdir().toPath()
        val m = SpecCompiler.compile(spec).fit(data(64, 1))
        m.history().epochs() shouldBe 3
        m.history().last().keys.contains("val.kind.accuracy") shouldBe true
        m.spec() shouldBe SpecJson.encode(spec)
        val x = data(9, 2).inputs()
        m.predict(x).getValue("kind").classNames().toSet().all { it in setOf("small", "large") } shouldBe true
        m.predict(x).getValue("kind").classNames().size shouldBe 9

        m.save(dir.resolve("model"))
        bits(TrainedModel.load(dir.resolve("model")), x) shouldBe bits(m, x)
        bits(SpecCompiler.loadTrained(dir.resolve("model")), x) shouldBe bits(m, x)
        TrainedModel.load(dir.resolve("model")).spec() shouldBe SpecJson.encode(spec)
        TrainedModel.load(dir.resolve("model")).evaluate(data(20, 3)) shouldBe m.evaluate(data(20, 3))
    }

    test("a checkpoint written before descriptions were recorded (spec only, old head names) loads from its spec") {
        val dir = tempdir().toPath()
        val m = SpecCompiler.compile(spec).fit(data(64, 1))
        val old = m.architecture().stateDict().mapKeys { it.key.replace("heads.kind.", "heads.kind.0.") }
        Checkpoints.write(dir.resolve("old"), Checkpoint.builder(old).spec(SpecJson.encode(spec)).rng("seed", 5).build())
        val x = data(9, 2).inputs()
        bits(SpecCompiler.loadTrained(dir.resolve("old")), x) shouldBe bits(m, x)
        shouldThrow<CheckpointException> { TrainedModel.load(dir.resolve("old")) }.message shouldContain
            "records no model description, only the spec it was trained from"
    }

    test("class names: in the JSON only when given, and checked against the head") {
        SpecJson.encode(spec) shouldContain "\"classNames\": [\n        \"small\",\n        \"large\"\n      ]"
        val plain = multiTask {
            input(3)
            task("kind") { head { dense(2) }; loss = crossEntropy() }
            optimizer = sgd(lr = 0.1)
        }
        SpecJson.encode(plain) shouldNotContain "classNames"
        SpecCompiler.check(
            multiTask {
                input(3)
                task("kind") { head { dense(2) }; loss = crossEntropy(); classNames("a", "b", "c") }
                task("v") { head { dense(1) }; loss = mse(); labels = Labels.REAL_VECTOR; classNames("z") }
                optimizer = sgd(lr = 0.1)
            },
        ) shouldBe listOf(
            SpecError("$.tasks[0].classNames", "3 names for a head of 2 classes"),
            SpecError("$.tasks[1].classNames", "class names are for classIndex, pixelClassMap and tokenClass labels, the task has realVector"),
        )
    }

    test("the README's Kotlin example runs as written (on random images, one epoch)") {
        val dir = tempdir().toPath()
        val rows = 40
        val train = Dataset.of(
            Tensor.randn(1, rows, 784),
            mapOf(
                "item" to Tensor.of(FloatArray(rows) { (it % 10).toFloat() }, rows),
                "group" to Tensor.of(FloatArray(rows) { (it % 5).toFloat() }, rows),
            ),
        )
        val testSet = train
        val spec = multiTask {
            input(784)
            trunk { dense(256); relu(); dense(128); relu() }
            task("item")  { head { dense(10) }; loss = crossEntropy(); metrics(accuracy()); classNames(*FashionMnist.ITEM_NAMES) }
            task("group") { head { dense(5) };  loss = crossEntropy(); weight = 0.5 }
            optimizer = adam(lr = 1e-3)
            training { epochs = 1; batchSize = 128; seed = 42; validationSplit = 0.1 }
        }
        val model = SpecCompiler.compile(spec).fit(train) { progress(java.io.PrintStream(java.io.OutputStream.nullOutputStream())) }
        val test = model.evaluate(testSet)
        model.save(dir.resolve("item-model"))
        test.keys.contains("item.accuracy") shouldBe true
        SpecCompiler.loadTrained(dir.resolve("item-model")).predict(train.inputs()).getValue("item").classNames().size shouldBe rows
    }

    test("listeners from Kotlin lambdas stop the run and set the learning rate") {
        val m = SpecCompiler.compile(spec.copy(training = spec.training.copy(epochs = 10))).fit(data(64, 1)) {
            listener(TrainingListeners.learningRateScheduler { epoch, _ -> 0.5 / (epoch + 1) })
            listener(TrainingListeners.stopWhen { epoch, _ -> epoch == 1 })
        }
        m.history().epochs() shouldBe 2
        m.history().series("lr").toList() shouldBe listOf(0.5, 0.25)
    }
})
