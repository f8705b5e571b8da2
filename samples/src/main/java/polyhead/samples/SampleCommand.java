package polyhead.samples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import polyhead.dsl.spec.DecimalNumbers;
import polyhead.dsl.spec.WholeNumbers;
import polyhead.io.FormatException;
import polyhead.train.TrainingException;

/**
 * The command line of a sample, read by picocli: a subclass annotated with {@code @Command} (its name and description;
 * the usage layout, options in declaration order, is set here once) declares its options (each with its default and
 * help text) and turns them into the sample's checked settings in {@link #options()}.
 * {@link #main} prints the generated usage for {@code --help}, and turns a user's error (a bad option, missing data, a
 * run that diverges) into one line {@code error: ...} on standard error and exit code 1, with no stack trace.
 *
 * <pre>{@code
 * @Command(name = "Sample", description = "what it does")
 * static final class Command extends SampleCommand<Options> {
 *     @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "epochs (default ${DEFAULT-VALUE})")
 *     int epochs;
 *     protected Options options() { return new Options(atLeast("--epochs", epochs, 1)); }
 * }
 * public static void main(String[] args) {
 *     new Command().main(args, o -> run(o, System.out));
 * }
 * }</pre>
 *
 * @param <O> the sample's settings
 */
@Command(synopsisHeading = "usage: ", descriptionHeading = "%n", optionListHeading = "%noptions:%n",
        sortOptions = false, sortSynopsis = false)
public abstract class SampleCommand<O> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    /** The settings of the options given, checked: an {@link IllegalArgumentException} naming the option if not. */
    protected abstract O options();

    /**
     * The settings of command line {@code args}.
     *
     * @throws IllegalArgumentException naming the option, for an unknown option, a missing or malformed value
     */
    public final O parse(String... args) {
        CommandLine cl = commandLine();
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(message(e), e);
        }
        return options();
    }

    /** {@link #run} with the standard streams, exiting the JVM with the exit code unless it is 0. */
    public final void main(String[] args, Consumer<O> body) {
        int code = run(args, body, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Parses {@code args} and runs {@code body}, or prints the usage for {@code --help}. A {@link FormatException},
     * {@link IllegalArgumentException} or {@link TrainingException} is reported as {@code error: <message>} on
     * {@code err}. Returns the exit code, 0 or 1.
     */
    public final int run(String[] args, Consumer<O> body, PrintStream out, PrintStream err) {
        try {
            O options = parse(args);
            if (spec.commandLine().isUsageHelpRequested()) {
                spec.commandLine().usage(out);
                return 0;
            }
            body.accept(options);
            return 0;
        } catch (FormatException | IllegalArgumentException | TrainingException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Whether {@code option} was given on the command line (not just defaulted). */
    protected final boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** {@code value} of {@code option}, if at least {@code min}. */
    protected static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("option " + option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** {@code value} of {@code option}, if greater than 0; refused naming the value as written. */
    protected final double positive(String option, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("option " + option + " must be > 0, got " + written(option, value));
        }
        return value;
    }

    /** The text given for {@code option} (its last, when repeated), or {@code value} written out if defaulted. */
    private String written(String option, double value) {
        OptionSpec given = spec.commandLine().getParseResult().matchedOption(option);
        if (given != null && !given.originalStringValues().isEmpty()) {
            List<String> texts = given.originalStringValues();
            return texts.get(texts.size() - 1);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** {@code value} of {@code option}, if one of {@code allowed}. */
    protected static String choice(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("option " + option + ": unknown value '" + value + "'; choose from "
                    + String.join(", ", allowed));
        }
        return value;
    }

    /** A non-empty comma-separated list without repeats, each entry one of {@code allowed}. */
    protected static List<String> list(String option, String value, List<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            String t = s.trim();
            if (!t.isEmpty() && !out.contains(choice(option, t, allowed))) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("option " + option + " needs at least one value");
        }
        return out;
    }

    /** A comma-separated list of numbers. */
    protected static List<Double> numbers(String option, String value) {
        List<Double> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.trim().isEmpty()) {
                try {
                    out.add(Double.parseDouble(s.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + option + ": '" + s + "' is not a number");
                }
            }
        }
        return out;
    }

    private CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.registerConverter(int.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cl.registerConverter(Integer.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cl.registerConverter(long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
        cl.registerConverter(Long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
        cl.registerConverter(double.class, SampleCommand::finite);
        cl.registerConverter(Double.class, SampleCommand::finite);
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setUsageHelpWidth(110);
        return cl;
    }

    /** A malformed command line as one line naming the option at fault. */
    private static String message(ParameterException e) {
        String option = e.getArgSpec() instanceof OptionSpec o ? o.longestName() : null;
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            return "unknown option " + u.getUnmatched().get(0) + " (see --help)";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec missing) {
            return "option " + missing.longestName() + " needs a value (see --help)";
        }
        if (e.getCause() instanceof TypeConversionException t && option != null) {
            return "option " + option + ": " + t.getMessage();
        }
        return e.getMessage();
    }

    /** An integer option read exactly, in the range of its type ({@link WholeNumbers}): nothing wraps or is cut. */
    private static long whole(String v, long min, long max) {
        try {
            return WholeNumbers.parse(v, min, max);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A decimal option read from its text, finite ({@link DecimalNumbers}, as the tool reads its own). */
    private static Double finite(String v) {
        try {
            return DecimalNumbers.parse(v);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
