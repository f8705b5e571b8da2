package polyhead.dsl.compile

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.accuracy
import polyhead.dsl.adamw
import polyhead.dsl.avgPool
import polyhead.dsl.bceWithLogits
import polyhead.dsl.conv2d
import polyhead.dsl.crossEntropy
import polyhead.dsl.crossStitch
import polyhead.dsl.dense
import polyhead.dsl.dropout
import polyhead.dsl.embedding
import polyhead.dsl.flatten
import polyhead.dsl.linearWarmup
import polyhead.dsl.maxPool
import polyhead.dsl.meanSquaredError
import polyhead.dsl.mmoe
import polyhead.dsl.mse
import polyhead.dsl.multiStep
import polyhead.dsl.multiTask
import polyhead.dsl.oneCycle
import polyhead.dsl.pcGrad
import polyhead.dsl.relu
import polyhead.dsl.sgd
import polyhead.dsl.sharedParameters
import polyhead.dsl.sigmoid
import polyhead.dsl.softSharing
import polyhead.dsl.softmax
import polyhead.dsl.taskParameters
import polyhead.dsl.scheduled
import polyhead.dsl.linear
import polyhead.dsl.constant
import polyhead.dsl.mgda
import polyhead.dsl.nashMtl
import polyhead.dsl.uniform
import polyhead.dsl.zeros
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.MetricSpec
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.SpecError

