package polyhead.dsl.spec

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import polyhead.dsl.ReferenceSpecs

/** Faults of the JSON text and structure: all reported at once with paths; syntax faults with line and column. */
class DecodingTest : FunSpec({
    val text = ReferenceSpecs.resource("reference-spec.json")

    test("unknown layer types, unknown and missing keys, wrong kinds of value: all at once, with paths") {
        val broken = text
            .replaceFirst("\"type\": \"dense\"", "\"type\": \"densse\"")
            .replace("\"units\": 10,", "\"units\": 10, \"activation\": \"relu\",")
            .replace("\"filters\": 10,\n", "")
            .replace("\"epochs\": 10", "\"epochs\": 1.5")
            .replace("\"labels\": \"classIndex\"", "\"labels\": \"classes\"")
            .replace("\"type\": \"fixed\"", "\"type\": \"fixed\", \"weights\": [1, 2]")
        SpecJson.decode(broken) shouldBe SpecResult.Failed(
            listOf(
                SpecError("$.trunk[0].filters", "missing; 'conv2d' needs 'filters'"),
                SpecError(
                    "$.trunk[4].type",
                    "unknown layer type 'densse' (did you mean 'dense'?); known: avgPool, batchNorm, conv2d, dense, dropout, " +
                        "embedding, flatten, gelu, globalAvgPool, layerNorm, leakyRelu, maxPool, relu, sigmoid, softmax, tanh",
                ),
                SpecError("$.tasks[0].head[0].activation", "unknown key 'activation'; expected 'units', 'bias', 'init', 'biasInit', 'trainable'"),
                SpecError("$.tasks[0].labels", "unknown value 'classes'; expected one of 'classIndex', 'binary', 'realVector', 'pixelClassMap'"),
                SpecError("$.tasks[1].labels", "unknown value 'classes'; expected one of 'classIndex', 'binary', 'realVector', 'pixelClassMap'"),
                SpecError("$.weighting.weights", "unknown key 'weights'; it takes no settings"),
                SpecError("$.training.epochs", "expected an integer, got 1.5"),
            ),
        )
    }

    test("structure faults: a missing type, a non-object layer, null where none is allowed, a non-object root") {
        SpecJson.decode("""{"version": 2, "trunk": null, "tasks": [{"name": "a", "head": [{"units": 3}, 5]}]}""") shouldBe SpecResult.Failed(
            listOf(
                SpecError("$.trunk", "null is not allowed here; expected an array"),
                SpecError(
                    "$.tasks[0].head[0].type",
                    "missing; a layer names its type, one of 'avgPool', 'batchNorm', 'conv2d', 'dense', 'dropout', 'embedding', " +
                        "'flatten', 'gelu', 'globalAvgPool', 'layerNorm', 'leakyRelu', 'maxPool', 'relu', 'sigmoid', 'softmax', 'tanh'",
                ),
                SpecError("$.tasks[0].head[1]", "expected a layer object with a \"type\", got 5"),
            ),
        )
        SpecJson.decode("[1]") shouldBe SpecResult.Failed(listOf(SpecError("$", "an experiment spec is a JSON object, got an array")))
    }

    test("decode reads structure only; load also validates") {
        val invalid = text.replace("\"units\": 10,", "\"units\": 0,")
        SpecJson.decode(invalid).errorsOrEmpty shouldBe emptyList()
        SpecJson.load(invalid).errorsOrEmpty shouldBe listOf(SpecError("$.tasks[0].head[0].units", "dense units must be at least 1, got 0"))
    }

    test("malformed JSON reports line and column") {
        // The position is where the reader stopped: just past the first character of the unexpected token.
        // Here the comma after "kernel": 5 is gone, and the reader stops in the next key, "stride" on line 13.
        val missingComma = text.replace("\"kernel\": 5,", "\"kernel\": 5")
        val lines = missingComma.lines()
        lines[12].trim() shouldBe "\"stride\": 1,"
        SpecJson.decode(missingComma) shouldBe SpecResult.Failed(
            listOf(SpecError("$", "malformed JSON at line 13, column 8: Expected end of the object or comma", 13, 8)),
        )
        SpecJson.decode("{\n  \"version\": 2,\n  \"input\": [1, 2 3]\n}").errorsOrEmpty.single().let {
            (it.line to it.column) shouldBe (3 to 19) // past the "3" in col 18
        }
        SpecJson.decode("{\"version\": 2,\r\n\"input\": [1 2]}").errorsOrEmpty.single().line shouldBe 2
        SpecJson.decode("").errorsOrEmpty.single().path shouldBe "$"
    }

    test("line and column count \\n, \\r\\n and \\r line ends") {
        SpecJson.lineAndColumn("ab\ncd", 4) shouldBe (2 to 2)
        SpecJson.lineAndColumn("ab\r\ncd", 5) shouldBe (2 to 2)
        SpecJson.lineAndColumn("ab\rcd", 3) shouldBe (2 to 1)
        SpecJson.lineAndColumn("abc", 0) shouldBe (1 to 1)
    }
})
