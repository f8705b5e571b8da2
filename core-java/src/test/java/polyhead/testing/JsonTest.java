package polyhead.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5, 3e+01, 1E-2, 0], \"b\": {\"c\": \"x\\\"y\\n\\u00e9\"},"
                + " \"t\": true, \"f\": false, \"n\": null, \"e\": [], \"o\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "t", "f", "n", "e", "o"), List.copyOf(m.keySet()));
        assertEquals(List.of(1.0, -2.5, 30.0, 0.01, 0.0), m.get("a"));
        assertEquals("x\"y\né", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(List.of(), m.get("e"));
        assertEquals(Map.of(), m.get("o"));
    }

    @Test
    void readsPythonNonFiniteTokens() {
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                Json.parse("[NaN, Infinity, -Infinity]"));
    }

    @Test
    void numbersRoundTripExactly() {
        assertEquals(0.1 + 0.2, Json.parse("0.30000000000000004"));
        assertEquals((double) 3.4028235e38f, Json.parse("3.4028234663852886e+38"));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "[01]", "[1.]", "[-]", "\"abc",
                "[1] 2", "{\"a\":1,\"a\":2}", "tru", "[\"\\x\"]", "{1:2}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("at offset"), e.getMessage());
        }
    }
}
