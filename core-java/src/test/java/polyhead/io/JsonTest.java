package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;


class JsonTest {
    static String fault(String text) {
        return assertThrows(FormatException.class, () -> Json.parse(text, "f.json")).getMessage();
    }

    @Test
    void parsesEveryKindKeepingKeyOrderAndIntegerExactness() {
        Object v = Json.parse(" {\"b\": [1, -0, 9223372036854775807, 9223372036854775808, 1.5, -2e-3, 0.0],"
                + " \"a\": {\"t\": true, \"f\": false, \"n\": null, \"s\": \"\\u00e9\\n\\\"\\\\/\\ud83d\\ude00\"}} ",
                "f.json");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a"), new ArrayList<>(m.keySet()));
        assertEquals(Arrays.asList(1L, 0L, Long.MAX_VALUE, 9.223372036854775808E18, 1.5, -2e-3, 0.0), m.get("b"));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("t", true);
        a.put("f", false);
        a.put("n", null);
        a.put("s", "é\n\"\\/😀");
        assertEquals(a, m.get("a"));
    }

    @Test
    void readsPythonNonFiniteTokensOnlyWhenAskedTo() {
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1L),
                Json.parseWithNonFiniteTokens("[NaN, Infinity, -Infinity, -1]", "f.json"));
        assertEquals("f.json: malformed JSON at offset 1 (line 1, column 2): unexpected 'I', expected a value",
                fault("[Infinity]"));
        assertEquals("f.json: malformed JSON at offset 2 (line 1, column 3): expected a digit", fault("[-Infinity]"));
    }

    @Test
    void faultsNameOffsetLineAndColumn() {
        assertEquals("f.json: malformed JSON at offset 0 (line 1, column 1): unexpected end of input, expected a "
                + "value", fault(""));
        assertEquals("f.json: malformed JSON at offset 11 (line 2, column 4): unexpected ']', expected a value",
                fault("{\"a\": [\n1, ]}"));
        assertEquals("f.json: malformed JSON at offset 1 (line 1, column 2): unexpected \"'\", expected a string "
                + "key", fault("{'a': 1}"));
        assertEquals("f.json: malformed JSON at offset 0 (line 1, column 1): unexpected 'N', expected a value",
                fault("NaN"));
        assertEquals("f.json: malformed JSON at offset 1 (line 1, column 2): expected a digit", fault("-"));
        assertEquals("f.json: malformed JSON at offset 0 (line 1, column 1): number 1e400 is beyond the range of a "
                + "double", fault("1e400"));
        assertEquals("f.json: malformed JSON at offset 4 (line 1, column 5): unexpected '/' after the value",
                fault("[1] // comment"));
        assertEquals("f.json: malformed JSON at offset 9 (line 1, column 10): duplicate key \"a\"",
                fault("{\"a\": 1, \"a\": 2}"));
        assertEquals("f.json: malformed JSON at offset 2 (line 1, column 3): control character U+000A in a string",
                fault("[\"\n\"]"));
        assertEquals("f.json: malformed JSON at offset 5 (line 1, column 6): a \\u escape needs four hexadecimal "
                + "digits", fault("\"\\u12\""));
        assertEquals("f.json: malformed JSON at offset 1 (line 1, column 2): invalid escape '\\x'", fault("\"\\x\""));
        assertEquals("f.json: malformed JSON at offset 128 (line 1, column 129): nesting deeper than 128 levels",
                fault("[".repeat(129) + "]".repeat(129)));
    }

    @Test
    void writesCompactAndPrettyJsonThatReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", List.of(2L, 3L));
        m.put("x", 0.1);
        m.put("neg", -0.0);
        m.put("s", "tab\t\u0001 \"q\" \\ ✓ \ud800");
        m.put("empty", Map.of());
        m.put("list", List.of(Map.of("k", true), "v"));
        m.put("nothing", null);
        String compact = Json.write(m);
        assertEquals("{\"shape\":[2,3],\"x\":0.1,\"neg\":-0.0,\"s\":\"tab\\t\\u0001 \\\"q\\\" \\\\ ✓ "
                + "\\ud800\",\"empty\":{},\"list\":[{\"k\":true},\"v\"],\"nothing\":null}", compact);
        assertEquals(m, Json.parse(compact, "c"));
        String pretty = Json.pretty(m);
        assertEquals(m, Json.parse(pretty, "p"));
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("a", List.of(1, 2));
        small.put("b", List.of("x"));
        assertEquals("{\n  \"a\": [1, 2],\n  \"b\": [\n    \"x\"\n  ]\n}\n", Json.pretty(small));
        assertEquals("[1.5,0.1,7]", Json.write(List.of(1.5f, 0.1f, 7)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void everyDoubleSurvivesAWriteAndRead() {
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < 10000; i++) {
            double d = Double.longBitsToDouble(rng.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            Object back = Json.parse(Json.write(List.of(d)), "d");
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) ((List<?>) back).get(0)));
        }
    }
}
