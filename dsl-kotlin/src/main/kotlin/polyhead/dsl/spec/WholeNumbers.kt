package polyhead.dsl.spec

import java.math.BigInteger

/**
 * Whole numbers read exactly from their text, for spec fields ([SchemaCheck]) and command-line options alike: the
 * text is an optional `-` and ASCII digits, nothing else (no `+`, no exponent, no fraction), and its value, however
 * many digits it has, is compared with the range the field allows before it is converted. The readers of
 * kotlinx.serialization and `Long.parseLong`-style casts either wrap a value beyond 64 bits (2^64+5 reads as 5) or
 * cut a long to an int; nothing here does either.
 */
object WholeNumbers {
    private val SYNTAX = Regex("-?[0-9]+")

    /** Whether [text] is written as a whole number: an optional `-` and ASCII digits. */
    @JvmStatic
    fun isWhole(text: String): Boolean = SYNTAX.matches(text)

    /**
     * For a [text] that [isWhole]: null when its value lies in [min]..[max], else the fault naming the value as
     * written, "18446744073709551621 is out of range (at most 2147483647)".
     */
    @JvmStatic
    fun rangeFault(text: String, min: Long, max: Long): String? {
        val value = BigInteger(text)
        return when {
            value > BigInteger.valueOf(max) -> "$text is out of range (at most $max)"
            value < BigInteger.valueOf(min) -> "$text is out of range (at least $min)"
            else -> null
        }
    }

    /**
     * The value of [text], a whole number in [min]..[max].
     *
     * @throws IllegalArgumentException with a one-line message naming the text as written when it is not a whole
     *   number ("'1e3' is not a whole number") or lies outside the range
     */
    @JvmStatic
    fun parse(text: String, min: Long, max: Long): Long {
        require(isWhole(text)) { "'$text' is not a whole number" }
        rangeFault(text, min, max)?.let { throw IllegalArgumentException(it) }
        return text.toLong()
    }
}
