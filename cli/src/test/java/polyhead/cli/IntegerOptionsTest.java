package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Integer options are read exactly: a value beyond the option's range (an int for {@code --epochs}, a long for the
 * seeds and {@code --limit}) or not written as a whole number is one line naming the option and the value as written,
 * exit code 2 like any malformed option; nothing wraps ({@code --epochs 99999999999} once started 1,215,752,191
 * epochs, {@code --epochs 2147483648} was reported as a spec fault with -2147483648).
 */
class IntegerOptionsTest {
    private static void assertMalformed(String expected, String... args) {
        PolyheadTest.Result r = PolyheadTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("error: " + expected, r.err().strip().lines().findFirst().orElse(""), r.err());
    }

    @Test
    void valuesBeyondTheRangeOfTheOptionAreNamedAsWritten() {
        assertMalformed("option --epochs: 2147483648 is out of range (at most 2147483647)",
                "train", "--epochs", "2147483648", "spec.json");
        assertMalformed("option --epochs: 99999999999 is out of range (at most 2147483647)",
                "train", "--epochs", "99999999999", "spec.json");
        assertMalformed("option --seed: 9223372036854775808 is out of range (at most 9223372036854775807)",
                "train", "--seed", "9223372036854775808", "spec.json");
        assertMalformed("option --limit: 18446744073709551617 is out of range (at most 9223372036854775807)",
                "train", "--limit", "18446744073709551617", "spec.json");
        assertMalformed("option --data-seed: -9223372036854775809 is out of range (at least -9223372036854775808)",
                "train", "--data-seed=-9223372036854775809", "spec.json");
        assertMalformed("option --limit: 18446744073709551617 is out of range (at most 9223372036854775807)",
                "evaluate", "--limit", "18446744073709551617", "run");
        assertMalformed("option --threads: 2147483648 is out of range (at most 2147483647)",
                "bench", "--threads", "2147483648");
    }

    @Test
    void onlyDigitsAfterAnOptionalMinusAreWholeNumbers() {
        assertMalformed("option --epochs: '+5' is not a whole number", "train", "--epochs", "+5", "spec.json");
        assertMalformed("option --epochs: '1e3' is not a whole number", "train", "--epochs", "1e3", "spec.json");
        assertMalformed("option --seed: '4.0' is not a whole number", "train", "--seed", "4.0", "spec.json");
        assertMalformed("option --limit: '\u0661\u0662' is not a whole number",
                "train", "--limit", "\u0661\u0662", "spec.json");
    }

    @Test
    void negativeValuesWhereNoneIsAllowed() {
        assertMalformed("option --epochs must be at least 1, got -1", "train", "--epochs=-1", "spec.json");
        assertMalformed("option --limit must be at least 1, got -2147483648",
                "train", "--limit=-2147483648", "spec.json");
    }
}
