package polyhead.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

import polyhead.dsl.script.SpecScripts;

/**
 * {@code --script-timeout SECONDS}, the time limit of a Kotlin script SPEC, compiling and running it (see
 * {@link SpecScripts#runIsolated}, which keeps the default): a picocli mixin of the commands that read a SPEC.
 */
final class ScriptOption {
    @Option(names = "--script-timeout", paramLabel = "SECONDS",
            defaultValue = "" + SpecScripts.DEFAULT_TIMEOUT_SECONDS, description = {
                "time limit for compiling and running a Kotlin script SPEC (default ${DEFAULT-VALUE});",
                "a script runs in a JVM of its own, which is stopped when the time is up"})
    long seconds;

    /** The time limit; a usage error when it is not at least one second. */
    Duration timeout() {
        UserError.atLeast("--script-timeout", seconds, 1);
        return Duration.ofSeconds(seconds);
    }
}
