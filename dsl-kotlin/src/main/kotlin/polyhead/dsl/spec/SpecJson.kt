package polyhead.dsl.spec

import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject

/**
 * The JSON form of an [ExperimentSpec]. Written pretty-printed with every default spelled out, so a file is the whole
 * experiment and can be edited by hand (the optimizer's settings left out are read as the core's defaults,
 * [withCoreDefaults]). Read strictly: a leading byte-order mark is dropped; JSON syntax faults are told in plain words
 * at their line and column ([JsonSyntax]; so are nesting deeper than [JsonText.MAX_DEPTH] and a key given twice in
 * one object); then the document is migrated from its
 * `version` to [SPEC_VERSION] ([Migrations]); then every structural fault (unknown key, unknown type name, missing
 * key, wrong kind of value) is reported with its path, all at once, before decoding.
 */
object SpecJson {
    @OptIn(ExperimentalSerializationApi::class)
    private val json = Json {
        encodeDefaults = true
        explicitNulls = true
        prettyPrint = true
        prettyPrintIndent = "  "
        classDiscriminator = "type"
    }

    /**
     * The writer: [json], and a NaN or an infinity written as `NaN`, `Infinity` — a spec built in code (a script's)
     * may hold one, which [load] then refuses at its path.
     */
    private val writer = Json(json) { allowSpecialFloatingPointValues = true }

    /** The spec as pretty-printed JSON, ending with a newline. */
    fun encode(spec: ExperimentSpec): String = writer.encodeToString(ExperimentSpec.serializer(), spec) + "\n"

    /** The spec [encode] wrote, exactly as it was: not migrated, checked or completed with defaults. */
    internal fun decodeAsWritten(text: String): ExperimentSpec = writer.decodeFromString(ExperimentSpec.serializer(), text)

    /** Reads a spec: syntax, migration and structure; no semantic checks (see [load]). */
    fun decode(document: String): SpecResult {
        // a byte-order mark is no part of the JSON (RFC 8259 lets a reader ignore it); a file read as UTF-8 keeps it
        val text = document.removePrefix("\uFEFF")
        if (text.isBlank()) {
            return SpecResult.Failed(listOf(SpecError("$", "empty document; an experiment spec is a JSON object")))
        }
        JsonText.check(text, duplicates = false)?.let { return SpecResult.Failed(listOf(it)) }
        JsonSyntax.check(text)?.let { return SpecResult.Failed(listOf(it)) }
        val root = when (val parsed = parse(text)) {
            is Parsed.Ok -> parsed.element
            is Parsed.Fault -> return SpecResult.Failed(listOf(parsed.error))
        }
        JsonText.check(text, duplicates = true)?.let { return SpecResult.Failed(listOf(it)) }
        if (root !is JsonObject) {
            return SpecResult.Failed(listOf(SpecError("$", "an experiment spec is a JSON object, got ${kindOf(root)}")))
        }
        val current = when (val migrated = Migrations.toCurrent(root)) {
            is Migrations.Result.Ok -> migrated.json
            is Migrations.Result.Failed -> return SpecResult.Failed(migrated.errors)
        }
        val faults = SchemaCheck.check(current, ExperimentSpec.serializer().descriptor)
        if (faults.isNotEmpty()) return SpecResult.Failed(faults)
        return try {
            SpecResult.Ok(json.decodeFromJsonElement(ExperimentSpec.serializer(), current).withCoreDefaults())
        } catch (e: SerializationException) {
            // The structural check should leave nothing for the decoder to reject; report it rather than crash.
            SpecResult.Failed(listOf(SpecError(pathIn(e.message) ?: "$", firstLine(e.message))))
        } catch (e: IllegalArgumentException) {
            SpecResult.Failed(listOf(SpecError("$", e.message ?: e.toString())))
        }
    }

    /**
     * Reads a spec and [validate]s it without the core's rules: every fault of the text and of the spec's own
     * settings and references. The faults only the core can find (the characters of names, shapes, losses and metrics
     * against labels) are the compiler's: `SpecCompiler.load` reads a spec with all of them.
     */
    fun load(text: String): SpecResult = when (val r = decode(text)) {
        is SpecResult.Failed -> r
        is SpecResult.Ok -> validate(r.spec).let { if (it.isEmpty()) r else SpecResult.Failed(it) }
    }

    private sealed interface Parsed {
        data class Ok(val element: JsonElement) : Parsed

        data class Fault(val error: SpecError) : Parsed
    }

    /**
     * The parsed text. [JsonSyntax] has passed it, so the parser should not refuse it; if it does, the fault is given
     * at the parser's position without the parser's wording (which speaks of its own settings).
     */
    private fun parse(text: String): Parsed = try {
        Parsed.Ok(json.parseToJsonElement(text))
    } catch (e: SerializationException) {
        val offset = OFFSET.find(e.message.orEmpty())?.groupValues?.get(1)?.toInt()
        if (offset == null || offset < 0) {
            Parsed.Fault(SpecError("$", "malformed JSON"))
        } else {
            val (line, column) = lineAndColumn(text, offset)
            Parsed.Fault(SpecError("$", "malformed JSON", line, column))
        }
    }

    /** 1-based line and column of a character offset; a line ends at \n, \r\n or \r. */
    internal fun lineAndColumn(text: String, offset: Int): Pair<Int, Int> {
        val end = minOf(offset, text.length)
        var line = 1
        var lineStart = 0
        for (i in 0 until end) {
            val c = text[i]
            val endsLine = c == '\n' || (c == '\r' && text.getOrNull(i + 1) != '\n')
            if (endsLine) {
                line++
                lineStart = i + 1
            }
        }
        return line to (end - lineStart + 1)
    }

    private val OFFSET = Regex("""at offset (-?\d+)""")
    private val PATH = Regex("""at path: (\$[^\s]*)""")

    private fun pathIn(message: String?): String? = message?.let { PATH.find(it)?.groupValues?.get(1) }

    private fun firstLine(message: String?): String =
        message.orEmpty().lineSequence().first().replace(PATH, "").trim().removeSuffix(".").trim()
}
