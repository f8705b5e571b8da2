package polyhead.dsl.spec

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.math.BigInteger

/**
 * Whole numbers are read exactly: the values kotlinx.serialization's own reading and casts to int wrap or cut
 * (2^31, 2^63, 2^64+1, 2^64+5) are out of range, named as written; only an optional '-' and ASCII digits are whole.
 */
class WholeNumbersTest : FunSpec({
    val two = BigInteger.TWO
    val intMax = Int.MAX_VALUE.toLong()
    val intMin = Int.MIN_VALUE.toLong()

    test("values at and beyond the ends of int and long") {
        WholeNumbers.parse("2147483647", intMin, intMax) shouldBe intMax
        WholeNumbers.parse("-2147483648", intMin, intMax) shouldBe intMin
        WholeNumbers.parse("007", 0, 10) shouldBe 7L
        for (text in listOf(two.pow(31), two.pow(63), two.pow(64) + BigInteger.ONE, two.pow(64) + BigInteger.valueOf(5)).map { it.toString() }) {
            WholeNumbers.rangeFault(text, intMin, intMax) shouldBe "$text is out of range (at most 2147483647)"
        }
        WholeNumbers.rangeFault("9223372036854775807", Long.MIN_VALUE, Long.MAX_VALUE) shouldBe null
        WholeNumbers.rangeFault("9223372036854775808", Long.MIN_VALUE, Long.MAX_VALUE) shouldBe
            "9223372036854775808 is out of range (at most 9223372036854775807)"
        WholeNumbers.rangeFault("-9223372036854775809", Long.MIN_VALUE, Long.MAX_VALUE) shouldBe
            "-9223372036854775809 is out of range (at least -9223372036854775808)"
        shouldThrow<IllegalArgumentException> { WholeNumbers.parse("-2147483649", intMin, intMax) }.message shouldBe
            "-2147483649 is out of range (at least -2147483648)"
    }

    test("only an optional minus and ASCII digits are a whole number") {
        for (text in listOf("+5", "1e3", "4.0", "", "-", " 5", "5 ", "0x10", "\u0661\u0662", "NaN")) {
            WholeNumbers.isWhole(text) shouldBe false
            shouldThrow<IllegalArgumentException> { WholeNumbers.parse(text, intMin, intMax) }.message shouldBe
                "'$text' is not a whole number"
        }
    }

    test("a spec's integer beyond 64 bits is one fault at its path, not a wrapped value") {
        val spec = SpecJson.encode(polyhead.dsl.ReferenceSpecs.design)
        val text = spec.replaceFirst(Regex("\"epochs\": \\d+"), "\"epochs\": 18446744073709551617")
        (SpecJson.decode(text) as SpecResult.Failed).errors.map { it.toString() } shouldBe
            listOf("\$.training.epochs: 18446744073709551617 is out of range (at most 2147483647)")
    }
})
