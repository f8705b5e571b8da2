package polyhead.dsl.compile

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import polyhead.data.LabelType
import polyhead.data.SequenceDataset
import polyhead.data.Vocabulary
import polyhead.dsl.adam
import polyhead.dsl.accuracy
import polyhead.dsl.crossEntropy
import polyhead.dsl.dense
import polyhead.dsl.embedding
import polyhead.dsl.f1
import polyhead.dsl.lstm
import polyhead.dsl.mmoe
import polyhead.dsl.multiTask
import polyhead.dsl.positionalEmbedding
import polyhead.dsl.sequenceAccuracy
import polyhead.dsl.sequencePool
import polyhead.dsl.sinusoidalPositions
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.FeedForwardActivation
import polyhead.dsl.spec.InvalidSpecException
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.PoolMode
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.TIME
import polyhead.dsl.spec.modelInput
import polyhead.dsl.transformerEncoder
import polyhead.experiment.Algorithm
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.Layers
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.TaskPlan
import polyhead.experiment.TrainingPlan
import polyhead.loss.Losses
import polyhead.metrics.Average
import polyhead.metrics.Metrics
import polyhead.nn.SequencePool
import polyhead.nn.TransformerEncoderLayer
import polyhead.optim.Optimizers
import java.nio.file.Files
import java.nio.file.Path
import java.util.Random

/**
 * Sequence models from the DSL and the JSON spec: the Java builder's model (same names, same values), JSON round
 * trips, each fault at its JSON path, the Brown sample spec compiled, and a small spec trained on sentences.
 */
