package polyhead.dsl.spec

import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.descriptors.PolymorphicKind
import kotlinx.serialization.descriptors.PrimitiveKind
import kotlinx.serialization.descriptors.SerialDescriptor
import kotlinx.serialization.descriptors.SerialKind
import kotlinx.serialization.descriptors.StructureKind
import kotlinx.serialization.descriptors.elementNames
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.doubleOrNull

/**
 * Checks a JSON document against the shape the decoder expects, read from the serializers' descriptors, and reports
 * every fault with its path: the decoder itself stops at the first. Covers unknown keys, missing keys, unknown
 * `"type"` names of sealed families, and values of the wrong kind.
 */
@OptIn(ExperimentalSerializationApi::class)
internal class SchemaCheck private constructor() {
    private val errors = mutableListOf<SpecError>()

    companion object {
        const val DISCRIMINATOR = "type"

        fun check(element: JsonElement, descriptor: SerialDescriptor): List<SpecError> =
            SchemaCheck().apply { visit(element, descriptor, "$") }.errors
    }

    private fun fault(path: String, message: String) {
        errors += SpecError(path, message)
    }

    private fun visit(e: JsonElement, d: SerialDescriptor, path: String) {
        if (e is JsonNull) {
            if (!d.isNullable) fault(path, "null is not allowed here; expected ${expected(d)}")
            return
        }
        if (d.isInline) return visit(e, d.getElementDescriptor(0), path)
        when (val kind = d.kind) {
            is PrimitiveKind -> primitive(e, kind, path)
            SerialKind.ENUM -> enumValue(e, d, path)
            StructureKind.LIST -> list(e, d, path)
            StructureKind.MAP -> map(e, d, path)
            StructureKind.CLASS, StructureKind.OBJECT -> obj(e, d, path, ignored = null)
            PolymorphicKind.SEALED -> sealed(e, d, path)
            else -> error("no structural check for ${d.serialName} of kind $kind")
        }
    }

    /**
     * A primitive value. Integers are checked here, from the number as written, against the range of their field
     * ([WholeNumbers]): the decoder's own reading wraps values beyond 64 bits. A number the decoder would read as
     * NaN or an infinity (`NaN`, `Infinity`, `1e309`) is refused here too, at its path.
     */
    private fun primitive(e: JsonElement, kind: PrimitiveKind, path: String) {
        val p = e as? JsonPrimitive
        val number = p?.takeUnless { it.isString }?.content
        when (kind) {
            PrimitiveKind.INT -> integer(e, number, Int.MIN_VALUE.toLong(), Int.MAX_VALUE.toLong(), path)
            PrimitiveKind.LONG -> integer(e, number, Long.MIN_VALUE, Long.MAX_VALUE, path)
            PrimitiveKind.DOUBLE -> {
                val d = number?.let { p.doubleOrNull }
                when {
                    d == null -> fault(path, "expected ${primitiveName(kind)}, got ${kindOf(e)}")
                    !d.isFinite() -> fault(path, "expected a finite number, got $number")
                }
            }
            else -> {
                val ok = when (kind) {
                    PrimitiveKind.STRING -> p != null && p.isString
                    PrimitiveKind.BOOLEAN -> number != null && p.booleanOrNull != null
                    else -> error("no structural check for primitive kind $kind")
                }
                if (!ok) fault(path, "expected ${primitiveName(kind)}, got ${kindOf(e)}")
            }
        }
    }

    private fun integer(e: JsonElement, number: String?, min: Long, max: Long, path: String) {
        if (number == null || !WholeNumbers.isWhole(number)) return fault(path, "expected an integer, got ${kindOf(e)}")
        WholeNumbers.rangeFault(number, min, max)?.let { fault(path, it) }
    }

    private fun enumValue(e: JsonElement, d: SerialDescriptor, path: String) {
        val names = d.elementNames.toList()
        val p = e as? JsonPrimitive
        if (p == null || !p.isString) {
            fault(path, "expected one of ${names.quoted()}, got ${kindOf(e)}")
        } else if (p.content !in names) {
            fault(path, "unknown value '${p.content}'${suggestion(p.content, names)}; expected one of ${names.quoted()}")
        }
    }

    private fun list(e: JsonElement, d: SerialDescriptor, path: String) {
        if (e !is JsonArray) return fault(path, "expected an array, got ${kindOf(e)}")
        val item = d.getElementDescriptor(0)
        e.forEachIndexed { i, x -> visit(x, item, "$path[$i]") }
    }

