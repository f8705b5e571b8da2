package polyhead.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import polyhead.checkpoint.WeightImport;
import polyhead.io.FormatException;
import polyhead.io.Safetensors;
import polyhead.nn.Module;
import polyhead.tensor.Tensor;

/**
 * Starting weights for an experiment's model from a safetensors file made elsewhere (e.g. PyTorch's
 * {@code safetensors.torch.save_file(model.state_dict(), …)}), imported by {@link WeightImport} after the model is
 * built (so the seed's draws are those of a run without it) and before training. Immutable; each method returns a
 * changed copy:
 *
 * <pre>{@code InitialWeights.from(Path.of("encoder.safetensors")).map(Map.of("0.*", "trunk.0.*")).strict(false)}</pre>
 *
 * @param file   the safetensors file
 * @param map    renaming rules from the file's names to the model's ({@link WeightImport#rules}: exact names, and
 *               prefix rules ending in {@code *}); a name no rule matches is the model's name as it is
 * @param strict true (the default): every model parameter and buffer gets a value and every tensor of the file lands
 *               somewhere; false: what fits is loaded, the rest keeps its initial value
 * @param sha256 the file's expected SHA-256 (lower-case hex), or null not to check; a run records the actual one
 */
public record InitialWeights(Path file, Map<String, String> map, boolean strict, String sha256) {
    public InitialWeights {
        Objects.requireNonNull(file, "file");
        map = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The weights of {@code file} under the model's own names, strict, unchecked hash. */
    public static InitialWeights from(Path file) {
        return new InitialWeights(file, Map.of(), true, null);
    }

    public InitialWeights map(Map<String, String> rules) {
        return new InitialWeights(file, rules, strict, sha256);
    }

    public InitialWeights strict(boolean on) {
        return new InitialWeights(file, map, on, sha256);
    }

    /** Refuse the file unless its SHA-256 is {@code expected}. */
    public InitialWeights sha256(String expected) {
        return new InitialWeights(file, map, strict, expected);
    }

    /** The faults of the settings alone, each {@code initialWeights.<field>: message}; empty if none. */
    List<String> faults() {
        List<String> faults = new ArrayList<>();
        map.forEach((from, to) -> {
            String f = WeightImport.ruleFault(from, to);
            if (f != null) {
                faults.add("initialWeights.map: " + f);
            }
        });
        if (sha256 != null && sha256Fault(sha256) != null) {
            faults.add("initialWeights.sha256: " + sha256Fault(sha256));
        }
        return faults;
    }

    /** Why {@code sha256} is not a SHA-256 as {@link #sha256(String)} takes it, or null. */
    public static String sha256Fault(String sha256) {
        return sha256.matches("[0-9a-f]{64}") ? null : "64 lower-case hex digits, got '" + sha256 + "'";
    }

    /**
     * Imports the file into {@code model}.
     *
     * @throws IllegalArgumentException one line naming the file and the tensor at fault: an unreadable file, a hash
     *                                  that differs, a rule that matches no tensor of the file or sends one to a name
     *                                  the model lacks, a shape that differs (both shapes), and under strict a model
     *                                  entry without a value or a tensor with no place
     */
    WeightImport.Report apply(Module model) {
        String where = "initialWeights: " + file;
        try {
            if (sha256 != null) {
                String actual = WeightImport.sha256(file);
                if (!actual.equals(sha256)) {
                    throw new IllegalArgumentException(where + ": SHA-256 is " + actual
                            + ", initialWeights.sha256 expects " + sha256 + " (another file than the run's)");
                }
            }
            Map<String, Tensor> tensors = Safetensors.load(file);
            Function<String, String> rules = WeightImport.rules(map);
            Map<String, Tensor> own = model.stateDict();
            for (Map.Entry<String, String> rule : map.entrySet()) {
                String from = rule.getKey();
                List<String> matched = tensors.keySet().stream().filter(n -> from.endsWith("*")
                        ? n.startsWith(from.substring(0, from.length() - 1)) : n.equals(from)).toList();
                if (matched.isEmpty()) {
                    throw new IllegalArgumentException(where + ": initialWeights.map '" + from
                            + "' matches no tensor of the file");
                }
                for (String n : matched) {
                    String to = rules.apply(n);
                    if (!own.containsKey(to)) {
                        throw new IllegalArgumentException(where + ": initialWeights.map sends '" + n + "' to '" + to
                                + "', which the model does not have");
                    }
                }
            }
            return WeightImport.apply(model, tensors, rules, strict, where);
        } catch (FormatException e) { // CheckpointException too
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith(where) ? m
                    : m.startsWith(file.toString()) ? "initialWeights: " + m : where + ": " + m);
        }
    }
}