/** Each fault of [SpecCompiler.check] (the spec's own and the core's rules) with its path and message, and many at once. */
class ValidationTest : FunSpec({
    /** The design spec changed by [block]: its faults are those [block] introduced. */
    fun faults(block: ExperimentBuilder.() -> Unit): List<SpecError> = SpecCompiler.check(
        multiTask {
            input(1, 28, 28)
            trunk { conv2d(10, kernel = 5); relu(); maxPool(2); flatten(); dense(50); relu() }
            block()
        },
    )

    fun ExperimentBuilder.classifier(name: String = "item") = task(name) { head { dense(10) }; loss = crossEntropy() }

    test("the design spec has no fault") {
        SpecCompiler.check(ReferenceSpecs.design) shouldBe emptyList()
    }

    test("a head whose input cannot match the trunk's output") {
        faults { task("item") { head { conv2d(4, kernel = 3) }; loss = crossEntropy() } } shouldBe listOf(
            SpecError("$.tasks[0].head[0]", "conv2d needs an image input [channels, height, width], got [50]"),
        )
    }

    test("a dense layer on an image, with the missing flatten named") {
        SpecCompiler.check(multiTask { input(3, 8, 8); task("t") { head { dense(2) }; loss = crossEntropy() } }) shouldBe listOf(
            SpecError("$.tasks[0].head[0]", "dense needs a vector input [features], got [3, 8, 8]; add flatten() before it"),
        )
    }

    test("a kernel larger than its input, and pool padding beyond half the kernel") {
        SpecCompiler.check(multiTask {
            input(1, 6, 6)
            trunk { conv2d(4, kernel = 3); avgPool(2, padding = 2) }
            task("a") { head { maxPool(5) }; loss = crossEntropy() }
        }) shouldBe listOf(SpecError("$.trunk[1].padding", "avgPool padding 2 is more than half the kernel 2"))
        SpecCompiler.check(multiTask {
            input(1, 6, 6)
            trunk { conv2d(4, kernel = 3) }
            task("a") { head { maxPool(5) }; loss = crossEntropy() }
        }) shouldBe listOf(SpecError("$.tasks[0].head[0].kernel", "kernel 5 is larger than the input 4×4"))
    }

    test("head outputs of the wrong shape for the labels") {
        faults {
            task("one") { head { dense(1) }; loss = crossEntropy() }
            task("pixels") { head { dense(3) }; loss = crossEntropy(); labels = Labels.PIXEL_CLASS_MAP }
        } shouldBe listOf(
            SpecError("$.tasks[0].head", "a classIndex task needs logits [classes] with at least 2 classes from its head, but it outputs [1]"),
            SpecError("$.tasks[1].head", "a pixelClassMap task needs logits per pixel [classes, height, width] with at least 2 classes from its head, but it outputs [3]"),
        )
    }

    test("a final softmax or sigmoid before a loss that takes logits") {
        faults {
            task("a") { head { dense(10); softmax() }; loss = crossEntropy() }
            task("b") { head { dense(3); sigmoid() }; loss = bceWithLogits(); labels = Labels.BINARY }
        } shouldBe listOf(
            SpecError("$.tasks[0].head[1]", "crossEntropy takes logits and applies the softmax itself; remove this final softmax"),
            SpecError("$.tasks[1].head[1]", "bceWithLogits takes logits and applies the sigmoid itself; remove this final sigmoid"),
        )
    }

    test("a task named twice, a bad name, a negative weight") {
        faults {
            classifier("item")
            task("item") { head { dense(4) }; loss = crossEntropy(); weight = -0.5 }
            task("a.b") { head { dense(4) }; loss = crossEntropy(); weight = Double.POSITIVE_INFINITY }
        } shouldBe listOf(
            SpecError("$.tasks[1].name", "task 'item' is already declared at $.tasks[0]"),
            SpecError("$.tasks[1].weight", "a task weight must be a finite number >= 0, got -0.5"),
            SpecError("$.tasks[2].name", "U+002E (.) at character 2 is not allowed in a name (letters, digits, '_' and '-' are; a dot separates the " +
                "parts of parameter and metric names)"),
            SpecError("$.tasks[2].weight", "a task weight must be a finite number >= 0, got Infinity"),
        )
    }

    test("names from the DSL: the core's character set, files that would collide, class names without controls") {
        faults {
            classifier("größe")
            classifier("分類")
            task("gr\u001b[31moup") { head { dense(4) }; loss = crossEntropy() }
            classifier("GRÖSSE")
            task("kind") { head { dense(3) }; loss = crossEntropy(); classNames("T-shirt/top", "a, \"b\"", "bag\u0000") }
        } shouldBe listOf(
            SpecError("$.tasks[2].name", "U+001B (escape) at character 3 is not allowed in a name (letters, digits, '_' and '-' are)"),
            SpecError(
                "$.tasks[3].name",
                "differs from 'größe' only in case or Unicode normalization, so their files (e.g. loss-<task>.png) would be one " +
                    "file on macOS and Windows (at $.tasks[0])",
            ),
            SpecError("$.tasks[4].classNames[2]", "U+0000 (NUL) at character 4 is not allowed in a label (no control characters)"),
        )
        SpecCompiler.check(multiTask { namedInput("pixels\n", 4); task("t") { head { dense(2) }; loss = crossEntropy() } }) shouldBe
            listOf(SpecError("$.inputs[0].name", "U+000A (line feed) at character 7 is not allowed in a name (letters, digits, '_' and '-' are)"))
    }

    test("no task, no input") {
        SpecCompiler.check(multiTask { }) shouldBe listOf(
            SpecError("$.input", "missing: the shape of one sample without the batch dimension, e.g. [1, 28, 28]"),
            SpecError("$.tasks", "an experiment needs at least one task"),
        )
    }

    test("a loss that does not fit the labels, and a missing loss") {
        faults {
            task("item") { head { dense(10) }; loss = mse() }
            task("price") { head { dense(1) }; labels = Labels.REAL_VECTOR }
        } shouldBe listOf(
            SpecError("$.tasks[0].loss", "mse does not fit classIndex labels; classIndex labels take crossEntropy"),
            SpecError("$.tasks[1].loss", "missing: a task needs a loss (realVector labels take mse or mae or huber)"),
        )
    }

    test("unknown metrics, metrics for other labels, a metric listed twice") {
        faults {
            task("item") {
                head { dense(10) }; loss = crossEntropy()
                metrics(accuracy(), MetricSpec("acuracy"), meanSquaredError(), accuracy())
            }
        } shouldBe listOf(
            SpecError(
                "$.tasks[0].metrics[1]",
                "unknown metric 'acuracy' (did you mean 'accuracy'?); known: accuracy, precision_macro, precision_micro, " +
                    "recall_macro, recall_micro, f1_macro, f1_micro, auc, mse, mae, r2, pixel_accuracy, mean_iou, sequence_accuracy, top<k>_accuracy",
            ),
            SpecError(
                "$.tasks[0].metrics[2]",
                "metric mse is not defined for classIndex labels (it takes realVector); for classIndex: accuracy, " +
                    "precision_macro, precision_micro, recall_macro, recall_micro, f1_macro, f1_micro",
            ),
            SpecError("$.tasks[0].metrics[3]", "metric accuracy is listed twice"),
        )
    }

    test("layer settings: sizes below 1, probabilities outside [0, 1), an embedding after the input") {
        SpecCompiler.check(multiTask {
            input(8)
            trunk { dense(0); dropout(1.0); embedding(count = 0, dim = 4) }
            task("a") { head { conv2d(0, kernel = 0, stride = 0, padding = -1) }; loss = crossEntropy() }
        }) shouldBe listOf(
            SpecError("$.trunk[0].units", "dense units must be at least 1, got 0"),
            SpecError("$.trunk[1].p", "the dropout probability must be in [0, 1), got 1.0"),
            SpecError("$.trunk[2].count", "embedding count must be at least 1, got 0"),
            SpecError("$.trunk[2]", "an embedding reads the model's input indices, so it can only be the first layer of the trunk"),
            SpecError("$.tasks[0].head[0].filters", "conv2d filters must be at least 1, got 0"),
            SpecError("$.tasks[0].head[0].kernel", "conv2d kernel must be at least 1, got 0"),
            SpecError("$.tasks[0].head[0].stride", "conv2d stride must be at least 1, got 0"),
            SpecError("$.tasks[0].head[0].padding", "conv2d padding must be at least 0, got -1"),
        )
    }

    test("architectures: mmoe experts must output vectors; cross-stitch stages must cover the trunk") {
        SpecCompiler.check(multiTask {
            input(1, 8, 8)
            trunk { conv2d(2, kernel = 3); relu() }
            task("a") { head { flatten(); dense(2) }; loss = crossEntropy() }
            architecture = mmoe(experts = 0)
        }) shouldBe listOf(
            SpecError("$.architecture.experts", "mmoe experts must be at least 1, got 0"),
            SpecError("$.trunk", "mmoe mixes its experts' outputs, which must be vectors: each expert (a copy of the trunk) outputs [2, 6, 6]; end the trunk with flatten() or a dense layer"),
        )
        faults { classifier(); architecture = crossStitch(2, 2) } shouldBe listOf(
            SpecError("$.architecture.stages", "the stages cover 4 trunk layers, but the trunk has 6"),
        )
        SpecCompiler.check(multiTask { input(4); task("a") { head { dense(2) }; loss = crossEntropy() }; architecture = softSharing() }) shouldBe
            listOf(SpecError("$.trunk", "softSharing copies the trunk as each task's tower, but the trunk is empty"))
    }

    test("a gradient source the architecture does not have") {
        faults { classifier(); architecture = softSharing(); weighting = pcGrad(source = GradientSource.REPRESENTATION) } shouldBe listOf(
            SpecError("$.weighting.source", "softSharing has no single shared representation; read the gradients of the shared parameters (\"parameters\")"),
        )
    }

    test("optimizer: learning rate <= 0, betas, clipping, schedule and groups") {
        faults {
            classifier()
            optimizer = adamw(lr = 0.0, beta2 = 1.0) {
                clipByGlobalNorm(-1.0)
                schedule = linearWarmup(warmupSteps = 10, startFactor = 2.0, after = multiStep(30, 10))
                group(taskParameters("itme")) { lr = -1e-3 }
                group(sharedParameters()) { }
            }
        } shouldBe listOf(
            SpecError("$.optimizer.algorithm.lr", "the learning rate must be > 0, got 0.0"),
            SpecError("$.optimizer.algorithm.beta2", "beta2 must be in [0, 1), got 1.0"),
            SpecError("$.optimizer.clipping.maxNorm", "the clipping norm must be > 0, got -1.0"),
            SpecError("$.optimizer.schedule.startFactor", "startFactor must be in [0, 1], got 2.0"),
            SpecError("$.optimizer.schedule.after.milestones", "milestones must be in increasing order, got [30, 10]"),
            SpecError("$.optimizer.groups[0].select.name", "no task 'itme' (did you mean 'item'?); tasks: item"),
            SpecError("$.optimizer.groups[0].lr", "a learning rate must be > 0, got -0.001"),
            SpecError("$.optimizer.groups[1]", "the group overrides neither lr nor weightDecay"),
        )
        faults { classifier(); optimizer = sgd(lr = 0.1, nesterov = true) { schedule = oneCycle(totalSteps = 10, pctStart = 0.1) } } shouldBe listOf(
            SpecError("$.optimizer.algorithm.nesterov", "nesterov needs momentum > 0 and dampening 0, got momentum 0.0, dampening 0.0"),
            SpecError("$.optimizer.schedule.pctStart", "pctStart·totalSteps must not be 1 (the warm-up would have zero length), got 0.1·10"),
        )
    }

    test("scheduled weights name tasks; plateau and accumulation settings") {
        faults {
            classifier()
            weighting = scheduled { weight("item", linear(2.0, 1.0, 10)); weight("aux", constant()) }
            optimizer = adamw {
                reduceOnPlateau(factor = 1.0, cooldown = -1, monitor = "val.aux.loss")
                gradientAccumulation = 0
            }
        } shouldBe listOf(
            SpecError("$.weighting.weights.item.startFactor", "startFactor must be in [0, 1], got 2.0"),
            SpecError("$.weighting.weights.aux", "no task 'aux'; tasks: item"),
            SpecError("$.optimizer.reduceOnPlateau.factor", "the reduction factor must be in [0, 1), got 1.0"),
            SpecError("$.optimizer.reduceOnPlateau.cooldown", "cooldown must be at least 0, got -1"),
            SpecError(
                "$.optimizer.reduceOnPlateau.monitor",
                "unknown monitor 'val.aux.loss': the keys are train.loss, train.<task>.loss, val.loss, val.<task>.loss " +
                    "and val.<task>.<metric> for a metric the task lists, e.g. val.item.loss",
            ),
            SpecError("$.optimizer.gradientAccumulation", "gradientAccumulation must be at least 1, got 0"),
        )
    }

    test("training: batch size < 1, epochs, split, early stopping and checkpoints") {
        faults {
            classifier()
            training {
                epochs = 0; batchSize = 0; validationSplit = -0.1
                earlyStopping(monitor = "train.item.accuracy", patience = -1, minDelta = -1.0)
                checkpoints(every = 0, keepLast = 0, everySteps = -1)
                explodingGradients = 0.5
            }
        } shouldBe listOf(
            SpecError("$.training.epochs", "epochs must be at least 1, got 0"),
            SpecError("$.training.batchSize", "the batch size must be at least 1, got 0"),
            SpecError("$.training.validationSplit", "the validation split must be in [0, 1), got -0.1"),
            SpecError(
                "$.training.earlyStopping.monitor",
                "unknown monitor 'train.item.accuracy': the keys are train.loss, train.<task>.loss, val.loss, " +
                    "val.<task>.loss and val.<task>.<metric> for a metric the task lists, e.g. val.item.loss",
            ),
            SpecError("$.training.earlyStopping.patience", "patience must be at least 0, got -1"),
            SpecError("$.training.earlyStopping.minDelta", "minDelta must be a finite number >= 0, got -1.0"),
            SpecError("$.training.checkpoints.every", "the checkpoint interval must be at least 1, got 0"),
            SpecError("$.training.checkpoints.keepLast", "keepLast must be at least 1, got 0"),
            SpecError("$.training.checkpoints.everySteps", "the checkpoint interval in steps must be at least 0, got -1"),
            SpecError("$.training.explodingGradients", "the exploding-gradient factor must be > 1 (or 0: no reports), got 0.5"),
        )
        for (off in listOf(0.0, 1.5)) {
            faults { classifier(); training { explodingGradients = off } } shouldBe emptyList()
        }
        fun monitorFaults(monitor: String) =
            faults { task("item") { head { dense(10) }; loss = crossEntropy(); metrics(accuracy()) }; training { earlyStopping(monitor) } }
        for (ok in listOf("train.loss", "train.item.loss", "val.loss", "val.item.loss", "val.item.accuracy")) {
            monitorFaults(ok) shouldBe emptyList()
        }
        for (bad in listOf("loss", "item.loss", "val.item.f1_macro", "val.other.loss", "test.loss", "val.item")) {
            monitorFaults(bad).map { it.path } shouldBe listOf("$.training.earlyStopping.monitor")
        }
    }

    test("the fields that close the spec gaps: initializers, evaluation batches, solvers, multi-source data, directions") {
        faults {
            task("item") {
                head { dense(10, bias = false, init = uniform(low = 1.0, high = 1.0), biasInit = zeros()) }
                loss = crossEntropy()
            }
        } shouldBe listOf(
            SpecError("$.tasks[0].head[0].init.high", "uniform needs low < high, got low 1.0, high 1.0"),
            SpecError("$.tasks[0].head[0].biasInit", "the layer has no bias (bias = false), so biasInit has nothing to initialize"),
        )
        faults { classifier(); training { sampling = Sampling.MULTI_SOURCE; validationSplit = 0.1; evalBatchSize = 0 } } shouldBe listOf(
            SpecError("$.training.evalBatchSize", "the evaluation batch size must be at least 1, got 0"),
            SpecError(
                "$.training.validationSplit",
                "multiSource sampling trains on one dataset per task, which a validation split does not apply to; " +
                    "give the run a validation set and set validationSplit to 0",
            ),
        )
        faults { classifier(); weighting = mgda(tolerance = -1.0, maxIterations = 0) } shouldBe listOf(
            SpecError("$.weighting.tolerance", "the solver tolerance must be a finite number >= 0, got -1.0"),
            SpecError("$.weighting.maxIterations", "maxIterations must be at least 1, got 0"),
        )
        faults { classifier(); weighting = nashMtl(maxIterations = 0) } shouldBe listOf(
            SpecError("$.weighting.maxIterations", "maxIterations must be at least 1, got 0"),
        )
        faults { classifier(); optimizer = sgd(lr = 0.1) { ema(decay = 1.0) } } shouldBe listOf(
            SpecError("$.optimizer.ema.decay", "the ema decay must be in [0, 1), got 1.0"),
        )
        faults {
            classifier(); optimizer = sgd(lr = 0.1) { ema(decay = 0.9) }
            training { earlyStopping("val.loss"); checkpoints() }
        } shouldBe listOf(
            SpecError("$.optimizer.ema", "the run ends with the averaged weights, early stopping's restoreBest with the best epoch's; choose one"),
            SpecError(
                "$.optimizer.ema",
                "the average is not saved in checkpoints, so a resumed run would restart it; train without checkpoints or without ema",
            ),
        )
        fun direction(monitor: String, higher: Boolean?) = faults {
            task("item") { head { dense(10) }; loss = crossEntropy(); metrics(accuracy()) }
            training { earlyStopping(monitor, higherIsBetter = higher) }
        }
        direction("val.item.accuracy", true) shouldBe emptyList()
        direction("val.loss", false) shouldBe emptyList()
        direction("val.item.accuracy", null) shouldBe emptyList()
        direction("val.item.accuracy", false) shouldBe listOf(
            SpecError(
                "$.training.earlyStopping.higherIsBetter",
                "val.item.accuracy is metric accuracy, for which higher is better; higherIsBetter = false contradicts it " +
                    "(leave it out to read the direction from the monitor)",
            ),
        )
        direction("val.item.loss", true).map { it.path } shouldBe listOf("$.training.earlyStopping.higherIsBetter")
    }

    test("all faults at once, across the whole spec, in document order") {
        val errors = faults {
            task("item") { head { dense(10) }; loss = crossEntropy(); weight = -1.0 }
            task("item") { head { dense(0) }; loss = mse() }
            weighting = pcGrad(source = GradientSource.REPRESENTATION)
            architecture = softSharing(lambda = -1.0)
            optimizer = adamw(lr = -1.0)
            training { batchSize = 0 }
        }
        errors.map { it.path } shouldBe listOf(
            "$.architecture.lambda", "$.tasks[0].weight", "$.tasks[1].name", "$.tasks[1].loss", "$.tasks[1].head[0].units",
            "$.weighting.source", "$.optimizer.algorithm.lr", "$.training.batchSize",
        )
        errors shouldContain SpecError("$.tasks[1].head[0].units", "dense units must be at least 1, got 0")
    }

    test("a spec built in code for another version") {
        SpecCompiler.check(ReferenceSpecs.design.copy(version = 1)) shouldBe listOf(
            SpecError("$.version", "this code builds version 2 specs, got version 1 (JSON of older versions is migrated when read)"),
        )
    }
})
