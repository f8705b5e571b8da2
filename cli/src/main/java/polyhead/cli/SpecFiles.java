package polyhead.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.script.ScriptFault;
import polyhead.dsl.script.ScriptResult;
import polyhead.dsl.script.SpecScripts;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecError;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;
import polyhead.io.TextFiles;

/**
 * Reads a spec file — a JSON spec, or a Kotlin script ({@code *.kts}) whose last expression is {@code multiTask { ... }}
 * — through syntax, structure and every semantic check, each fault as one line: {@code path: message} for the spec,
 * {@code file:line:column: message} for the script. A script runs isolated ({@link SpecScripts#runIsolated}): in a
 * JVM of its own, within a time limit; it cannot end the tool.
 */
final class SpecFiles {
    /** The name under which a run folder keeps the script that produced its spec. */
    static final String SCRIPT_COPY = "spec.kts";

    private SpecFiles() {
    }

    /** Whether {@code file} is a Kotlin script (by its name) rather than a JSON spec. */
    static boolean isScript(Path file) {
        return file.getFileName().toString().endsWith(".kts");
    }

    /** The file's name without {@code .json} or {@code .kts}: {@code specs/fashion.kts} is {@code fashion}. */
    static String baseName(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(json|kts)$", "");
    }

    /** Keeps a script's text in the run folder, next to the {@code spec.json} it produced; a JSON spec needs nothing. */
    static void keepScript(Path file, String text, Path runFolder) {
        if (isScript(file)) {
            OutputFiles.write(runFolder.resolve(SCRIPT_COPY), text);
        }
    }

    /**
     * The spec's text ({@link TextFiles}: UTF-8, a byte-order mark dropped); a missing or unreadable file, or one in
     * another encoding, is a {@link polyhead.io.FormatException} naming the file.
     */
    static String text(Path file) {
        return TextFiles.read(file);
    }

    /**
     * The valid spec in {@code text}, or a user error listing all of its faults. A script is run first, within
     * {@code scriptTimeout}; the spec it yields is then read back from its JSON form, so it passes exactly the checks
     * a JSON spec passes.
     */
    static ExperimentSpec load(Path file, String text, Duration scriptTimeout) {
        SpecResult r = SpecCompiler.INSTANCE.load(isScript(file)
                ? SpecJson.INSTANCE.encode(runScript(file, text, scriptTimeout)) : text);
        if (r instanceof SpecResult.Ok ok) {
            return ok.getSpec();
        }
        throw faults(file, ((SpecResult.Failed) r).getErrors());
    }

    /** A spec the tool recorded (a run's {@code spec.json}, a checkpoint's): JSON, never a script. */
    static ExperimentSpec loadRecorded(Path file, String text) {
        if (isScript(file)) {
            throw new IllegalArgumentException(file + " is a script, not a recorded spec");
        }
        return load(file, text, null);
    }

    private static ExperimentSpec runScript(Path file, String text, Duration timeout) {
        ScriptResult r = SpecScripts.INSTANCE.runIsolated(text, file.toString(), timeout);
        if (r instanceof ScriptResult.Ok ok) {
            return ok.getSpec();
        }
        List<ScriptFault> faults = ((ScriptResult.Failed) r).getFaults();
        int n = faults.size();
        if (n == 1) {
            throw UserError.of(faults.get(0).toString());
        }
        throw UserError.of(file + ": the script has " + n + " fault" + (n == 1 ? "" : "s") + ":",
                faults.stream().map(ScriptFault::toString).toList());
    }

    /**
     * One fault in one line ({@code file: path: message}, or {@code file:line:column: message} for a fault of the JSON
     * text); several as a heading and a line each.
     */
    static UserError faults(Path file, List<SpecError> errors) {
        int n = errors.size();
        if (n == 1) {
            return UserError.of(errors.get(0).at(file.toString()));
        }
        return UserError.of(file + ": the spec has " + n + " fault" + (n == 1 ? "" : "s") + ":",
                errors.stream().map(SpecError::toString).toList());
    }
}
