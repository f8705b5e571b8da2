package polyhead.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import polyhead.cli.bench.Bench;
import polyhead.dsl.spec.DecimalNumbers;
import polyhead.dsl.spec.WholeNumbers;
import polyhead.io.FileFaults;
import polyhead.io.FormatException;
import polyhead.io.UserText;
import polyhead.train.TrainingException;

/**
 * The {@code polyhead} command-line tool (run through the {@code polyhead} launcher at the repository root): the
 * commands train, evaluate, predict, inspect and bench, parsed by picocli. Exit codes: 0 done, 1 a fault of the
 * user's inputs (spec, checkpoint, data, files) or a run that failed (a non-finite loss), 2 a malformed command line
 * (one line, then the command's usage), 3 a fault of the tool itself (a bug: one line, the stack trace only with the
 * environment variable {@code POLYHEAD_TRACE=1}). Faults of the inputs are reported as lines (a spec's as
 * {@code path: message}), never as stack traces. Every line of a fault is printed through
 * {@link UserText#printable}, so no message carries a control character a user wrote (a terminal escape, a line
 * break) to the terminal raw, whichever code quoted it.
 */
@Command(name = "polyhead", synopsisHeading = "", customSynopsis = "usage: polyhead COMMAND [options]",
        commandListHeading = "%ncommands:%n", footerHeading = "%n",
        footer = {"`polyhead COMMAND --help` describes a command.",
                "exit codes: 0 ok, 1 bad spec, checkpoint, data or files, or a failed run, 2 bad command line or -D "
                        + "property,",
                "            3 a fault of the tool itself (a bug; POLYHEAD_TRACE=1 prints its stack trace)"})
public final class Polyhead implements Callable<Integer> {
    /** Width of the usage texts. */
    static final int WIDTH = 110;

    @Option(names = {"-h", "--help"}, usageHelp = true, hidden = true, description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream err;

    private Polyhead(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** No command: the usage, as for a malformed command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return 2;
    }

    /** Runs one command; what it prints goes to {@code out}, faults to {@code err}. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args);
        } catch (ExceptionInInitializerError e) {
            // a bad -D property, read when a class starts (-Dpolyhead.gemm, -Dpolyhead.workers.awakeMicros, ...): its
            // IllegalArgumentException names the property and the value
            if (e.getCause() instanceof IllegalArgumentException bad) {
                err.println("error: " + UserText.printable(bad.getMessage()));
                return 2;
            }
            throw e;
        } catch (OutOfMemoryError e) {
            // one huge allocation (a layer's weights, a dataset) failed: nothing else is left half-done
            err.println("error: out of memory with a " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB heap: "
                    + "the model or data is too large for this JVM; make it smaller or give Java more memory (-Xmx)");
            return 1;
        }
    }

    private static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Polyhead(err))
                .addSubcommand(new TrainCommand(out, err))
                .addSubcommand(new EvaluateCommand(out, err))
                .addSubcommand(new PredictCommand(out, err))
                .addSubcommand(new InspectCommand(out))
                .addSubcommand(new Bench(out))
                .addSubcommand(new CommandLine.HelpCommand());
        cl.registerConverter(Long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
        cl.registerConverter(long.class, v -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE));
        cl.registerConverter(Integer.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cl.registerConverter(int.class, v -> (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cl.registerConverter(Double.class, Polyhead::number);
        cl.registerConverter(double.class, Polyhead::number);
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setUsageHelpWidth(WIDTH);
        cl.setOut(writer(out));
        cl.setErr(writer(err));
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Polyhead::commands);
        // a command's header is its line in the list of commands, not a line of its own usage
        List<String> keys = cl.getHelpSectionKeys().stream()
                .filter(k -> !k.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING)
                        && !k.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER))
                .toList();
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setHelpSectionKeys(keys);
        }
        cl.getSubcommands().get("help").getCommandSpec().usageMessage()
                .header("the usage of COMMAND, as polyhead COMMAND --help");
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine at = e.getCommandLine();
            // the bench's usage is long: its malformed line is one line, an unknown or incomplete option pointing
            // to --help
            boolean showUsage = !(at.getCommand() instanceof Bench);
            boolean pointToHelp = !showUsage && (e instanceof CommandLine.UnmatchedArgumentException
                    || e instanceof CommandLine.MissingParameterException);
            err.println("error: " + UserText.printable(message(e)) + (pointToHelp ? " (see --help)" : ""));
            if (showUsage) {
                shortUsage(at, err);
            }
            return 2;
        });
        cl.setExecutionExceptionHandler((e, at, parsed) -> fault(e, at, err));
        return cl;
    }

    /**
     * After a malformed command line: the command's synopsis and where its options are listed, not the whole help
     * (which buried the one line that says what is wrong).
     */
    private static void shortUsage(CommandLine at, PrintStream err) {
        err.print(at.getHelp().synopsis(0));
        err.println("(" + at.getCommandSpec().qualifiedName() + " --help "
                + (at.getSubcommands().isEmpty() ? "lists the options" : "lists the commands") + ")");
    }

    /** The exit code of a fault raised by a command, reported on {@code err}. */
    static int fault(Exception e, CommandLine at, PrintStream err) {
        if (e instanceof UserError u) {
            List<String> lines = u.lines();
            err.println("error: " + UserText.printable(lines.get(0)));
            lines.subList(1, lines.size()).forEach(l -> err.println("  " + UserText.printable(l)));
            if (u.isUsage()) {
                shortUsage(at, err);
                return 2;
            }
            return 1;
        }
        if (e instanceof FormatException || e instanceof TrainingException) {
            err.println("error: " + UserText.printable(e.getMessage()));
            return 1;
        }
        // a file that could not be read or written, from a place that did not name it in words: still words
        if (e instanceof UncheckedIOException u) {
            err.println("error: " + UserText.printable(FileFaults.unexplained(u.getCause())));
            return 1;
        }
        if (e instanceof IOException io) {
            err.println("error: " + UserText.printable(FileFaults.unexplained(io)));
            return 1;
        }
        err.println("error: internal fault of the tool: " + UserText.printable(e.toString())
                + " (a bug; POLYHEAD_TRACE=1 prints its stack trace)");
        if ("1".equals(System.getenv("POLYHEAD_TRACE"))) {
            e.printStackTrace(err);
        }
        return 3;
    }

    /** A malformed command line as one line naming the command or option at fault. */
    static String message(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        String option = arg instanceof OptionSpec o ? o.longestName() : null;
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String given = u.getUnmatched().get(0);
            return e.getCommandLine().getParent() == null ? "unknown command '" + given + "'"
                    : "unknown option " + given;
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec missing) {
            return "option " + missing.longestName() + " needs a value";
        }
        if (e.getCause() instanceof CommandLine.TypeConversionException t && option != null) {
            return "option " + option + ": " + t.getMessage();
        }
        return e.getMessage();
    }

