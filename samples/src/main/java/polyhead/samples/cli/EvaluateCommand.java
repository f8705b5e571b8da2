package polyhead.samples.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.checkpoint.Checkpoints;
import polyhead.io.Json;

/**
 * {@code polyhead evaluate CHECKPOINT}: rebuilds the model from the spec a checkpoint records, loads its weights and
 * evaluates it on the test split of the data (the run's data options, unless given), printing a per-task table and,
 * with {@code --out}, writing the results as JSON.
 */
final class EvaluateCommand {
    static final String USAGE = """
            usage: polyhead evaluate CHECKPOINT [options]

            Rebuilds the model of CHECKPOINT (a checkpoint folder, or a run folder: its latest checkpoint, the weights
            of its last epoch) from the spec it records, loads its weights and evaluates it on the test split of the
            data. The data options
            default to those the run recorded (data.json) when CHECKPOINT belongs to a run folder.

            options:
              --out FILE       also write the results as JSON: per-task test metrics, the checkpoint, the data
              --help           this text
            data options (as for train):
            %s
            exit codes: 0 ok, 1 bad checkpoint, data or files, 2 bad command line
            """.formatted(DataOptions.HELP.stripTrailing());

    private EvaluateCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Set<String> valueOptions = new HashSet<>(DataOptions.VALUE_OPTIONS);
        valueOptions.add("--out");
        Args a = Args.parse(argv, valueOptions, Set.of("--help"));
        if (a.has("--help")) {
            out.print(USAGE);
            return 0;
        }
        if (a.positionals().size() != 1) {
            throw UserError.usage(a.positionals().isEmpty() ? "evaluate needs a CHECKPOINT"
                    : "evaluate takes one CHECKPOINT, got " + a.positionals());
        }
        Experiments.Trained model = Experiments.load(Path.of(a.positionals().get(0)));
        DataOptions options = DataOptions.from(a);
        if (model.runFolder() != null) {
            options = options.or(RunFolder.data(model.runFolder()));
        }
        DataSources.RunData data = DataCheck.fit(model.checkpoint().resolve(Checkpoints.METADATA), model.spec(), model.experiment().getArchitecture(),
                DataSources.load(model.spec(), options));
        Map<String, Double> test = model.trainer().evaluate(data.test());

        out.printf("checkpoint %s (epoch %d)%n%s%n%n", model.checkpoint(), model.epoch(), data.description());
        out.printf("test results (%,d samples)%n", data.test().size());
        Reports.table(model.spec(), test).print(out);
        if (a.value("--out") != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("test", Reports.perTask(test, model.spec()));
            json.put("checkpoint", model.checkpoint().toString());
            json.put("epoch", model.epoch());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dataset", data.name());
            d.put("description", data.description());
            d.put("test", (long) data.test().size());
            json.put("data", d);
            OutputFiles.write(Path.of(a.value("--out")), Json.pretty(json));
            out.println("wrote " + a.value("--out"));
        }
        return 0;
    }
}
