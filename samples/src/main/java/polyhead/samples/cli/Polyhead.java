package polyhead.samples.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import polyhead.io.FormatException;
import polyhead.samples.bench.Bench;
import polyhead.train.TrainingException;

/**
 * The {@code polyhead} command-line tool (run through the {@code polyhead} launcher at the repository root).
 * Exit codes: 0 done, 1 a fault of the user's inputs (spec, checkpoint, data, files) or a run that failed (a
 * non-finite loss), 2 a malformed command line, 3 a fault of the tool itself (a bug: one line, the stack trace only
 * with the environment variable {@code POLYHEAD_TRACE=1}). Faults of the inputs are reported as lines (a spec's as
 * {@code path: message}), never as stack traces.
 */
public final class Polyhead {
    static final String USAGE = """
            usage: polyhead COMMAND [options]

            commands:
              train SPEC                  train a spec's experiment (JSON, or a Kotlin script .kts) and write its run folder
                                          (train --resume RUN continues an interrupted run)
              evaluate CHECKPOINT         per-task test metrics of a checkpoint or run folder
              predict CHECKPOINT INPUT    per-task predictions for an IDX or CSV file, as CSV
              inspect SPEC                layers, output shapes, parameter counts, shared and task-specific
                                          parameters
              bench [options]             the performance workloads of BENCHMARKS.md (polyhead bench --help)

            `polyhead COMMAND --help` describes a command.
            exit codes: 0 ok, 1 bad spec, checkpoint, data or files, or a failed run, 2 bad command line or -D property,
                        3 a fault of the tool itself (a bug; POLYHEAD_TRACE=1 prints its stack trace)
            """;

    private Polyhead() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; what it prints goes to {@code out}, faults to {@code err}. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        String usage = switch (command) {
            case "train" -> TrainCommand.USAGE;
            case "inspect" -> InspectCommand.USAGE;
            case "evaluate" -> EvaluateCommand.USAGE;
            case "predict" -> PredictCommand.USAGE;
            default -> USAGE;
        };
        try {
            return switch (command) {
                case "--help", "-h", "help" -> {
                    out.print(USAGE);
                    yield 0;
                }
                case "train" -> TrainCommand.run(rest, out);
                case "inspect" -> InspectCommand.run(rest, out);
                case "evaluate" -> EvaluateCommand.run(rest, out);
                case "predict" -> PredictCommand.run(rest, out);
                case "bench" -> Bench.run(rest.toArray(String[]::new), out, err); // its own options and --help
                default -> throw UserError.usage("unknown command '" + command + "'");
            };
        } catch (UserError e) {
            List<String> lines = e.lines();
            err.println("error: " + lines.get(0));
            lines.subList(1, lines.size()).forEach(l -> err.println("  " + l));
            if (e.isUsage()) {
                err.println();
                err.print(usage);
                return 2;
            }
            return 1;
        } catch (FormatException | TrainingException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (ExceptionInInitializerError e) {
            // a bad -D property, read when a class starts (-Dpolyhead.gemm, -Dpolyhead.workers.awakeMicros, ...): its
            // IllegalArgumentException names the property and the value
            if (e.getCause() instanceof IllegalArgumentException bad) {
                err.println("error: " + bad.getMessage());
                return 2;
            }
            throw e;
        } catch (OutOfMemoryError e) {
            // one huge allocation (a layer's weights, a dataset) failed: nothing else is left half-done
            err.println("error: out of memory with a " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB heap: "
                    + "the model or data is too large for this JVM; make it smaller or give Java more memory (-Xmx)");
            return 1;
        } catch (RuntimeException e) {
            err.println("error: internal fault of the tool: " + e + " (a bug; POLYHEAD_TRACE=1 prints its stack trace)");
            if ("1".equals(System.getenv("POLYHEAD_TRACE"))) {
                e.printStackTrace(err);
            }
            return 3;
        }
    }
}
