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
                        "embedding, flatten, gelu, globalAvgPool, gru, layerNorm, leakyRelu, lstm, maxPool, positionalEmbedding, " +
                        "relu, sequencePool, sigmoid, softmax, tanh, transformerEncoder",
                ),
                SpecError("$.tasks[0].head[0].activation", "unknown key 'activation'; expected 'units', 'bias', 'init', 'biasInit', 'trainable'"),
                SpecError("$.tasks[0].labels", "unknown value 'classes'; expected one of 'classIndex', 'binary', 'realVector', 'pixelClassMap', 'tokenClass'"),
                SpecError("$.tasks[1].labels", "unknown value 'classes'; expected one of 'classIndex', 'binary', 'realVector', 'pixelClassMap', 'tokenClass'"),
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
                        "'flatten', 'gelu', 'globalAvgPool', 'gru', 'layerNorm', 'leakyRelu', 'lstm', 'maxPool', 'positionalEmbedding', " +
                        "'relu', 'sequencePool', 'sigmoid', 'softmax', 'tanh', 'transformerEncoder'",
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
        // The position is the first character of the unexpected token: here the comma after "kernel": 5 is gone, and
        // the next key, "stride" on line 13, is where a ',' or '}' should be.
        val missingComma = text.replace("\"kernel\": 5,", "\"kernel\": 5")
        val lines = missingComma.lines()
        lines[12].trim() shouldBe "\"stride\": 1,"
        SpecJson.decode(missingComma) shouldBe SpecResult.Failed(
            listOf(SpecError("$", "expected ',' or '}' after a field, got a string", 13, 7)),
        )
        SpecJson.decode("{\n  \"version\": 2,\n  \"input\": [1, 2 3]\n}").errorsOrEmpty.single().let {
            (it.line to it.column) shouldBe (3 to 18) // the "3" in col 18
            it.message shouldBe "expected ',' or ']' after an element, got '3'"
        }
        SpecJson.decode("{\"version\": 2,\r\n\"input\": [1 2]}").errorsOrEmpty.single().line shouldBe 2
        SpecJson.decode("").errorsOrEmpty.single().path shouldBe "$"
    }

    test("JSON syntax faults in plain words at their line and column, never the parser's wording") {
        fun fault(json: String): String = SpecJson.decode(json).errorsOrEmpty.single().toString()
        fault("{\"version\": 2,\n \"input\": [1, 2,]}") shouldBe "$ (line 2, column 16): trailing comma before ']'; remove it"
        fault("{\"version\": 2,}") shouldBe "$ (line 1, column 14): trailing comma before '}'; remove it"
        fault("{\"version\": 2}\n{}") shouldBe "$ (line 2, column 1): unexpected text after the end of the spec"
        fault("{\"version\": 2, \"name\": \"a}") shouldBe
            "$ (line 1, column 24): unterminated string: no closing '\"'"
        fault("{\"version\": 2,\n  \"name\": \"a\n\"}") shouldBe
            "$ (line 2, column 11): unterminated string: the line ends before its closing '\"'"
        fault("{\"version\": 2, \"input\": [1 2]}") shouldBe
            "$ (line 1, column 28): expected ',' or ']' after an element, got '2'"
        fault("{\"version\" 2}") shouldBe "$ (line 1, column 12): expected ':' after the field name, got '2'"
        fault("{version: 2}") shouldBe "$ (line 1, column 2): expected a field name in double quotes, got 'v'"
        fault("{\"version\": }") shouldBe "$ (line 1, column 13): expected a value, got '}'"
        fault("{\"version\": 2, \"input\": [1,\n") shouldBe
            "$ (line 2, column 1): the text ends before the spec does: an array ('[') is not closed"
        fault("{\"a\": \"\\q\"}") shouldBe "$ (line 1, column 8): invalid escape '\\q' in a string"
        fault("{\"a\": \"\\u12\"}") shouldBe "$ (line 1, column 8): '\\u' needs four hexadecimal digits"
        fault("{\"a\": \"\t\"}") shouldBe "$ (line 1, column 8): control character U+0009 inside a string; write it as an escape"
        fault("/* spec */ {}") shouldBe "$ (line 1, column 1): a comment; JSON has no comments"
        fault("{\"version\": 2}\r\n  ]") shouldBe "$ (line 2, column 3): unexpected text after the end of the spec"
        // the same fault in the form the tool prints, naming the file
        SpecJson.decode("{\n  \"version\": 2\n  \"input\": [1]\n}").errorsOrEmpty.single().at("spec.json") shouldBe
            "spec.json:3:3: expected ',' or '}' after a field, got a string"
    }

    test("a byte-order mark before the spec is no fault") {
        SpecJson.decode("\uFEFF" + text) shouldBe SpecJson.decode(text)
        SpecJson.decode("\uFEFF" + text).errorsOrEmpty shouldBe emptyList()
    }

    test("line and column count \\n, \\r\\n and \\r line ends") {
        SpecJson.lineAndColumn("ab\ncd", 4) shouldBe (2 to 2)
        SpecJson.lineAndColumn("ab\r\ncd", 5) shouldBe (2 to 2)
        SpecJson.lineAndColumn("ab\rcd", 3) shouldBe (2 to 1)
        SpecJson.lineAndColumn("abc", 0) shouldBe (1 to 1)
    }
})
