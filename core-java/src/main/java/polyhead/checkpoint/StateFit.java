package polyhead.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/** Compares stored tensors with a module's state dict by name and shape, describing every difference in one line. */
final class StateFit {
    /** How many names each part of a description lists before it says how many more there are. */
    private static final int SHOWN = 8;

    private StateFit() {
    }

    /**
     * Null if {@code stored} has exactly the names of {@code target} with the same shapes; otherwise e.g.
     * {@code missing from the checkpoint: 'heads.c.weight' [4, 50]; not in the model: 'heads.d.weight' [4, 50];
     * 'trunk.0.weight' is [10, 5] in the checkpoint but [10, 4] in the model}.
     */
    static String describe(Map<String, Tensor> stored, Map<String, Tensor> target, String storedName,
            String targetName) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misshapen = new ArrayList<>();
        target.forEach((k, t) -> {
            Tensor s = stored.get(k);
            if (s == null) {
                missing.add("'" + k + "' " + t.shape());
            } else if (!s.shape().equals(t.shape())) {
                misshapen.add("'" + k + "' is " + s.shape() + " in " + storedName + " but " + t.shape() + " in "
                        + targetName);
            }
        });
        stored.forEach((k, s) -> {
            if (!target.containsKey(k)) {
                unexpected.add("'" + k + "' " + s.shape());
            }
        });
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing from " + storedName + ": " + list(missing));
        }
        if (!unexpected.isEmpty()) {
            parts.add("not in " + targetName + ": " + list(unexpected));
        }
        if (!misshapen.isEmpty()) {
            parts.add(list(misshapen));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    static String list(List<String> items) {
        if (items.size() <= SHOWN) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, SHOWN)) + " and " + (items.size() - SHOWN) + " more";
    }
}
