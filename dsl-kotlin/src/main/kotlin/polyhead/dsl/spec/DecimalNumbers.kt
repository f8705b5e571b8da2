package polyhead.dsl.spec

import java.math.BigDecimal

/**
 * Decimal numbers read from their text for command-line options (`--rho 0.5`, a sample's `--lr 1e-3`), as
 * [WholeNumbers] reads integers: the text is an optional `-`, digits with at most one `.`, and an optional exponent
 * (`1e-3`, `2.5E4`), nothing else (no `NaN`, `Infinity`, hexadecimal or `1d`, which `Double.parseDouble` accepts),
 * and its exact value is compared with the range the option allows before it is converted, so that a fault names
 * the value as written (`1e309 is out of range (at most 1.7976931348623157E+308)`, `1.5 is out of range (at most
 * 1)`).
 */
object DecimalNumbers {
    private val SYNTAX = Regex("-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")
    private val NON_FINITE = Regex("[-+]?(nan|inf|infinity)", RegexOption.IGNORE_CASE)

    /** The value of [text], a finite decimal number. */
    @JvmStatic
    fun parse(text: String): Double = parse(text, -Double.MAX_VALUE, Double.MAX_VALUE)

    /**
     * The value of [text], a decimal number in [min]..[max] (both included).
     *
     * @throws IllegalArgumentException with a one-line message naming the text as written when it is not a decimal
     *   number ("'abc' is not a number", "'NaN' is not a finite number") or lies outside the range
     */
    @JvmStatic
    fun parse(text: String, min: Double, max: Double): Double {
        require(!NON_FINITE.matches(text.trim())) { "'$text' is not a finite number" }
        require(SYNTAX.matches(text)) { "'$text' is not a number" }
        val value = BigDecimal(text)
        require(value <= BigDecimal.valueOf(max)) { "$text is out of range (at most ${written(max)})" }
        require(value >= BigDecimal.valueOf(min)) { "$text is out of range (at least ${written(min)})" }
        val double = text.toDouble() // as BigDecimal rounds it, with the sign of -0 kept
        require(double != 0.0 || value.signum() == 0) { "$text is too close to 0 to be represented" }
        return double
    }

    /** [parse] for an option that must be greater than 0 (a learning rate, a scale). */
    @JvmStatic
    fun positive(text: String): Double {
        val value = parse(text)
        require(value > 0) { "$text is out of range (must be greater than 0)" }
        return value
    }

    private fun written(bound: Double): String = BigDecimal.valueOf(bound).stripTrailingZeros().let {
        if (it.abs() >= BigDecimal("1e21")) it.toString() else it.toPlainString()
    }
}
