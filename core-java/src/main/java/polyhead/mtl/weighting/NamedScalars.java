package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * State dicts of strategies whose state is a few numbers per task: entries {@code prefix + "." + task} holding
 * scalar tensors. Values are kept as float by the strategies, so a saved state restores them exactly.
 */
final class NamedScalars {
    private NamedScalars() {
    }

    /** Adds {@code prefix.task → value} for every entry of {@code values} to {@code state}. */
    static void put(Map<String, Tensor> state, String prefix, Map<String, Float> values) {
        for (Map.Entry<String, Float> e : values.entrySet()) {
            state.put(prefix + "." + e.getKey(), Tensor.scalar(e.getValue()));
        }
    }

    /**
     * Splits a state dict into one map per prefix (task → value), in {@code prefixes} order. Fails naming
     * {@code strategy} on a key with another prefix, a value that is not one element, or a non-finite value.
     */
    static Map<String, Map<String, Float>> read(String strategy, Map<String, Tensor> state, String... prefixes) {
        Map<String, Map<String, Float>> out = new LinkedHashMap<>();
        for (String p : prefixes) {
            out.put(p, new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            if (dot < 0 || dot == key.length() - 1 || !out.containsKey(prefix)) {
                throw new IllegalArgumentException(strategy + ": unexpected state entry '" + key + "' (expected "
                        + String.join(".<task>, ", prefixes) + ".<task>)");
            }
            out.get(prefix).put(key.substring(dot + 1), value(strategy, key, e.getValue()));
        }
        return out;
    }

    /** The single float of a one-element tensor, checked. */
    static float value(String strategy, String key, Tensor t) {
        if (t == null || t.size() != 1) {
            throw new IllegalArgumentException(strategy + ": state entry '" + key + "' must hold one value, got "
                    + (t == null ? "null" : "shape " + t.shape()));
        }
        float v = t.data()[0];
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(strategy + ": state entry '" + key + "' is not finite (" + v + ")");
        }
        return v;
    }

    /** The values as doubles, in their order: a strategy's public copy of its per-task state. */
    static Map<String, Double> doubles(Map<String, Float> values) {
        Map<String, Double> r = new LinkedHashMap<>();
        values.forEach((k, v) -> r.put(k, v.doubleValue()));
        return r;
    }

    /**
     * The counter of a part {@link #read} returned for {@code prefix}: its one entry {@code prefix.count}, a whole
     * number &ge; 0; fails naming {@code strategy} otherwise.
     */
    static long count(String strategy, String prefix, Map<String, Float> part) {
        Float c = part.get("count");
        if (part.size() != 1 || c == null || c < 0 || c != Math.rint(c)) {
            throw new IllegalArgumentException(strategy + ": state needs one entry " + prefix
                    + ".count holding a whole number >= 0, got " + part);
        }
        return (long) (float) c;
    }
}
