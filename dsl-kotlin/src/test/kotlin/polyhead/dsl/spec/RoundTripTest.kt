package polyhead.dsl.spec

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import kotlinx.serialization.KSerializer
import kotlinx.serialization.descriptors.elementNames
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import polyhead.dsl.Average
import polyhead.dsl.ExperimentBuilder
import polyhead.dsl.accuracy
import polyhead.dsl.adadelta
import polyhead.dsl.adagrad
import polyhead.dsl.adam
import polyhead.dsl.adamax
import polyhead.dsl.adamw
import polyhead.dsl.auc
import polyhead.dsl.avgPool
import polyhead.dsl.batchNorm
import polyhead.dsl.bceWithLogits
import polyhead.dsl.biasesAndNorms
import polyhead.dsl.caGrad
import polyhead.dsl.constant
import polyhead.dsl.conv2d
import polyhead.dsl.cosine
import polyhead.dsl.cosineWarmRestarts
import polyhead.dsl.crossEntropy
import polyhead.dsl.crossStitch
import polyhead.dsl.dense
import polyhead.dsl.dropout
import polyhead.dsl.dwa
import polyhead.dsl.famo
import polyhead.dsl.gls
import polyhead.dsl.stch
import polyhead.dsl.embedding
import polyhead.dsl.equal
import polyhead.dsl.exponential
import polyhead.dsl.f1
import polyhead.dsl.fixed
import polyhead.dsl.flatten
import polyhead.dsl.gelu
import polyhead.dsl.globalAvgPool
import polyhead.dsl.gru
import polyhead.dsl.lstm
import polyhead.dsl.positionalEmbedding
import polyhead.dsl.sequenceAccuracy
import polyhead.dsl.sequencePool
import polyhead.dsl.sinusoidalPositions
import polyhead.dsl.transformerEncoder
import polyhead.dsl.gradNorm
import polyhead.dsl.dbMtl
import polyhead.dsl.gradVac
import polyhead.dsl.moCo
import polyhead.dsl.hardSharing
import polyhead.dsl.huber
import polyhead.dsl.layerNorm
import polyhead.dsl.leakyRelu
import polyhead.dsl.linear
import polyhead.dsl.linearWarmup
import polyhead.dsl.lion
import polyhead.dsl.mae
import polyhead.dsl.maxPool
import polyhead.dsl.meanAbsoluteError
import polyhead.dsl.meanIou
import polyhead.dsl.meanSquaredError
import polyhead.dsl.mgda
import polyhead.dsl.mmoe
import polyhead.dsl.mtan
import polyhead.dsl.cgc
import polyhead.dsl.dselectK
import polyhead.dsl.learningToBranch
import polyhead.dsl.ple
import polyhead.dsl.mse
import polyhead.dsl.multiStep
import polyhead.dsl.multiTask
import polyhead.dsl.nadam
import polyhead.dsl.named
import polyhead.dsl.nashMtl
import polyhead.dsl.excessMtl
import polyhead.dsl.fairGrad
import polyhead.dsl.gradDrop
import polyhead.dsl.imtlG
import polyhead.dsl.imtlH
import polyhead.dsl.imtlL
import polyhead.dsl.alignedMtl
import polyhead.dsl.upGrad
import polyhead.dsl.oneCycle
import polyhead.dsl.pcGrad
import polyhead.dsl.pixelAccuracy
import polyhead.dsl.precision
import polyhead.dsl.r2
import polyhead.dsl.radam
import polyhead.dsl.randomLossWeighting
import polyhead.dsl.sdmGrad
import polyhead.dsl.recall
import polyhead.dsl.relu
import polyhead.dsl.rmsprop
import polyhead.dsl.scheduled
import polyhead.dsl.sgd
import polyhead.dsl.sharedParameters
import polyhead.dsl.sigmoid
import polyhead.dsl.softSharing
import polyhead.dsl.softmax
import polyhead.dsl.step
import polyhead.dsl.tanh
import polyhead.dsl.taskParameters
import polyhead.dsl.topKAccuracy
import polyhead.dsl.uncertainty
import polyhead.dsl.kaimingNormal
import polyhead.dsl.kaimingUniform
import polyhead.dsl.normal
import polyhead.dsl.ones
import polyhead.dsl.uniform
import polyhead.dsl.xavierNormal
import polyhead.dsl.xavierUniform
import polyhead.dsl.zeros

/**
 * DSL → spec → JSON → spec is the identity, and JSON → spec → JSON reproduces the text, for every layer, initializer,
 * loss, metric, architecture, weighting, optimizer, clipping, schedule, parameter selector and sampling; the catalogue below is
 * checked against the serializers' lists of type names, so a new type without a case here fails.
 */
@OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
class RoundTripTest : FunSpec({
    /** A small valid base, varied by [block]. */
    fun case(block: ExperimentBuilder.() -> Unit) = multiTask {
        input(1, 8, 8)
        trunk { flatten(); dense(4) }
        task("t") { head { dense(3) }; loss = crossEntropy() }
        block()
    }

    val layers = multiTask {
        input(16)
        trunk {
            embedding(count = 100, dim = 8); layerNorm(dims = 1, eps = 1e-6); flatten(); dense(12, bias = false)
            relu(); leakyRelu(0.2); sigmoid(); tanh(); gelu(); softmax(axis = 0); dropout(0.25); batchNorm(eps = 1e-3, momentum = 0.2)
        }
        task("image") {
            head { conv2d(4, kernel = 3, stride = 2, padding = 1, bias = false); maxPool(2, stride = 1, padding = 1); avgPool(3); globalAvgPool() }
            loss = crossEntropy(labelSmoothing = 0.1, reduction = Reduction.SUM)
        }
    }
    val initializers = multiTask {
        input(16)
        trunk {
            embedding(count = 100, dim = 8, init = normal(std = 0.02)); flatten()
            dense(12, init = xavierUniform(gain = 2.0), biasInit = zeros())
            dense(12, init = xavierNormal(), biasInit = ones())
            dense(12, init = kaimingUniform(a = 0.1, mode = FanMode.FAN_OUT), biasInit = constant(0.1))
            dense(12, init = kaimingNormal(), biasInit = uniform(low = -0.1, high = 0.1))
        }
        task("t") { head { dense(3) }; loss = crossEntropy() }
    }
    val losses = multiTask {
        input(1, 8, 8)
        trunk { conv2d(4, kernel = 3, padding = 1, init = kaimingNormal(), biasInit = zeros()); relu() }
        fun vector(n: Int): polyhead.dsl.LayersBuilder.() -> Unit = { flatten(); dense(n) }
        task("ce") { head(vector(3)); loss = crossEntropy(0.05); metrics(accuracy(), topKAccuracy(2), precision(), recall(Average.MICRO), f1()) }
        task("bce") { head(vector(2)); loss = bceWithLogits(Reduction.SUM); labels = Labels.BINARY; metrics(auc()) }
        task("mse") { head(vector(1)); loss = mse(); labels = Labels.REAL_VECTOR; weight = 0.25; metrics(meanSquaredError(), r2()) }
        task("mae") { head(vector(1)); loss = mae(); labels = Labels.REAL_VECTOR; metrics(meanAbsoluteError()) }
        task("huber") { head(vector(2)); loss = huber(delta = 2.0); labels = Labels.REAL_VECTOR }
        task("pixels") { head { conv2d(3, kernel = 1) }; loss = crossEntropy(); labels = Labels.PIXEL_CLASS_MAP; metrics(pixelAccuracy(), meanIou()) }
    }
    val architectures = listOf(
        case { architecture = hardSharing() },
        case { architecture = softSharing(lambda = 0.01) },
        case { architecture = crossStitch() },
        case { architecture = crossStitch(1, 1) },
        case { architecture = mmoe(experts = 3) },
        case { architecture = mmoe(experts = 2, oneGate = true) },
        case { architecture = cgc(sharedExperts = 1, taskExperts = 2) },
        case { architecture = ple() },
        case { architecture = ple(2, 0, 1, 1) },
        case { architecture = mtan(1, 1) },
        case { architecture = softSharing(0.1) { dense(4); relu() } },
        case { architecture = crossStitch(1, 1) { dense(4); relu() } },
        case { architecture = mmoe(experts = 2) { dense(4) } },
        case { architecture = dselectK(experts = 5, selectors = 1, gamma = 0.5, entropyWeight = 0.0) },
        case { architecture = learningToBranch(1, 1) },
        case { architecture = learningToBranch(1, 1, temperature = 0.5, fixAfter = 10) { dense(4); relu() } },
    )
    val weightings = listOf(
        case { weighting = equal() },
        case { weighting = fixed() },
        case { weighting = uncertainty(initialLogVariance = -0.5) },
        case { weighting = dwa(temperature = 1.5) },
        case { weighting = randomLossWeighting() },
        case { weighting = scheduled(unit = ScheduleUnit.EPOCH) { weight("t", linear(startFactor = 1.0, endFactor = 0.0, totalIters = 10)) } },
        case { weighting = pcGrad(source = GradientSource.REPRESENTATION) },
        case { weighting = mgda(normalization = MgdaNormalization.L2) },
        case { weighting = caGrad(c = 0.5) },
        case { weighting = nashMtl() },
        case { weighting = mgda(normalization = MgdaNormalization.NONE, tolerance = 1e-9, maxIterations = 50) },
        case { weighting = caGrad(c = 0.25, tolerance = 1e-10, maxIterations = 200) },
        case { weighting = nashMtl(maxIterations = 20) },
        case { weighting = gradNorm(alpha = 0.5, lr = 0.025, source = GradientSource.REPRESENTATION) },
        case { weighting = imtlG() },
        case { weighting = alignedMtl(source = GradientSource.REPRESENTATION) },
        case { weighting = upGrad(normEps = 0.0, regEps = 1e-6) },
        case { weighting = famo(lr = 0.05, weightDecay = 0.0) },
        case { weighting = gls() },
        case { weighting = stch(mu = 0.5, warmupEpochs = 1) },
        case { weighting = gradVac(beta = 0.2, source = GradientSource.REPRESENTATION) },
        case { weighting = dbMtl(beta = 0.5, betaSigma = 0.5) },
        case { weighting = moCo(gamma = 0.2, rho = 0.1) },
        case { weighting = imtlL() },
        case { weighting = gradDrop(leak = 0.2) },
        case { weighting = sdmGrad(lambda = 0.5, iterations = 5, source = GradientSource.REPRESENTATION) },
        case { weighting = excessMtl(stepSize = 0.1) },
        case { weighting = fairGrad(alpha = 2.0, source = GradientSource.REPRESENTATION) },
        case { weighting = imtlH(source = GradientSource.REPRESENTATION) },
    )
    val optimizers = listOf(
        case { optimizer = sgd(lr = 0.1, momentum = 0.9, nesterov = true) { clipByValue(0.5) } },
        case { optimizer = adagrad(lrDecay = 1e-4) },
        case { optimizer = rmsprop(centered = true) { clipByNorm(2.0) } },
        case { optimizer = adadelta(rho = 0.95) },
        case { optimizer = adam(amsgrad = true) },
        case { optimizer = adamw(lr = 3e-4) { clipByGlobalNorm(1.0) } },
        case { optimizer = adamax() },
        case { optimizer = nadam(momentumDecay = 5e-3) },
        case { optimizer = radam(weightDecay = 1e-4) },
        case { optimizer = lion(beta2 = 0.98) },
        case {
            optimizer = sgd(lr = 0.1) {
                reduceOnPlateau(mode = PlateauMode.MAX, factor = 0.5, patience = 2, thresholdMode = ThresholdMode.ABS, monitor = "val.t.loss")
                gradientAccumulation = 4
            }
            training {
                sampling = Sampling.TASK_BALANCED; diagnostics = false; validationSplit = 0.2; checkpoints(every = 2)
                onNonFinite = NonFinite.SKIP
            }
        },
        case {
            optimizer = adamw {
                group(sharedParameters()) { lr = 1e-4 }
                group(taskParameters("t")) { lr = 1e-2; weightDecay = 0.0 }
                group(biasesAndNorms()) { weightDecay = 0.0 }
                group(named("heads.*.bias")) { weightDecay = 0.0 }
            }
        },
    )
    val training = listOf(
        case {
            optimizer = sgd(lr = 0.1) { maximize = true; ema(decay = 0.99) }
            training {
                evalBatchSize = 256; sampling = Sampling.MULTI_SOURCE
                earlyStopping("val.t.loss", restoreBest = false, higherIsBetter = false)
            }
        },
        case { training { earlyStopping("train.loss", patience = 2, higherIsBetter = null) } },
        case { training { explodingGradients = 0.0; checkpoints(every = 2, keepLast = 4, everySteps = 50) } },
    )
    val schedules = listOf(
        case { optimizer = sgd(0.1) { schedule = constant() } },
        case { optimizer = sgd(0.1) { schedule = step(stepSize = 30); scheduleUnit = ScheduleUnit.EPOCH } },
        case { optimizer = sgd(0.1) { schedule = multiStep(30, 80, gamma = 0.5) } },
        case { optimizer = sgd(0.1) { schedule = exponential(gamma = 0.95) } },
        case { optimizer = sgd(0.1) { schedule = cosine(tMax = 100, etaMin = 1e-5) } },
        case { optimizer = sgd(0.1) { schedule = cosineWarmRestarts(t0 = 10, tMult = 2) } },
        case { optimizer = sgd(0.1) { schedule = linear(startFactor = 0.5, endFactor = 1.0, totalIters = 4) } },
        case { optimizer = sgd(0.1) { schedule = linearWarmup(warmupSteps = 5, after = cosine(tMax = 95)) } },
        case { optimizer = sgd(0.1) { schedule = oneCycle(totalSteps = 1000, anneal = Anneal.LINEAR, threePhase = true) } },
    )
    val sequences = multiTask {
        sequenceInput(minCount = 2)
        trunk {
            embedding(16); positionalEmbedding(64); sinusoidalPositions()
            transformerEncoder(2, heads = 4, feedForward = 32, normFirst = true, activation = FeedForwardActivation.GELU)
            lstm(8, layers = 2, bidirectional = true); gru(8)
        }
        task("tags") { head { dense(5) }; loss = crossEntropy(); labels = Labels.TOKEN_CLASS; metrics(sequenceAccuracy()) }
        task("kind") { head { sequencePool(PoolMode.LAST); dense(2) }; loss = crossEntropy() }
    }
    val all = listOf(layers, initializers, losses, sequences) + architectures + weightings + optimizers + training + schedules

    all.forEachIndexed { i, spec ->
        test("case $i: DSL → spec → JSON → spec is the identity, and the JSON text is stable") {
            val text = SpecJson.encode(spec)
            val decoded = SpecJson.decode(text)
            decoded shouldBe SpecResult.Ok(spec)
            SpecJson.encode(decoded.getOrThrow()) shouldBe text
        }
    }

    test("the catalogue covers every type name of every sealed family") {
        fun <T : Any> names(serializer: KSerializer<T>) = serializer.descriptor.getElementDescriptor(1).elementNames.toList()
        fun <T : Any> typeOf(serializer: KSerializer<T>, v: T) =
            Json.encodeToJsonElement(serializer, v).jsonObject.getValue("type").jsonPrimitive.content
        fun <T : Any> covered(serializer: KSerializer<T>, values: List<T>) = values.map { typeOf(serializer, it) }.distinct()
        fun schedules(s: ScheduleSpec): List<ScheduleSpec> = listOf(s) + if (s is ScheduleSpec.LinearWarmup) schedules(s.after) else emptyList()

        covered(LayerSpec.serializer(), all.flatMap { s -> s.trunk + s.tasks.flatMap { it.head } }) shouldContainExactlyInAnyOrder names(LayerSpec.serializer())
        covered(LossSpec.serializer(), all.flatMap { s -> s.tasks.mapNotNull { it.loss } }) shouldContainExactlyInAnyOrder names(LossSpec.serializer())
        covered(ArchitectureSpec.serializer(), all.map { it.architecture }) shouldContainExactlyInAnyOrder names(ArchitectureSpec.serializer())
        covered(WeightingSpec.serializer(), all.map { it.weighting }) shouldContainExactlyInAnyOrder names(WeightingSpec.serializer())
        covered(AlgorithmSpec.serializer(), all.map { it.optimizer.algorithm }) shouldContainExactlyInAnyOrder names(AlgorithmSpec.serializer())
        covered(ClippingSpec.serializer(), all.mapNotNull { it.optimizer.clipping }) shouldContainExactlyInAnyOrder names(ClippingSpec.serializer())
        covered(ScheduleSpec.serializer(), all.flatMap { schedules(it.optimizer.schedule) }) shouldContainExactlyInAnyOrder names(ScheduleSpec.serializer())
        covered(ParameterSelector.serializer(), all.flatMap { s -> s.optimizer.groups.map { it.select } }) shouldContainExactlyInAnyOrder names(ParameterSelector.serializer())
        fun inits(l: LayerSpec): List<InitSpec> = when (l) {
            is LayerSpec.Dense -> listOfNotNull(l.init, l.biasInit)
            is LayerSpec.Conv2d -> listOfNotNull(l.init, l.biasInit)
            is LayerSpec.Embedding -> listOfNotNull(l.init)
            else -> emptyList()
        }
        covered(InitSpec.serializer(), all.flatMap { s -> (s.trunk + s.tasks.flatMap { it.head }).flatMap(::inits) }) shouldContainExactlyInAnyOrder names(InitSpec.serializer())
        all.map { it.training.sampling }.distinct() shouldContainExactlyInAnyOrder Sampling.entries
        all.flatMap { s -> s.tasks.map { it.labels } }.distinct() shouldContainExactlyInAnyOrder Labels.entries
        all.flatMap { s -> s.tasks.flatMap { t -> t.metrics.map { it.name } } }.filterNot { it.startsWith("top") }
            .distinct().containsAll(MetricNames.known - "top<k>_accuracy" - listOf("f1_micro", "precision_micro", "recall_macro")) shouldBe true
    }

    test("the catalogue's specs are valid, apart from the deliberately unshaped layer catalogue") {
        (all - layers).flatMap { polyhead.dsl.compile.SpecCompiler.check(it) } shouldBe emptyList()
    }
})
