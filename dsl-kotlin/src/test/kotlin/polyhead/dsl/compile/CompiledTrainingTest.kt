package polyhead.dsl.compile

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import polyhead.autodiff.GradMode
import polyhead.autodiff.Var
import polyhead.data.Dataset
import polyhead.dsl.accuracy
import polyhead.dsl.adamw
import polyhead.dsl.avgPool
import polyhead.dsl.batchNorm
import polyhead.dsl.biasesAndNorms
import polyhead.dsl.conv2d
import polyhead.dsl.cosine
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.dropout
import polyhead.dsl.embedding
import polyhead.dsl.flatten
import polyhead.dsl.gelu
import polyhead.dsl.globalAvgPool
import polyhead.dsl.layerNorm
import polyhead.dsl.leakyRelu
import polyhead.dsl.maxPool
import polyhead.dsl.multiTask
import polyhead.dsl.named
import polyhead.dsl.pcGrad
import polyhead.dsl.relu
import polyhead.dsl.sgd
import polyhead.dsl.sigmoid
import polyhead.dsl.softmax
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.InvalidSpecException
import polyhead.dsl.spec.ScheduleUnit
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.NonFinite
import polyhead.dsl.spec.PlateauMode
import polyhead.dsl.scheduled
import polyhead.dsl.exponential
import polyhead.dsl.tanh
import polyhead.dsl.taskParameters
import polyhead.dsl.uncertainty
import polyhead.loss.Losses
import polyhead.mtl.Task
import polyhead.mtl.arch.HardSharing
import polyhead.mtl.weighting.Weightings
import polyhead.nn.Activation
import polyhead.nn.Conv2d
import polyhead.nn.Flatten
import polyhead.nn.Linear
import polyhead.nn.MaxPool2d
import polyhead.nn.Sequential
import polyhead.optim.Optimizers
import polyhead.optim.Transforms
import polyhead.optim.schedule.Schedules
import polyhead.tensor.Tensor
import polyhead.train.Trainer
import java.util.Random