    /** The list of commands in the tool's usage: each with its arguments (or [options]) and its header. */
    private static String commands(Help help) {
        Map<String, Help> subcommands = help.subcommands();
        if (subcommands.isEmpty()) {
            return "";
        }
        Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                new Help.Column(30, 2, Help.Column.Overflow.SPAN),
                new Help.Column(help.commandSpec().usageMessage().width() - 30, 0, Help.Column.Overflow.WRAP));
        table.indentWrappedLines = 0;
        subcommands.forEach((name, sub) -> {
            List<String> labels = sub.commandSpec().positionalParameters().stream()
                    .map(p -> p.paramLabel()).toList();
            String label = name + " " + (labels.isEmpty() ? "[options]" : String.join(" ", labels));
            String[] header = sub.commandSpec().usageMessage().header();
            table.addRowValues(label, String.join(" ", header));
        });
        return table.toString();
    }

    /** An integer option read exactly, in the range of its type ({@link WholeNumbers}): nothing wraps or is cut. */
    private static long whole(String v, long min, long max) {
        try {
            return WholeNumbers.parse(v, min, max);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** A decimal option read from its text, finite ({@link DecimalNumbers}); nothing else reads decimal options. */
    private static Double number(String v) {
        return decimal(v, -Double.MAX_VALUE, Double.MAX_VALUE);
    }

    /**
     * A decimal option in {@code [min, max]}, for an option's own converter (e.g. {@code --rho}): NaN, the
     * infinities and values out of range are refused in one line naming the value as written, exit code 2.
     */
    static double decimal(String v, double min, double max) {
        try {
            return DecimalNumbers.parse(v, min, max);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** {@code stream} as the writer picocli prints help to. */
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                stream.print(new String(buf, off, len));
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                stream.flush();
            }
        }, true);
    }
}
