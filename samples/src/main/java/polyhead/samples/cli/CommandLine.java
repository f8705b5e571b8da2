package polyhead.samples.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import polyhead.io.FormatException;
import polyhead.train.TrainingException;

/**
 * The command line of a sample: its options, each declared once with its default and help text; parsing into
 * {@link Arguments}; {@code --help}; and {@link #main}, which turns a user's error (a bad option, missing data, a
 * run that diverges) into one line {@code error: ...} on standard error and exit code 1, with no stack trace.
 *
 * <pre>{@code
 * static final CommandLine COMMAND = CommandLine.of("Sample", "what it does")
 *         .option("--epochs", "N", "3", "training epochs")
 *         .flag("--quiet", "no progress output");
 * public static void main(String[] args) {
 *     COMMAND.main(args, a -> run(Options.from(a), System.out));
 * }
 * }</pre>
 */
public final class CommandLine {
    /** One option: a flag when {@code valueName} is null; {@code defaultValue} null means "not set". */
    record Option(String name, String valueName, String defaultValue, String help) {
        boolean isFlag() {
            return valueName == null;
        }
    }

    private final String program;
    private final String summary;
    private final Map<String, Option> options = new LinkedHashMap<>();

    private CommandLine(String program, String summary) {
        this.program = program;
        this.summary = summary;
    }

    /** A command line for {@code program} (the class's simple name), described by {@code summary} in the usage. */
    public static CommandLine of(String program, String summary) {
        return new CommandLine(program, summary);
    }

    /** An option with a value; {@code defaultValue} may be null (the option is then unset unless given). */
    public CommandLine option(String name, String valueName, String defaultValue, String help) {
        return add(new Option(name, valueName, defaultValue, help));
    }

    /** An option without a value, false unless given. */
    public CommandLine flag(String name, String help) {
        return add(new Option(name, null, null, help));
    }

    private CommandLine add(Option o) {
        if (!o.name().startsWith("--") || options.containsKey(o.name()) || o.name().equals("--help")) {
            throw new IllegalStateException("bad or duplicate option declaration " + o.name());
        }
        options.put(o.name(), o);
        return this;
    }

    /**
     * The arguments {@code args} as options: {@code --name value} or {@code --name=value}, flags alone.
     *
     * @throws IllegalArgumentException naming the option, for an unknown option, a missing value or a value given
     *                                  to a flag
     */
    public Arguments parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            Option o = options.get(name);
            if (o == null) {
                throw new IllegalArgumentException("unknown option " + name + " (see --help)");
            }
            if (o.isFlag()) {
                if (value != null) {
                    throw new IllegalArgumentException("option " + name + " takes no value (see --help)");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value (see --help)");
                }
                value = args[++i];
            }
            given.put(name, value);
        }
        return new Arguments(options, given, help);
    }

    /** The usage text: a line of syntax, the summary and one line per option with its default. */
    public String usage() {
        StringBuilder sb = new StringBuilder("usage: ").append(program);
        for (Option o : options.values()) {
            sb.append(" [").append(o.name()).append(o.isFlag() ? "" : " " + o.valueName()).append(']');
        }
        sb.append("\n\n").append(summary).append("\n\noptions:\n");
        int width = 0;
        for (Option o : options.values()) {
            width = Math.max(width, label(o).length());
        }
        for (Option o : options.values()) {
            sb.append(String.format("  %-" + width + "s  %s", label(o), o.help()));
            if (o.defaultValue() != null) {
                sb.append(" (default ").append(o.defaultValue()).append(')');
            }
            sb.append('\n');
        }
        sb.append(String.format("  %-" + width + "s  %s%n", "--help", "print this and exit"));
        return sb.toString();
    }

    private static String label(Option o) {
        return o.isFlag() ? o.name() : o.name() + " " + o.valueName();
    }

    /**
     * Parses {@code args} and runs {@code body}; prints the usage for {@code --help}. A {@link FormatException},
     * {@link IllegalArgumentException} or {@link TrainingException} ends the program with {@code error: <message>}
     * on standard error and exit code 1.
     */
    public void main(String[] args, Consumer<Arguments> body) {
        int code = run(args, body, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@link #main} without exiting: the exit code, 0 or 1. */
    public int run(String[] args, Consumer<Arguments> body, PrintStream out, PrintStream err) {
        try {
            Arguments a = parse(args);
            if (a.help()) {
                out.print(usage());
                return 0;
            }
            body.accept(a);
            return 0;
        } catch (FormatException | IllegalArgumentException | TrainingException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