class SequenceSpecTest : FunSpec({
    /** Tokens "w0".."w9" (ids 2..11), minimum count 1. */
    val vocabulary = Vocabulary.build((0 until 10).map { listOf("w$it") }, 1)

    val spec = multiTask {
        sequenceInput()
        trunk { embedding(8); sinusoidalPositions(); transformerEncoder(1, heads = 2, feedForward = 16, normFirst = true,
            activation = FeedForwardActivation.GELU); lstm(6, bidirectional = true) }
        task("tag") {
            head { dense(3) }; loss = crossEntropy(); labels = Labels.TOKEN_CLASS
            metrics(accuracy(), f1(), sequenceAccuracy())
        }
        task("kind") { head { sequencePool(PoolMode.MAX); dense(2) }; loss = crossEntropy(); metrics(accuracy()) }
        optimizer = adam(lr = 0.02)
        training { epochs = 6; batchSize = 16; seed = 4 }
    }

    test("the DSL and JSON build the Java builder's model: same names, same values") {
        val java = ExperimentBuilder()
            .sequenceInput(vocabulary)
            .trunk(Layers.embedding(8), Layers.sinusoidalPositions(), Layers.transformerEncoder(1, 2, 16, true,
                TransformerEncoderLayer.FeedForwardActivation.GELU), Layers.lstm(6, 1, true))
            .task(TaskPlan.named("tag").head(Layers.dense(3)).loss(Losses.crossEntropy()).labels(LabelType.TOKEN_CLASS)
                .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO), Metrics.sequenceAccuracy()))
            .task(TaskPlan.named("kind").head(Layers.sequencePool(SequencePool.Mode.MAX), Layers.dense(2))
                .loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
            .optimizer(OptimizerPlan.of(Algorithm.of(Optimizers.Adam.lr(0.02))))
            .training(TrainingPlan.defaults().epochs(6).batchSize(16).seed(4))
            .build().architecture()
        val json = roundTrips(spec)
        json shouldContain "\"sequenceInput\": {\n    \"minCount\": 1\n  }"
        json shouldContain "\"type\": \"lstm\""
        val compiled = SpecCompiler.compile((SpecCompiler.load(json) as SpecResult.Ok).spec, vocabulary).architecture
        compiled.stateDict().keys shouldBe java.stateDict().keys
        compiled.stateDict().mapValues { it.value.data().toList() } shouldBe
            java.stateDict().mapValues { it.value.data().toList() }
        compiled.namedParameters().getValue("trunk.0.weight").shape().dims().toList() shouldBe listOf(12, 8)
        spec.modelInput() shouldBe listOf(TIME)
        TIME shouldBe Layers.TIME
    }

    test("each fault of a sequence spec at its JSON path") {
        val bad = multiTask {
            sequenceInput(minCount = 0)
            input(3)
            trunk { embedding(20, 6); transformerEncoder(1, heads = 4, feedForward = 8); sequencePool(); lstm(0) }
            task("tag") { head { dense(3) }; loss = crossEntropy() }
            architecture = mmoe(2)
            optimizer = adam(lr = 0.01)
        }
        SpecCompiler.check(bad) shouldBe listOf(
            SpecError("$.sequenceInput", "give one input shape (input), named inputs (inputs) or a sequence input "
                + "(sequenceInput), one of them"),
            SpecError("$.sequenceInput.minCount", "the vocabulary's minimum count must be at least 1, got 0"),
            SpecError("$.architecture", "mmoe is not offered on a sequence input (its gates, stitches or attention read "
                + "fixed-size features); use hardSharing or softSharing"),
            SpecError("$.trunk[0].count", "on a sequence input the table has a row per id of the data's vocabulary; "
                + "leave count out (0)"),
            SpecError("$.trunk[3].hidden", "lstm hidden size must be at least 1, got 0"),
        )
        val shapes = multiTask {
            sequenceInput()
            trunk { embedding(6); transformerEncoder(1, heads = 4, feedForward = 8) }
            task("tag") { head { dense(3) }; loss = crossEntropy(); labels = Labels.TOKEN_CLASS }
            optimizer = adam(lr = 0.01)
        }
        paths(shapes) shouldBe listOf(
            "$.trunk[1].heads: the model width 6 (the input's features) is not divisible by the 4 heads",
        )
        val dropped = shapes.copy(trunk = listOf(LayerSpec.Embedding(dim = 4), LayerSpec.SequencePool(), LayerSpec.Lstm(3)))
        paths(dropped) shouldBe listOf(
            "$.trunk[2]: lstm reads a sequence [T, features], but its input is [4]: a layer before it dropped the time "
                + "axis (sequencePool, flatten), or the model's input is no sequence",
        )
        val perSentence = shapes.copy(trunk = listOf(LayerSpec.Embedding(dim = 4)),
            tasks = listOf(shapes.tasks[0].copy(labels = Labels.CLASS_INDEX)))
        paths(perSentence).single() shouldContain "$.tasks[0].head: a classIndex task needs logits [classes] with at " +
            "least 2 classes from its head, but it outputs [T, 3]; per-token labels are tokenClass"
        val learned = shapes.copy(trunk = listOf(LayerSpec.Embedding(dim = 4), LayerSpec.PositionalEmbedding(
            polyhead.dsl.spec.PositionKind.LEARNED, 0)))
        paths(learned) shouldBe listOf("$.trunk[1].maxLength: a learned position table's maxLength must be at least 1, got 0")
        val fixedInput = multiTask {
            input(4)
            trunk { embedding(5) }
            task("t") { head { dense(2) }; loss = crossEntropy() }
            optimizer = adam(lr = 0.01)
        }
        paths(fixedInput) shouldBe listOf("$.trunk[0].count: embedding count must be at least 1, got 0")
        shouldThrow<InvalidSpecException> { SpecCompiler.compile(spec) }.errors shouldBe listOf(
            SpecError("$.sequenceInput", "a sequence input reads token ids of the data's vocabulary; compile the spec "
                + "with it (SpecCompiler.compile(spec, vocabulary))"),
        )
        shouldThrow<InvalidSpecException> { SpecCompiler.compile(spec, Vocabulary.build(listOf(listOf("a")), 2)) }
            .errors.single().path shouldBe "$.sequenceInput.minCount"
    }

    test("the Brown sample spec reads and compiles: the protocol's BiLSTM and three heads") {
        val text = Files.readString(Path.of("../samples/specs/brown.json"))
        val brown: ExperimentSpec = (SpecCompiler.load(text) as SpecResult.Ok).spec
        brown.sequenceInput!!.minCount shouldBe 2
        val words = Vocabulary.build(listOf(listOf("the", "the", "jury", "jury", "said")), 2)
        val arch = SpecCompiler.compile(brown, words).architecture
        arch.taskNames() shouldBe listOf("fine", "universal", "genre")
        arch.namedParameters().getValue("trunk.0.weight").shape().dims().toList() shouldBe listOf(words.size(), 100)
        arch.namedParameters().getValue("trunk.1.weight_ih_l0_reverse").shape().dims().toList() shouldBe listOf(512, 100)
        arch.namedParameters().getValue("heads.fine.weight").shape().dims().toList() shouldBe listOf(472, 256)
        arch.namedParameters().getValue("heads.universal.weight").shape().dims().toList() shouldBe listOf(12, 256)
        arch.namedParameters().getValue("heads.genre.1.weight").shape().dims().toList() shouldBe listOf(15, 256)
        arch.task("fine").labelType() shouldBe LabelType.TOKEN_CLASS
    }

    test("a spec trains on sentences and its saved model predicts tags per word") {
        val r = Random(2)
        val tokens = List(200) { IntArray(1 + r.nextInt(6)) { 2 + r.nextInt(10) } }
        val data = SequenceDataset.of(12, null, tokens, mapOf("tag" to tokens.map { s -> IntArray(s.size) { s[it] % 3 } }),
            mapOf("kind" to IntArray(200) { i -> if (tokens[i].contains(2)) 1 else 0 }))
        val small = spec.copy(trunk = listOf(LayerSpec.Embedding(dim = 8), LayerSpec.Lstm(8, bidirectional = true)))
        val model = SpecCompiler.compile(small, vocabulary).fit(data, null)
        val scores = model.evaluate(data)
        scores.getValue("tag.accuracy") shouldBeGreaterThan 0.9
        scores.getValue("kind.accuracy") shouldBeGreaterThan 0.7
        val dir = Files.createTempDirectory("seqspec").resolve("model")
        model.save(dir)
        val back = SpecCompiler.loadTrained(dir)
        back.evaluate(data) shouldBe scores
        back.predict(listOf("w1", "w0")).getValue("tag").classes().toList() shouldBe listOf(0, 2)
        val recorded = SpecCompiler.specText(back.modelDescription().toJson())
        (SpecCompiler.load(recorded) as SpecResult.Ok).spec.sequenceInput!!.minCount shouldBe 1
    }
})
