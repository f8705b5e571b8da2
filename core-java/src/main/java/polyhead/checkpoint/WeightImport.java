package polyhead.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import polyhead.nn.Module;
import polyhead.tensor.Tensor;
import polyhead.io.FileFaults;
import polyhead.io.Safetensors;

/**
 * Moves weights between a {@link Module} and safetensors files made elsewhere (PyTorch, Hugging Face), where names
 * differ: a mapping takes each name in the file to the module's dotted name ({@code null}: not wanted).
 *
 * <pre>{@code
 * WeightImport.apply(model, Safetensors.load(file), WeightImport.replacePrefix("encoder.", "trunk."), false);
 * WeightImport.export(model, Path.of("model.safetensors"));
 * }</pre>
 *
 * <p>Shapes must match exactly (no transposing: PyTorch's {@code Linear.weight} is {@code [out, in]}, as is
 * Polyhead's). An import is all or nothing: every fault is found before any value is copied.
 */
public final class WeightImport {
    private WeightImport() {
    }

    /**
     * What an import did.
     *
     * @param loaded        module entries that received a value, in the module's order
     * @param unused        source tensors that went nowhere (mapped to null, or, in a lenient import, to a name the
     *                      module does not have)
     * @param notLoaded     module entries left as they were (always empty for a strict import)
     */
    public record Report(List<String> loaded, List<String> unused, List<String> notLoaded) {
        public Report {
            loaded = List.copyOf(loaded);
            unused = List.copyOf(unused);
            notLoaded = List.copyOf(notLoaded);
        }
    }

    /** Reads {@code file} and imports it; see {@link #apply(Module, Map, Function, boolean, String)}. */
    public static Report apply(Module module, Path file, Function<String, String> mapping, boolean strict) {
        return apply(module, Safetensors.load(file), mapping, strict, file.toString());
    }

    /** {@link #apply(Module, Map, Function, boolean, String)} with the source named "weights". */
    public static Report apply(Module module, Map<String, Tensor> source, Function<String, String> mapping,
            boolean strict) {
        return apply(module, source, mapping, strict, "weights");
    }

