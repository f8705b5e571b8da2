package polyhead.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import polyhead.autodiff.Var;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InputSpecKt;
import polyhead.mtl.arch.Architecture;

/**
 * {@code polyhead inspect SPEC}: the model a spec builds — its layers with output shapes and parameter counts
 * ({@link polyhead.nn.Module#summary}), then which parameters are shared between the tasks and which belong to
 * each task ({@link Architecture#sharedParameters()}, {@link Architecture#taskParameters()}).
 */
@Command(name = "inspect", synopsisHeading = "",
        header = "layers, output shapes, parameter counts, shared and task-specific parameters",
        customSynopsis = "usage: polyhead inspect SPEC [options]",
        descriptionHeading = "%n",
        description = {
                "Validates SPEC (a JSON spec, or a Kotlin script .kts ending with multiTask { ... }), builds its model and",
                "prints its layers (output shape and parameter count of each, for one sample), then the parameters shared",
                "between tasks and those of each task; a frozen parameter (trainable false) is marked 'frozen'. A model",
                "with named inputs lists them first (its input is their values side by side, one row per sample)."},
        optionListHeading = "%noptions:%n", footerHeading = "%n",
        footer = "exit codes: 0 ok, 1 bad spec or file, 2 bad command line")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", arity = "0..*", hidden = true)
    List<String> files = new ArrayList<>();

    @Mixin
    ScriptOption script;

    @Mixin
    HelpOption help;

    private final PrintStream out;

    InspectCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Path file = Path.of(UserError.single("inspect", "SPEC file", files));
        Duration scriptTimeout = script.timeout();
        ExperimentSpec spec = SpecFiles.load(file, SpecFiles.text(file), scriptTimeout);
        if (Sentences.isSequence(spec)) {
            throw UserError.of(file + ": $.sequenceInput: inspect reads no data, and a sequence spec's embedding has a "
                    + "row per word of its data's vocabulary; train it (polyhead train) and read the run's checkpoints");
        }
        CompiledExperiment exp = Experiments.compile(file, spec);
        Architecture arch = exp.getArchitecture();
        int[] input = InputSpecKt.modelInput(spec).stream().mapToInt(Integer::intValue).toArray();
        out.printf("%s: %d task(s) %s, input %s%n", file, arch.tasks().size(), arch.taskNames(), InputSpecKt.modelInput(spec));
        // a multi-input model's branches: each input's shape, then its layers are trunk.0.<input>.* below
        spec.getInputs().forEach(in -> out.printf("  input %s %s, its trunk trunk.0.%s (%d layers)%n", in.getName(),
                in.getShape(), in.getName(), in.getTrunk().size()));
        out.println();
        String summary = arch.summary(input);
        out.print(summary);
        if (!summary.endsWith("\n")) {
            out.println();
        }
        Map<String, Var> shared = arch.sharedParameters();
        Map<String, Map<String, Var>> own = arch.taskParameters();
        long sharedCount = count(shared);
        long taskCount = own.values().stream().mapToLong(InspectCommand::count).sum();
        long frozen = arch.namedParameters().values().stream().filter(v -> !v.requiresGrad())
                .mapToLong(v -> v.value().size()).sum();
        out.printf("%nparameters: %,d shared, %,d task-specific, %,d in all%s%n", sharedCount, taskCount,
                count(arch.namedParameters()), frozen == 0 ? "" : String.format(" (%,d frozen)", frozen));
        section(out, "shared", shared);
        own.forEach((task, params) -> section(out, "task " + task, params));
        return 0;
    }

    private static void section(PrintStream out, String title, Map<String, Var> params) {
        out.printf("%n%s (%,d)%n", title, count(params));
        params.forEach((name, v) -> out.printf("  %-40s %-14s %,10d%s%n", name, v.shape(), v.value().size(),
                v.requiresGrad() ? "" : "  frozen"));
    }

    private static long count(Map<String, Var> params) {
        return params.values().stream().mapToLong(v -> v.value().size()).sum();
    }
}
