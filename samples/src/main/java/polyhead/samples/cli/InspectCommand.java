package polyhead.samples.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InvalidSpecException;
import polyhead.mtl.arch.Architecture;

/**
 * {@code polyhead inspect SPEC}: the model a spec builds — its layers with output shapes and parameter counts
 * ({@link polyhead.nn.Module#summary}), then which parameters are shared between the tasks and which belong to
 * each task ({@link Architecture#sharedParameters()}, {@link Architecture#taskParameters()}).
 */
final class InspectCommand {
    static final String USAGE = """
            usage: polyhead inspect SPEC

            Validates SPEC (a JSON spec, or a Kotlin script .kts ending with multiTask { ... }), builds its model and
            prints its layers (output shape and parameter count of each, for one sample), then the parameters shared
            between tasks and those of each task.

            options:
              --help   this text

            exit codes: 0 ok, 1 bad spec or file, 2 bad command line
            """;

    private InspectCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of(), Set.of("--help"));
        if (a.has("--help")) {
            out.print(USAGE);
            return 0;
        }
        if (a.positionals().size() != 1) {
            throw UserError.usage(a.positionals().isEmpty() ? "inspect needs a SPEC file"
                    : "inspect takes one SPEC file, got " + a.positionals());
        }
        Path file = Path.of(a.positionals().get(0));
        ExperimentSpec spec = SpecFiles.load(file, SpecFiles.text(file));
        CompiledExperiment exp;
        try {
            exp = SpecCompiler.INSTANCE.compile(spec);
        } catch (InvalidSpecException e) {
            throw SpecFiles.faults(file, e.getErrors());
        }
        Architecture arch = exp.getArchitecture();
        int[] input = spec.getInput().stream().mapToInt(Integer::intValue).toArray();
        out.printf("%s: %d task(s) %s, input %s%n%n", file, arch.tasks().size(), arch.taskNames(), spec.getInput());
        String summary = arch.summary(input);
        out.print(summary);
        if (!summary.endsWith("\n")) {
            out.println();
        }
        Map<String, Var> shared = arch.sharedParameters();
        Map<String, Map<String, Var>> own = arch.taskParameters();
        long sharedCount = count(shared);
        long taskCount = own.values().stream().mapToLong(InspectCommand::count).sum();
        out.printf("%nparameters: %,d shared, %,d task-specific, %,d in all%n", sharedCount, taskCount,
                count(arch.namedParameters()));
        section(out, "shared", shared);
        own.forEach((task, params) -> section(out, "task " + task, params));
        return 0;
    }

    private static void section(PrintStream out, String title, Map<String, Var> params) {
        out.printf("%n%s (%,d)%n", title, count(params));
        params.forEach((name, v) -> out.printf("  %-40s %-14s %,10d%n", name, v.shape(), v.value().size()));
    }

    private static long count(Map<String, Var> params) {
        return params.values().stream().mapToLong(v -> v.value().size()).sum();
    }
}
