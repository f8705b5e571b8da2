package polyhead.dsl.spec

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/**
 * Decimal options are read from their text: NaN, the infinities, a value beyond a double (1e309) or below its
 * smallest step (1e-400), and a value outside the option's range are refused, named as written; only plain decimal
 * notation is a number (no hexadecimal, no '1d' suffix, no surrounding blanks, which Double.parseDouble accepts).
 */
class DecimalNumbersTest : FunSpec({
    fun fault(text: String, min: Double = -Double.MAX_VALUE, max: Double = Double.MAX_VALUE) =
        shouldThrow<IllegalArgumentException> { DecimalNumbers.parse(text, min, max) }.message

    test("plain decimal notation reads as Double.parseDouble reads it") {
        val plain = listOf("0", "-0", "0.5", ".5", "5.", "-1", "1e-3", "2.5E4", "1e+2", "007.25", "123456789.123456789")
        for (text in plain) {
            DecimalNumbers.parse(text) shouldBe text.toDouble()
        }
        DecimalNumbers.parse("1.7976931348623157E308") shouldBe Double.MAX_VALUE
    }

    test("NaN and the infinities, in any spelling, are not finite numbers") {
        for (text in listOf("NaN", "nan", "-NaN", "Infinity", "-Infinity", "+Infinity", "inf", "-Inf")) {
            fault(text) shouldBe "'$text' is not a finite number"
        }
    }

    test("other spellings Double.parseDouble accepts are not numbers") {
        for (text in listOf("0x1p3", "1d", "2f", " 1", "1 ", "+1", "", "-", ".", "e5", "1e", "1,5", "\u0661")) {
            fault(text) shouldBe "'$text' is not a number"
        }
    }

    test("values beyond a double or the option's range are named as written") {
        fault("1e309") shouldBe "1e309 is out of range (at most 1.7976931348623157E+308)"
        fault("-1e309") shouldBe "-1e309 is out of range (at least -1.7976931348623157E+308)"
        fault("1e-400") shouldBe "1e-400 is too close to 0 to be represented"
        fault("1.5", -1.0, 1.0) shouldBe "1.5 is out of range (at most 1)"
        fault("-1.0000000000000000001", -1.0, 1.0) shouldBe
            "-1.0000000000000000001 is out of range (at least -1)"
        DecimalNumbers.parse("1.0", -1.0, 1.0) shouldBe 1.0
        DecimalNumbers.parse("-1", -1.0, 1.0) shouldBe -1.0
        fault("0.5", 0.0, 0.25) shouldBe "0.5 is out of range (at most 0.25)"
    }

    test("a positive option refuses 0 and negative values as written") {
        DecimalNumbers.positive("1e-3") shouldBe 1e-3
        for (text in listOf("0", "-0.0", "-1e-3")) {
            shouldThrow<IllegalArgumentException> { DecimalNumbers.positive(text) }.message shouldBe
                "$text is out of range (must be greater than 0)"
        }
        shouldThrow<IllegalArgumentException> { DecimalNumbers.positive("NaN") }.message shouldBe
            "'NaN' is not a finite number"
    }
})
