package polyhead.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import polyhead.io.Json;

/**
 * Typed, checked access to the fields of a parsed JSON object; errors are {@link CheckpointException}s naming the
 * source and the field's path. Doubles may be numbers or the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}, which is how {@link #encode(double)} stores non-finite values that JSON cannot hold.
 */
final class JsonFields {
    private final Map<?, ?> map;
    private final String source;
    private final String path;

    private JsonFields(Map<?, ?> map, String source, String path) {
        this.map = map;
        this.source = source;
        this.path = path;
    }

    static JsonFields of(Object value, String source) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException(source + ": expected a JSON object at the top level");
        }
        return new JsonFields(m, source, "");
    }

    /** A double as JSON can hold it: the number itself, or a string for NaN and the infinities. */
    static Object encode(double v) {
        return Double.isFinite(v) ? (Object) v : Double.toString(v);
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    private Object required(String key) {
        if (!map.containsKey(key)) {
            throw fault(key, "is missing");
        }
        return map.get(key);
    }

    /** The field {@code key} as a value of {@code type}, or a fault saying it {@code mustBe} that. */
    private <T> T typed(String key, Class<T> type, String mustBe) {
        Object v = required(key);
        if (!type.isInstance(v)) {
            throw fault(key, "must be " + mustBe + ", got " + Json.write(v));
        }
        return type.cast(v);
    }

    String string(String key) {
        return typed(key, String.class, "a string");
    }

    /** A string, or null where the field is absent or null. */
    String optionalString(String key) {
        return map.get(key) == null ? null : string(key);
    }

    /** An object as parsed (string keys), or null where the field is absent or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> optionalObject(String key) {
        return map.get(key) == null ? null : (Map<String, Object>) typed(key, Map.class, "an object");
    }

    long integer(String key) {
        return typed(key, Long.class, "an integer");
    }

    long nonNegative(String key) {
        long v = integer(key);
        if (v < 0) {
            throw fault(key, "must be >= 0, got " + v);
        }
        return v;
    }

    JsonFields object(String key) {
        return new JsonFields(typed(key, Map.class, "an object"), source, name(key) + ".");
    }

    List<?> list(String key) {
        return typed(key, List.class, "a list");
    }

    /** Every field of the object at {@code key} as an integer. */
    Map<String, Long> integers(String key) {
        JsonFields o = object(key);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Object k : o.map.keySet()) {
            out.put((String) k, o.integer((String) k));
        }
        return out;
    }

    /** Every field of the object at {@code key} as a double. */
    Map<String, Double> doubles(String key) {
        return object(key).allDoubles();
    }

    Map<String, Double> allDoubles() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Object k : map.keySet()) {
            out.put((String) k, dbl((String) k));
        }
        return out;
    }

    double dbl(String key) {
        Object v = required(key);
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s) {
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw fault(key, "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + Json.write(v));
    }

    /** The object at index {@code i} of a list read by {@link #list}. */
    JsonFields element(String key, List<?> list, int i) {
        Object v = list.get(i);
        if (!(v instanceof Map<?, ?> m)) {
            throw new CheckpointException(source + ": " + name(key) + "[" + i + "] must be an object, got "
                    + Json.write(v));
        }
        return new JsonFields(m, source, name(key) + "[" + i + "].");
    }

    Iterable<String> keys() {
        return map.keySet().stream().map(k -> (String) k).toList();
    }

    private String name(String key) {
        return path + key;
    }

    CheckpointException fault(String key, String what) {
        return new CheckpointException(source + ": field '" + name(key) + "' " + what);
    }
}