/** Compiled optimizers, weightings and trainers against hand-built ones; every layer type through the compiler. */
class CompiledTrainingTest : FunSpec({
    fun data(rows: Int, seed: Long): Dataset {
        val rng = Random(seed)
        val a = FloatArray(rows) { rng.nextInt(3).toFloat() }
        val b = FloatArray(rows) { rng.nextInt(2).toFloat() }
        return Dataset.of(
            Tensor.randn(seed, rows, 1, 8, 8),
            mapOf("a" to Tensor.of(a, rows), "b" to Tensor.of(b, rows)),
        )
    }

    test("training the compiled spec equals training the hand-built model, optimizer and weighting, bit for bit") {
        val spec = multiTask {
            input(1, 8, 8)
            trunk { conv2d(3, kernel = 3); relu(); maxPool(2); flatten(); dense(8); relu() }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            task("b") { head { dense(2) }; loss = crossEntropy(labelSmoothing = 0.1) }
            weighting = pcGrad()
            optimizer = adamw(lr = 1e-2, weightDecay = 1e-3) {
                clipByGlobalNorm(0.5)
                schedule = cosine(tMax = 2)
                scheduleUnit = ScheduleUnit.EPOCH
                group(taskParameters("a")) { lr = 3e-2 }
                group(named("trunk.**.bias")) { weightDecay = 0.0 }
            }
            training { epochs = 2; batchSize = 16; seed = 3 }
        }
        val train = data(48, 1)
        val valid = data(16, 2)
        val compiled = SpecCompiler.compile(spec)
        val history = compiled.fit(train, valid).history()

        val rng = Random(3)
        val trunk = Sequential(
            Conv2d(1, 3, 3, 1, 0, true, rng), Activation.relu(), MaxPool2d(2, 2, 0), Flatten(),
            Linear(27, 8, true, rng), Activation.relu(),
        )
        val a = Task.builder("a").head(Linear(8, 3, true, rng)).loss(Losses.crossEntropy()).build()
        val b = Task.builder("b").head(Linear(8, 2, true, rng))
            .loss(Losses.crossEntropy(0.1f, polyhead.loss.Reduction.MEAN)).build()
        val arch = HardSharing(trunk, listOf(a, b))
        fun adamw(lr: Double, wd: Double) = Optimizers.adamw(
            Optimizers.AdamW.lr(Schedules.perEpoch(Schedules.cosine(lr, 2), 3)).weightDecay(wd),
        )
        val labeler = polyhead.optim.Labeler { name, _ ->
            when {
                name.startsWith("heads.a.") -> "group0"
                name.startsWith("trunk.") && name.endsWith(".bias") -> "group1"
                else -> "default"
            }
        }
        val optimizer = Transforms.chain(
            Transforms.clipByGlobalNorm(0.5),
            Transforms.partition(labeler, mapOf("group0" to adamw(3e-2, 1e-3), "group1" to adamw(1e-2, 0.0), "default" to adamw(1e-2, 1e-3))),
        )
        val trainer = Trainer.builder(arch).weighting(Weightings.pcGrad()).optimizer(optimizer).epochs(2).seed(3).build()
        val expected = trainer.fit(train, 16, valid)

        val trained = compiled.architecture.stateDict().mapValues { it.value.data().toList() }
        trained shouldBe arch.stateDict().mapValues { it.value.data().toList() }
        trained shouldNotBe SpecCompiler.compile(spec).architecture.stateDict().mapValues { it.value.data().toList() }
        // same losses, metrics, gradient diagnostics and learning rates per epoch; only the timing differs
        history.rows().map { it - "seconds" } shouldBe expected.rows().map { it - "seconds" }
        history.keys().filter { it.startsWith("lr.") }.toSet() shouldBe setOf("lr.group0", "lr.group1", "lr.default")
    }

    test("plateau, accumulation, the non-finite policy, task-balanced sampling and scheduled weights train as hand-built") {
        val spec = multiTask {
            input(1, 8, 8)
            trunk { flatten(); dense(6); relu() }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            task("b") { head { dense(2) }; loss = crossEntropy(); weight = 0.5 }
            weighting = scheduled(unit = ScheduleUnit.EPOCH) { weight("b", exponential(gamma = 0.5)) }
            optimizer = sgd(lr = 0.2, momentum = 0.9) {
                // MAX on a falling loss: every epoch is a plateau, so the rate is cut
                reduceOnPlateau(mode = PlateauMode.MAX, factor = 0.5, patience = 0, monitor = "train.loss")
                gradientAccumulation = 2
            }
            training { epochs = 3; batchSize = 8; seed = 11; sampling = Sampling.TASK_BALANCED; diagnostics = false; onNonFinite = NonFinite.SKIP }
        }
        val train = data(40, 5)
        val compiled = SpecCompiler.compile(spec)
        val history = compiled.fit(train).history()

        val rng = Random(11)
        val trunk = Sequential(Flatten(), Linear(64, 6, true, rng), Activation.relu())
        val a = Task.builder("a").head(Linear(6, 3, true, rng)).loss(Losses.crossEntropy()).build()
        val b = Task.builder("b").head(Linear(6, 2, true, rng)).loss(Losses.crossEntropy()).weight(0.5).build()
        val arch = HardSharing(trunk, listOf(a, b))
        val weighting = Weightings.scheduled(
            mapOf("a" to Schedules.constant(1.0), "b" to Schedules.exponential(0.5, 0.5)),
            polyhead.mtl.weighting.ScheduledWeights.Unit.EPOCH,
        )
        val optimizer = Transforms.accumulate(
            2,
            Transforms.chain(
                Optimizers.sgd(Optimizers.Sgd.lr(0.2).momentum(0.9)),
                Transforms.reduceOnPlateau(polyhead.optim.Plateau.max(0.2).factor(0.5).patience(0)),
            ),
        )
        val trainer = Trainer.builder(arch).weighting(weighting).optimizer(optimizer).epochs(3).seed(11)
            .diagnostics(false).monitor("train.loss").onNonFinite(polyhead.train.NonFinitePolicy.SKIP)
            .spec(polyhead.dsl.spec.SpecJson.encode(spec)).build()
        val expected = trainer.fit(polyhead.data.Batching.taskBalanced(train, 8), null)

        history.rows().map { it - "seconds" } shouldBe expected.rows().map { it - "seconds" }
        compiled.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
            arch.stateDict().mapValues { it.value.data().toList() }
        // epoch 0 sets the best; epoch 1 is no better, so the rate is cut for the steps of epoch 2
        history.series("lr").toList() shouldBe listOf(0.2, 0.2, 0.1)
    }

    test("checkpoints go to the run's folder, keep the last and the best, and record the spec") {
        val spec = multiTask {
            input(1, 8, 8)
            trunk { flatten(); dense(4); relu() }
            task("a") { head { dense(3) }; loss = crossEntropy(); metrics(accuracy()) }
            task("b") { head { dense(2) }; loss = crossEntropy() }
            optimizer = sgd(lr = 0.1)
            training {
                epochs = 3; batchSize = 16; validationSplit = 0.25
                earlyStopping(monitor = "val.a.accuracy", patience = 10, restoreBest = false)
                checkpoints(every = 1, keepLast = 1)
            }
        }
        val dir = java.nio.file.Files.createTempDirectory("polyhead-ckpt")
        try {
            val compiled = SpecCompiler.compile(spec)
            shouldThrow<IllegalArgumentException> { compiled.fit(data(32, 6)) }.message shouldBe
                "$.training.checkpoints: the spec asks for checkpoints; give the run a folder for them"
            compiled.fit(data(32, 6), checkpointDir = dir)
            val store = polyhead.checkpoint.CheckpointStore(dir, 1)
            val kept = store.scan().checkpoints()
            kept.map { it.epoch() }.last() shouldBe 3L
            (kept.size in 1..2) shouldBe true // the last, and the best by val.a.accuracy if that is another
            val latest = store.latest().get().checkpoint()
            latest.model().mapValues { it.value.data().toList() } shouldBe
                compiled.architecture.stateDict().mapValues { it.value.data().toList() }
            polyhead.dsl.spec.SpecJson.load(latest.spec()) shouldBe polyhead.dsl.spec.SpecResult.Ok(spec)
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    test("checkpoints every N steps land inside epochs; one of them resumes to the uninterrupted run's weights") {
        val spec = multiTask {
            input(1, 8, 8)
            trunk { flatten(); dense(4); relu() }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            task("b") { head { dense(2) }; loss = crossEntropy() }
            optimizer = sgd(lr = 0.1, momentum = 0.9)
            training { epochs = 2; batchSize = 8; seed = 3; checkpoints(every = 1, keepLast = 10, everySteps = 3) }
        }
        val dir = java.nio.file.Files.createTempDirectory("polyhead-steps")
        try {
            val full = SpecCompiler.compile(spec)
            full.fit(data(40, 7), checkpointDir = dir) // 5 steps per epoch, 10 in all
            val kept = polyhead.checkpoint.CheckpointStore(dir, 10).scan().checkpoints()
            kept.map { it.step() } shouldBe listOf(3L, 5L, 6L, 9L, 10L) // every 3rd step, and each epoch's end
            val midEpoch = kept.first { it.step() == 6L }
            val resumed = SpecCompiler.compile(spec)
            val trainer = resumed.trainerBuilder(5, dir.resolve("resumed")).build()
            trainer.resume(polyhead.checkpoint.Checkpoints.read(midEpoch.dir()))
            trainer.fit(resumed.batches(data(40, 7)), null)
            resumed.architecture.stateDict().mapValues { it.value.data().toList() } shouldBe
                full.architecture.stateDict().mapValues { it.value.data().toList() }
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    test("a learned weighting's parameters join the optimizer's default group") {
        val spec = multiTask {
            input(1, 8, 8)
            trunk { flatten(); dense(4) }
            task("a") { head { dense(3) }; loss = crossEntropy() }
            task("b") { head { dense(2) }; loss = crossEntropy() }
            weighting = uncertainty()
            optimizer = sgd(lr = 0.1) { group(biasesAndNorms()) { lr = 0.01 } }
            training { epochs = 1; batchSize = 16 }
        }
        val compiled = SpecCompiler.compile(spec)
        val train = data(32, 4)
        val trainer = compiled.trainerBuilder(compiled.batches(train).stepsPerEpoch()).build()
        trainer.fit(train, 16, null)
        trainer.optimizer().learningRates() shouldBe mapOf("group0" to 0.01, "default" to 0.1)
    }

    test("every layer type compiles to modules whose outputs have the inferred shapes") {
        fun check(spec: ExperimentSpec, input: Tensor) {
            val arch = SpecCompiler.compile(spec).architecture
            arch.eval()
            val out = GradMode.noGrad().use { arch.outputs(Var.constant(input)) }
            val trunk = CoreRules.trace(spec.trunk, spec.input).shapes.last()
            for (t in spec.tasks) {
                val head = CoreRules.trace(t.head, trunk).shapes.lastOrNull() ?: trunk
                out.getValue(t.name).shape().dims().toList() shouldBe listOf(input.shape().dim(0)) + head
            }
        }
        check(
            multiTask {
                input(2, 9, 9)
                trunk { conv2d(4, kernel = 3, stride = 2, padding = 1); batchNorm(); leakyRelu(0.2); maxPool(2, stride = 1); avgPool(2) }
                task("pool") { head { globalAvgPool(); layerNorm(); gelu(); dropout(0.2); dense(3) }; loss = crossEntropy() }
                task("img") { head { tanh(); sigmoid(); softmax(axis = 0); conv2d(3, kernel = 1) }; loss = crossEntropy(); labels = polyhead.dsl.spec.Labels.PIXEL_CLASS_MAP }
                task("vec") { head { flatten(); batchNorm(); dense(2) }; loss = crossEntropy() }
            },
            Tensor.randn(11L, 4, 2, 9, 9),
        )
        check(
            multiTask {
                input(5)
                trunk { embedding(count = 10, dim = 3); layerNorm(dims = 2); flatten(); dense(4); relu() }
                task("t") { head { dense(2) }; loss = crossEntropy() }
            },
            Tensor.of(floatArrayOf(0f, 1f, 2f, 3f, 4f, 9f, 8f, 7f, 6f, 5f), 2, 5),
        )
    }

    test("an invalid spec is not compiled; every fault is reported") {
        val e = shouldThrow<InvalidSpecException> {
            SpecCompiler.compile(multiTask { input(4); task("a") { head { dense(0) } } })
        }
        e.errors.map { it.path } shouldBe listOf("$.tasks[0].loss", "$.tasks[0].head[0].units")
        e.message shouldContain "2 faults"
    }
})
