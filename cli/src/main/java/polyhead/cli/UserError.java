package polyhead.cli;

import java.util.List;

/**
 * A fault of what the user gave (a spec, a file, data, an option's value): reported as its lines, without a stack
 * trace, and the tool exits with 1 ({@link #usage} false) or 2 (a malformed command line, followed by the command's
 * usage).
 */
final class UserError extends RuntimeException {
    private final List<String> lines;
    private final boolean usage;

    private UserError(List<String> lines, boolean usage) {
        super(String.join("\n", lines), null, false, false);
        this.lines = List.copyOf(lines);
        this.usage = usage;
    }

    /** A fault of the inputs (exit code 1). */
    static UserError of(String message) {
        return new UserError(List.of(message), false);
    }

    /** A fault of the inputs with one detail line per item, e.g. a spec's {@code path: message} lines (exit 1). */
    static UserError of(String message, List<String> details) {
        List<String> all = new java.util.ArrayList<>();
        all.add(message);
        all.addAll(details);
        return new UserError(all, false);
    }

    /** A malformed command line (exit code 2). */
    static UserError usage(String message) {
        return new UserError(List.of(message), true);
    }

    /**
     * The one argument {@code command} takes, a {@code what} (e.g. {@code SPEC file}), from its positional
     * {@code args}; a usage error when none or more are given.
     */
    static String single(String command, String what, List<String> args) {
        if (args.size() != 1) {
            throw usage(args.isEmpty() ? command + " needs a " + what
                    : command + " takes one " + what + ", got " + args);
        }
        return args.get(0);
    }

    /** {@code value} (an option's, null when not given), refused with a usage error when below {@code min}. */
    static Long atLeast(String option, Long value, long min) {
        if (value != null && value < min) {
            throw usage("option " + option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    List<String> lines() {
        return lines;
    }

    boolean isUsage() {
        return usage;
    }
}