    /** A map with string keys, written as a JSON object. */
    private fun map(e: JsonElement, d: SerialDescriptor, path: String) {
        if (e !is JsonObject) return fault(path, "expected an object, got ${kindOf(e)}")
        val value = d.getElementDescriptor(1)
        e.forEach { (k, v) -> visit(v, value, "$path.$k") }
    }

    private fun obj(e: JsonElement, d: SerialDescriptor, path: String, ignored: String?) {
        if (e !is JsonObject) return fault(path, "expected an object, got ${kindOf(e)}")
        val known = d.elementNames.toList()
        for ((key, value) in e) {
            if (key == ignored) continue
            val i = d.getElementIndex(key)
            if (i < 0) {
                val expected = if (known.isEmpty()) "it takes no settings" else "expected ${known.quoted()}"
                fault("$path.$key", "unknown key '$key'${suggestion(key, known)}; $expected")
            } else {
                visit(value, d.getElementDescriptor(i), "$path.$key")
            }
        }
        for (i in 0 until d.elementsCount) {
            if (!d.isElementOptional(i) && d.getElementName(i) !in e) {
                fault("$path.${d.getElementName(i)}", "missing; ${what(d)} needs '${d.getElementName(i)}'")
            }
        }
    }

    private fun sealed(e: JsonElement, d: SerialDescriptor, path: String) {
        if (e !is JsonObject) return fault(path, "expected ${withArticle(family(d))} object with a \"$DISCRIMINATOR\", got ${kindOf(e)}")
        val subclasses = d.getElementDescriptor(1)
        val names = subclasses.elementNames.toList()
        val type = e[DISCRIMINATOR]
        when {
            type == null -> fault("$path.$DISCRIMINATOR", "missing; ${withArticle(family(d))} names its type, one of ${names.quoted()}")
            type !is JsonPrimitive || !type.isString ->
                fault("$path.$DISCRIMINATOR", "expected ${withArticle(family(d))} type name, got ${kindOf(type)}")
            type.content !in names ->
                fault(
                    "$path.$DISCRIMINATOR",
                    "unknown ${family(d)} type '${type.content}'${suggestion(type.content, names)}; known: ${names.joinToString(", ")}",
                )
            else -> obj(e, subclasses.getElementDescriptor(names.indexOf(type.content)), path, ignored = DISCRIMINATOR)
        }
    }

    /** "layer" for `polyhead.dsl.spec.LayerSpec`, "parameter selector" for `ParameterSelector`. */
    private fun family(d: SerialDescriptor): String =
        d.serialName.substringAfterLast('.').removeSuffix("Spec")
            .replace(Regex("([a-z])([A-Z])"), "$1 $2").lowercase()

    private fun what(d: SerialDescriptor): String =
        if (d.serialName.contains('.')) withArticle(family(d)) else "'${d.serialName}'"

    private fun expected(d: SerialDescriptor): String = when (val k = d.kind) {
        is PrimitiveKind -> primitiveName(k)
        SerialKind.ENUM -> "one of ${d.elementNames.toList().quoted()}"
        StructureKind.LIST -> "an array"
        StructureKind.MAP -> "an object"
        PolymorphicKind.SEALED -> "${withArticle(family(d))} object"
        else -> "an object"
    }

    private fun primitiveName(kind: PrimitiveKind) = when (kind) {
        PrimitiveKind.STRING -> "a string"
        PrimitiveKind.BOOLEAN -> "true or false"
        PrimitiveKind.INT, PrimitiveKind.LONG -> "an integer"
        else -> "a number"
    }
}

internal fun kindOf(e: JsonElement): String = when (e) {
    is JsonNull -> "null"
    is JsonObject -> "an object"
    is JsonArray -> "an array"
    is JsonPrimitive -> if (e.isString) "the string \"${e.content}\"" else e.content
}

private fun withArticle(noun: String) = (if (noun.first() in "aeiou") "an " else "a ") + noun

private fun List<String>.quoted() = joinToString(", ") { "'$it'" }

/** ", did you mean 'x'?" for the closest known name within two edits, else "". */
internal fun suggestion(name: String, known: Collection<String>): String {
    val best = known.minByOrNull { editDistance(name.lowercase(), it.lowercase()) } ?: return ""
    return if (editDistance(name.lowercase(), best.lowercase()) <= 2) " (did you mean '$best'?)" else ""
}

private fun editDistance(a: String, b: String): Int {
    var prev = IntArray(b.length + 1) { it }
    for (i in 1..a.length) {
        val cur = IntArray(b.length + 1)
        cur[0] = i
        for (j in 1..b.length) {
            cur[j] = minOf(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + if (a[i - 1] == b[j - 1]) 0 else 1)
        }
        prev = cur
    }
    return prev[b.length]
}
