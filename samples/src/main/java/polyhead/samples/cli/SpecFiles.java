package polyhead.samples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecError;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;

/** Reads a JSON spec file: syntax, structure and every semantic check, each fault as a {@code path: message} line. */
final class SpecFiles {
    private SpecFiles() {
    }

    /** The spec's text; a missing or unreadable file is a user error. */
    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw UserError.of(file + ": no such spec file");
        } catch (IOException e) {
            throw UserError.of(file + ": cannot read the spec: " + e.getMessage());
        }
    }

    /** The valid spec in {@code text}, or a user error listing all of its faults. */
    static ExperimentSpec load(Path file, String text) {
        SpecResult r = SpecJson.INSTANCE.load(text);
        if (r instanceof SpecResult.Ok ok) {
            return ok.getSpec();
        }
        throw faults(file, ((SpecResult.Failed) r).getErrors());
    }

    /** One fault in one line ({@code file: path: message}); several as a heading and a line each. */
    static UserError faults(Path file, List<SpecError> errors) {
        int n = errors.size();
        if (n == 1) {
            return UserError.of(file + ": " + errors.get(0));
        }
        return UserError.of(file + ": the spec has " + n + " fault" + (n == 1 ? "" : "s") + ":",
                errors.stream().map(SpecError::toString).toList());
    }
}
