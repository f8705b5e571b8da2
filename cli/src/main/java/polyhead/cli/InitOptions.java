package polyhead.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.WeightImport;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InitialWeightsSpec;
import polyhead.dsl.spec.InitialWeightsSpecKt;
import polyhead.io.FormatException;
import polyhead.io.Json;

/**
 * {@code train}'s options for starting from a safetensors file ({@code --init}, {@code --init-map},
 * {@code --init-lenient}), which replace the spec's {@code initialWeights}; and the recording of the file's SHA-256 in
 * the spec as run, so that the run's {@code spec.json} (and {@code metrics.json}) say which file the weights came from
 * and training again from that spec refuses another file.
 */
final class InitOptions {
    @Option(names = "--init", paramLabel = "FILE", description = {
            "start from the weights of safetensors FILE (e.g. exported from PyTorch) instead of",
            "the spec's initialWeights or seeded draw; the run records FILE and its SHA-256"})
    Path file;

    @Option(names = "--init-map", paramLabel = "JSON", description = {
            "renaming rules from FILE's tensor names to the model's, a JSON object such as",
            "{\"encoder.*\": \"trunk.*\", \"head.weight\": \"heads.item.0.weight\"} (default: same names)"})
    Path map;

    @Option(names = "--init-lenient", description = {
            "load what fits and keep the seeded values of the rest (default: every parameter",
            "needs a value and every tensor of FILE a place)"})
    boolean lenient;

    /** The spec with these options applied, and the initial weights' SHA-256 filled in if it has any. */
    ExperimentSpec apply(ExperimentSpec spec) {
        if (file == null && (map != null || lenient)) {
            throw UserError.usage((map != null ? "--init-map" : "--init-lenient") + " goes with --init FILE");
        }
        ExperimentSpec s = file == null ? spec : InitialWeightsSpecKt.withInitialWeights(spec,
                new InitialWeightsSpec(file.toString(), map == null ? Map.of() : rules(map), !lenient, null));
        InitialWeightsSpec w = s.getInitialWeights();
        if (w == null || w.getSha256() != null) {
            return s; // a recorded hash is checked against the file when the model is built
        }
        String sha;
        try {
            sha = WeightImport.sha256(Path.of(w.getFile()));
        } catch (CheckpointException e) {
            throw UserError.of("initialWeights: " + (Files.exists(Path.of(w.getFile())) ? e.getMessage()
                    : w.getFile() + ": no such file"));
        }
        return InitialWeightsSpecKt.withInitialWeights(s, new InitialWeightsSpec(w.getFile(), w.getMap(),
                w.getStrict(), sha));
    }

    /** Whether any of the options was given. */
    boolean given() {
        return file != null || map != null || lenient;
    }

    /** The rules of a {@code --init-map} file: a JSON object of names. */
    private static Map<String, String> rules(Path f) {
        Object json;
        try {
            json = Json.parse(RunFolder.read(f), f.toString());
        } catch (FormatException e) {
            throw UserError.of(e.getMessage());
        }
        Map<String, String> rules = new LinkedHashMap<>();
        if (json instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String to)) {
                    throw UserError.of(f + ": \"" + e.getKey() + "\": a rule maps a name to a name (a string), got "
                            + Json.write(e.getValue()));
                }
                rules.put((String) e.getKey(), to);
            }
            return rules;
        }
        throw UserError.of(f + ": --init-map takes a JSON object of renaming rules {\"file name\": \"model name\"}");
    }
}