    /**
     * Copies {@code source} tensors into {@code module}'s parameters and buffers, each to the entry named
     * {@code mapping.apply(sourceName)}.
     *
     * <p>Strict: every module entry must receive a value and every source tensor that is mapped (not to null) must
     * land on a module entry. Lenient: what fits is loaded, the rest reported. Both refuse, naming the tensors, two
     * source tensors mapped to one entry and a shape that differs from the entry's (both shapes given). Errors are
     * {@link CheckpointException}s that start with {@code sourceName}.
     */
    public static Report apply(Module module, Map<String, Tensor> source, Function<String, String> mapping,
            boolean strict, String sourceName) {
        Objects.requireNonNull(mapping, "mapping");
        Map<String, Tensor> own = module.stateDict();
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        List<String> unused = new ArrayList<>();
        List<String> misshapen = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : source.entrySet()) {
            String target = mapping.apply(e.getKey());
            if (target == null) {
                unused.add(e.getKey());
                continue;
            }
            String label = target.equals(e.getKey()) ? "'" + target + "'"
                    : "'" + e.getKey() + "' (for '" + target + "')";
            Tensor dst = own.get(target);
            if (dst == null) {
                unknown.add(label);
                unused.add(e.getKey());
                continue;
            }
            if (from.containsKey(target)) {
                throw new CheckpointException(sourceName + ": '" + from.get(target) + "' and '" + e.getKey()
                        + "' both map to the module's '" + target + "'");
            }
            if (!dst.shape().equals(e.getValue().shape())) {
                misshapen.add(label + " has shape " + e.getValue().shape() + " but the module's is " + dst.shape());
            }
            from.put(target, e.getKey());
            targets.put(target, e.getValue());
        }
        if (!misshapen.isEmpty()) {
            throw new CheckpointException(sourceName + ": shapes differ: " + StateFit.list(misshapen));
        }
        List<String> notLoaded = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            if (!targets.containsKey(e.getKey())) {
                notLoaded.add(e.getKey());
            }
        }
        if (strict && (!unknown.isEmpty() || !notLoaded.isEmpty())) {
            List<String> parts = new ArrayList<>();
            if (!notLoaded.isEmpty()) {
                List<String> described = new ArrayList<>();
                notLoaded.forEach(n -> described.add("'" + n + "' " + own.get(n).shape()));
                parts.add("no value for the module's " + StateFit.list(described));
            }
            if (!unknown.isEmpty()) {
                parts.add("the module has no " + StateFit.list(unknown));
            }
            throw new CheckpointException(sourceName + ": strict import: " + String.join("; ", parts));
        }
        List<String> loaded = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor t = targets.get(e.getKey());
            if (t != null) {
                e.getValue().copyFrom(t);
                loaded.add(e.getKey());
            }
        }
        return new Report(loaded, unused, notLoaded);
    }

    /** A mapping by a table from source name to module name; names not in the table map to themselves. */
    public static Function<String, String> rename(Map<String, String> table) {
        Map<String, String> copy = new LinkedHashMap<>(table);
        return name -> copy.getOrDefault(name, name);
    }

    /**
     * A mapping by rules from source name to module name: an exact name ({@code "0.weight": "trunk.0.weight"}), or a
     * prefix rule whose key and value both end in {@code *} ({@code "encoder.*": "trunk.*"} replaces the prefix). An
     * exact rule wins over prefix rules, a longer prefix over a shorter; a name no rule matches maps to itself.
     *
     * @throws IllegalArgumentException naming the rule if a {@code *} is anywhere but at the end of both sides
     */
    public static Function<String, String> rules(Map<String, String> rules) {
        Map<String, String> exact = new LinkedHashMap<>();
        List<Map.Entry<String, String>> prefixes = new ArrayList<>();
        rules.forEach((from, to) -> {
            String fault = ruleFault(from, to);
            if (fault != null) {
                throw new IllegalArgumentException(fault);
            }
            if (from.endsWith("*")) {
                prefixes.add(Map.entry(from.substring(0, from.length() - 1), to.substring(0, to.length() - 1)));
            } else {
                exact.put(from, to);
            }
        });
        prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
        return name -> {
            String to = exact.get(name);
            if (to != null) {
                return to;
            }
            for (Map.Entry<String, String> p : prefixes) {
                if (name.startsWith(p.getKey())) {
                    return p.getValue() + name.substring(p.getKey().length());
                }
            }
            return name;
        };
    }

    /** What is wrong with the rule {@code from → to} of {@link #rules}, or null: the one statement of the rule. */
    public static String ruleFault(String from, String to) {
        if (from.isEmpty() || to.isEmpty()) {
            return "'" + from + "' → '" + to + "': a name must not be empty";
        }
        boolean star = from.endsWith("*");
        if (star != to.endsWith("*") || stars(from) != (star ? 1 : 0) || stars(to) != (star ? 1 : 0)) {
            return "'" + from + "' → '" + to + "': a prefix rule ends both names with '*' (\"encoder.*\": \"trunk.*\"), "
                    + "and '*' goes nowhere else";
        }
        return null;
    }

    private static long stars(String name) {
        return name.chars().filter(c -> c == '*').count();
    }

    /** The SHA-256 of {@code file} in lower-case hex, as a run records where its initial weights came from. */
    public static String sha256(Path file) {
        try {
            return Checkpoints.sha256(file);
        } catch (java.io.IOException e) {
            throw new CheckpointException(FileFaults.reading(file, e), e);
        }
    }

    /**
     * A mapping that replaces the prefix {@code from} by {@code to}; names without the prefix map to themselves.
     * Combine mappings with {@code andThen}, guarding null where a step may drop a name.
     */
    public static Function<String, String> replacePrefix(String from, String to) {
        return name -> name.startsWith(from) ? to + name.substring(from.length()) : name;
    }

    /** The identity mapping: names in the file are the module's names. */
    public static Function<String, String> sameNames() {
        return Function.identity();
    }

    /**
     * Writes {@code module}'s state dict (parameters and buffers, by dotted name, in registration order) to
     * {@code file} as F32 safetensors with {@code __metadata__ {"format": "pt"}}, which PyTorch's
     * {@code safetensors.torch.load_file} reads; atomically replaces the file.
     */
    public static void export(Module module, Path file) {
        Safetensors.write(file, module.stateDict(), Map.of("format", "pt"));
    }
}
