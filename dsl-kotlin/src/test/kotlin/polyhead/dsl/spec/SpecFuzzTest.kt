package polyhead.dsl.spec

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.compile.SpecCompiler
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.random.Random

/**
 * Seeded, bounded fuzzing of the spec reader ([SpecCompiler.load]: parse, migrate, structure, validation with the
 * core's rules): byte flips,
 * truncations, deletions, swapped value kinds, deep nesting, huge and odd numbers, duplicated keys, and random JSON.
 * Every input must come back, within a time limit, as a [SpecResult] — never a thrown exception or error (out of
 * memory, stack overflow) — and every fault it reports must be one non-empty line; a spec it accepts must compile.
 */
class SpecFuzzTest : FunSpec({
    val bases = listOf(
        ReferenceSpecs.resource("reference-spec.json"),
        ReferenceSpecs.resource("reference-spec-v1.json"),
        SpecJson.encode(ReferenceSpecs.design),
    )
    val executor = Executors.newSingleThreadExecutor { r -> Thread(null, r, "spec-fuzz", 0).apply { isDaemon = true } }
    afterSpec { executor.shutdownNow() }

    /** What went wrong instead of the reader answering with one-line faults, or null with the answer. */
    fun problem(text: String): Pair<String?, SpecResult?> {
        val future = executor.submit<SpecResult> {
            // a spec the reader accepts must also build: validation promises it
            SpecCompiler.load(text).also { if (it is SpecResult.Ok) SpecCompiler.compile(it.spec) }
        }
        val result = try {
            future.get(LIMIT_SECONDS, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            future.cancel(true)
            return "no answer within $LIMIT_SECONDS s" to null
        } catch (e: ExecutionException) {
            return "threw ${e.cause}" to null
        }
        for (error in result.errorsOrEmpty) {
            if (error.message.isBlank() || '\n' in error.toString() || '\r' in error.toString()) {
                return "a fault that is not one line: '$error'" to result
            }
            // the parser's own wording (its settings, its token names) never reaches a user
            if (PARSER_WORDS.containsMatchIn(error.message)) {
                return "a fault in the parser's words: '$error'" to result
            }
        }
        return null to result
    }

    fun fuzz(name: String, seed: Int, inputs: Int, mutate: (Random, String) -> String) {
        test(name) {
            val rng = Random(seed)
            val failures = mutableListOf<String>()
            var refused = 0
            repeat(inputs) { i ->
                val input = mutate(rng, bases[i % bases.size])
                val (p, result) = problem(input)
                if (p != null) failures += "$p for input ${input.take(300).replace("\n", "\\n")}…"
                if (result is SpecResult.Failed) refused++
            }
            withClue(failures.take(5).joinToString("\n")) { failures.shouldBeEmpty() }
            // the mutations did reach the reader's error paths
            refused shouldBeGreaterThan inputs / 4
        }
    }

    test("what fuzzing found: deep nesting and duplicated keys are faults with line and column") {
        val deep = "[".repeat(100_000) + "]".repeat(100_000)
        SpecJson.load(deep) shouldBe SpecResult.Failed(
            listOf(SpecError("$", "nested deeper than 64 levels", 1, 65)),
        )
        SpecJson.load("{\"version\": 2,\n \"training\": {\"seed\": 1, \"seed\": 2}}") shouldBe SpecResult.Failed(
            listOf(SpecError("$.training.seed", "key 'seed' given twice; each key appears once in an object", 2, 26)),
        )
    }

    fuzz("byte flips", 1, 600) { rng, base ->
        val chars = base.toCharArray()
        repeat(1 + rng.nextInt(4)) { chars[rng.nextInt(chars.size)] = PALETTE[rng.nextInt(PALETTE.length)] }
        String(chars)
    }

    fuzz("truncations and deletions", 2, 600) { rng, base ->
        if (rng.nextBoolean()) {
            base.substring(0, rng.nextInt(base.length))
        } else {
            val from = rng.nextInt(base.length)
            base.removeRange(from, minOf(base.length, from + 1 + rng.nextInt(40)))
        }
    }

    fuzz("values swapped for values of another kind", 3, 600) { rng, base ->
        val tree = Json.parseToJsonElement(base)
        val paths = mutableListOf<List<Any>>()
        collect(tree, emptyList(), paths)
        var t = tree
        repeat(1 + rng.nextInt(3)) { t = replaceAt(t, paths[rng.nextInt(paths.size)], 0, randomValue(rng, 2)) }
        t.toString()
    }

    fuzz("huge, negative, fractional and malformed numbers", 4, 400) { rng, base ->
        NUMBER.replace(base) { m -> if (rng.nextInt(3) == 0) ODD_NUMBERS[rng.nextInt(ODD_NUMBERS.size)] else m.value }
    }

    fuzz("deep nesting", 5, 40) { rng, base ->
        val depth = listOf(50, 500, 5_000, 50_000, 200_000)[rng.nextInt(5)]
        val open = if (rng.nextBoolean()) "[" else "{\"a\":"
        val close = if (open == "[") "]" else "}"
        val nest = open.repeat(depth) + "1" + close.repeat(if (rng.nextBoolean()) depth else depth / 2)
        // at the root, or as the value of a field
        if (rng.nextBoolean()) nest else base.replaceFirst("\"seed\": 42", "\"seed\": $nest")
    }

    fuzz("duplicated keys and sections", 6, 200) { rng, base ->
        val keys = listOf("\"trunk\": ", "\"tasks\": ", "\"training\": ", "\"version\": ", "\"type\": ")
        val key = keys[rng.nextInt(keys.size)]
        val at = base.indexOf(key)
        if (at < 0) base else base.substring(0, at) + key + randomValue(rng, 2) + ", " + base.substring(at)
    }

    fuzz("random JSON", 7, 600) { rng, _ ->
        if (rng.nextInt(4) == 0) randomValue(rng, 4).toString() else randomSpecLike(rng).toString()
    }
}) {
    private companion object {
        const val LIMIT_SECONDS = 5L
        /** The JSON parser's phrases and settings, which a fault must not show. */
        val PARSER_WORDS = Regex("""isLenient|allowSpecialFloatingPoint|JSON input:|Unexpected JSON token|Expected end of|""" +
            """Expected EOF|Expected quotation|Trailing comma|Json \{""")
        const val PALETTE = "{}[]\",:0123456789.eE+-tfnul \\/\u0000\u00e9\uD83D"
        val NUMBER = Regex("""(?<=[:\[,]\s?)-?\d+(\.\d+)?([eE][+-]?\d+)?""")
        val ODD_NUMBERS = listOf(
            "1e309", "-1e400", "1e-400", "99999999999999999999999999", "2147483648", "-2147483649",
            "9223372036854775808", "-1", "0", "0.5", "-0.0", "1.7976931348623157e308", "NaN", "Infinity",
            "\"7\"", "1" + "0".repeat(5000), "0x10", "01", "1.", ".5", "+1",
        )
        val TYPES = listOf(
            "dense", "conv2d", "relu", "flatten", "maxPool", "dropout", "hardSharing", "mmoe", "fixed", "gradNorm",
            "adam", "sgd", "crossEntropy", "mse", "cosine", "x",
        )

        fun collect(e: JsonElement, path: List<Any>, out: MutableList<List<Any>>) {
            out += path
            when (e) {
                is JsonObject -> e.forEach { (k, v) -> collect(v, path + k, out) }
                is JsonArray -> e.forEachIndexed { i, v -> collect(v, path + i, out) }
                else -> {}
            }
        }

        fun replaceAt(e: JsonElement, path: List<Any>, i: Int, value: JsonElement): JsonElement {
            if (i == path.size) return value
            return when (val key = path[i]) {
                is String -> if (e is JsonObject && key in e) {
                    JsonObject(e.toMutableMap().also { it[key] = replaceAt(e.getValue(key), path, i + 1, value) })
                } else e
                else -> if (e is JsonArray && (key as Int) < e.size) {
                    JsonArray(e.toMutableList().also { it[key] = replaceAt(e[key], path, i + 1, value) })
                } else e
            }
        }

        fun randomValue(rng: Random, depth: Int): JsonElement = when (rng.nextInt(if (depth > 0) 9 else 7)) {
            0 -> JsonNull
            1 -> JsonPrimitive(rng.nextBoolean())
            2 -> JsonPrimitive(rng.nextInt(-3, 300))
            3 -> JsonPrimitive(rng.nextDouble(-1e3, 1e3))
            4 -> JsonPrimitive(TYPES[rng.nextInt(TYPES.size)])
            5 -> JsonPrimitive(listOf("", "a", "item", "\u0000", "val.item.accuracy", "\$.x")[rng.nextInt(6)])
            6 -> JsonPrimitive(listOf(0, -1, Int.MAX_VALUE, Long.MAX_VALUE, 1e300)[rng.nextInt(5)])
            7 -> JsonArray(List(rng.nextInt(4)) { randomValue(rng, depth - 1) })
            else -> JsonObject(List(rng.nextInt(4)) { KEYS[rng.nextInt(KEYS.size)] to randomValue(rng, depth - 1) }.toMap())
        }

        val KEYS = listOf(
            "type", "units", "name", "head", "loss", "weight", "version", "input", "trunk", "tasks", "training", "epochs",
            "batchSize", "seed", "lr", "optimizer", "weighting", "architecture", "labels", "classes", "kernel", "filters",
        )

        /** A random object with the spec's top-level keys, so that more of the reader beyond syntax is reached. */
        fun randomSpecLike(rng: Random): JsonElement = JsonObject(
            mapOf(
                "version" to JsonPrimitive(rng.nextInt(0, 4)),
                "input" to JsonArray(List(rng.nextInt(4)) { JsonPrimitive(rng.nextInt(-2, 30)) }),
                "trunk" to JsonArray(List(rng.nextInt(4)) { layer(rng) }),
                "tasks" to JsonArray(
                    List(rng.nextInt(3)) {
                        JsonObject(
                            mapOf(
                                "name" to JsonPrimitive("t$it"),
                                "head" to JsonArray(List(rng.nextInt(3)) { layer(rng) }),
                            ),
                        )
                    },
                ),
            ).filter { rng.nextInt(5) > 0 },
        )

        fun layer(rng: Random): JsonElement = JsonObject(
            mapOf(
                "type" to JsonPrimitive(TYPES[rng.nextInt(TYPES.size)]),
                "units" to JsonPrimitive(rng.nextInt(-2, 20)),
                "filters" to JsonPrimitive(rng.nextInt(-2, 8)),
                "kernel" to JsonPrimitive(rng.nextInt(-2, 40)),
            ).filter { rng.nextBoolean() },
        )
    }
}
