package polyhead.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import polyhead.checkpoint.Checkpoints;
import polyhead.data.Batching;
import polyhead.train.Trainer;
import polyhead.io.Json;

/**
 * {@code polyhead evaluate CHECKPOINT}: rebuilds the model from the spec (or, from the Java builder, the model
 * description) a checkpoint records, loads its weights and
 * evaluates it on the test split of the data (the run's data options, unless given), printing a per-task table and,
 * with {@code --out}, writing the results as JSON.
 */
@Command(name = "evaluate", synopsisHeading = "", header = "per-task test metrics of a checkpoint or run folder",
        customSynopsis = "usage: polyhead evaluate CHECKPOINT [options]",
        descriptionHeading = "%n",
        description = {
                "Rebuilds the model of CHECKPOINT (a checkpoint folder, or a run folder: its latest intact checkpoint, the",
                "weights of its last epoch; a damaged newer one is named on stderr) from the spec (or model description) it",
                "records, loads its weights and evaluates it on",
                "the test split of the data. The data options default to those the run recorded (data.json) when",
                "CHECKPOINT belongs to a run folder."},
        optionListHeading = "%noptions:%n", sortOptions = false,
        footer = "exit codes: 0 ok, 1 bad checkpoint, data or files, 2 bad command line")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHECKPOINT", arity = "0..*", hidden = true)
    List<String> files = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE",
            description = "also write the results as JSON: per-task test metrics, the checkpoint, the data")
    Path outFile;

    @Mixin
    HelpOption help;

    @ArgGroup(validate = false, heading = "data options (as for train):%n", order = 1)
    DataOptions.Given given;

    private final PrintStream out;
    /** Where warnings go (a damaged checkpoint skipped); faults are reported by {@link Polyhead}. */
    private final PrintStream err;

    EvaluateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Path checkpoint = Path.of(UserError.single("evaluate", "CHECKPOINT", files));
        DataOptions options = DataOptions.of(given);
        OutputFiles.checkTarget("--out", outFile); // before any work: a path that would be clobbered
        Experiments.Trained model = Experiments.load(checkpoint, err);
        if (model.runFolder() != null) {
            options = options.or(RunFolder.data(model.runFolder()));
        }
        Path source = model.checkpoint().resolve(Checkpoints.METADATA);
        String name;
        String description;
        long testSize;
        Map<String, Double> test;
        if (Sentences.isSequence(model.spec())) {
            Sentences.Data data = Sentences.load(model.spec(), options);
            Sentences.sameVocabulary(source, model.experiment().getExperiment().modelDescription().vocabulary(),
                    data.vocabulary());
            Trainer trainer = model.trainer();
            test = trainer.evaluate(Batching.sequential(model.experiment().getExperiment().bind(data.test()),
                    trainer.evalBatchSize()));
            name = Sentences.NAME;
            description = data.description();
            testSize = data.test().size();
        } else {
            DataSources.RunData data = DataCheck.fit(source, model.spec(), model.experiment(),
                    DataSources.load(model.spec(), options));
            test = model.trainer().evaluate(data.test());
            name = data.name();
            description = data.description();
            testSize = data.test().size();
        }

        out.printf("checkpoint %s (epoch %d)%n%s%n%n", model.checkpoint(), model.epoch(), description);
        out.printf("test results (%,d %s)%n", testSize, Sentences.isSequence(model.spec()) ? "sentences" : "samples");
        Reports.table(model.spec(), test).print(out);
        if (outFile != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("test", Reports.perTask(test, model.spec()));
            json.put("checkpoint", model.checkpoint().toString());
            json.put("epoch", model.epoch());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dataset", name);
            d.put("description", description);
            d.put("test", testSize);
            json.put("data", d);
            OutputFiles.write(outFile, Json.pretty(json));
            out.println("wrote " + outFile);
        }
        return 0;
    }
}
