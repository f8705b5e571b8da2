package polyhead.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.CheckpointStore;
import polyhead.data.Dataset;
import polyhead.data.SequenceDataset;
import polyhead.experiment.TrainedModel;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.spec.CheckpointSpec;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.ExperimentSpecKt;
import polyhead.dsl.spec.InitialWeightsSpecKt;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.TrainingSpec;
import polyhead.io.Json;
import polyhead.metrics.MetricTable;
import polyhead.report.HistoryPlots;
import polyhead.report.RunReport;
import polyhead.tensor.Gemms;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * {@code polyhead train SPEC}: trains the spec's experiment and writes the run's folder — {@code spec.json} (the
 * spec as run, options applied, every default spelled out), {@code data.json} (the data options), {@code
 * checkpoints/} (a {@link CheckpointStore}), {@code history.csv} (one row per epoch), {@code metrics.json} (per-task
 * test metrics, Δm with {@code --baselines}, and what produced them) and the PNG plots of {@link HistoryPlots}. Every file
 * is written atomically. {@code --resume RUN} continues an interrupted run from its latest intact checkpoint, saying
 * on stderr which damaged newer one it skips, or trains a run that stopped before its first checkpoint from the
 * beginning with its recorded spec, seed and data. Before any work the run folder is probed for writing
 * ({@link RunFolder#checkWritable}). While a run writes its folder it holds the folder's {@link RunLock}: a second
 * run into it is refused in one line naming the first.
 */
@Command(name = "train", synopsisHeading = "",
        header = "train a spec's experiment (JSON, or a Kotlin script .kts) and write its run folder (train --resume "
                + "RUN continues an interrupted run)",
        customSynopsis = {"usage: polyhead train SPEC [options]",
                "       polyhead train [SPEC] --resume RUN [options]"},
        descriptionHeading = "%n",
        description = {
                "Trains the experiment of SPEC, a JSON spec or a Kotlin script (.kts) ending with multiTask { ... },",
                "and writes its run folder:",
                "  spec.json         the spec as run (options applied, every default spelled out)",
                "  spec.kts          the script, when SPEC is one",
                "  data.json         the data options of the run (evaluate and --resume reuse them)",
                "  checkpoints/      checkpoints (every epoch unless the spec's training.checkpoints says)",
                "  history.csv       one row per epoch: losses, validation metrics, gradient diagnostics",
                "  metrics.json      final per-task test metrics, \u0394m with --baselines, and the spec, seed, data,",
                "                    initial weights (file, SHA-256) and versions that produced them",
                "  loss-TASK.png     training and validation loss of each task per epoch",
                "  metrics-TASK.png  validation metrics of each task per epoch (when the spec holds out validation data)",
                "  grad-cosine.png   cosine similarity of the tasks' shared-parameter gradients per epoch (diagnostics)"},
        optionListHeading = "%noptions:%n", sortOptions = false,
        footer = "exit codes: 0 trained, 1 bad spec, data or files, 2 bad command line")
final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", arity = "0..*", hidden = true)
    List<String> files = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = {
            "run folder (default runs/<spec name>, or runs/<spec name>-2, -3, ... if taken);",
            "an existing folder must be empty"})
    String outOption;

    @Option(names = "--resume", paramLabel = "RUN", description = {
            "continue the run in folder RUN from its latest intact checkpoint (a damaged",
            "newer one is named), or from the beginning if it stopped before its first,",
            "with its spec, seed and data; a SPEC, --epochs or --seed that differ from the",
            "run's are refused"})
    Path resume;

    @Option(names = "--epochs", paramLabel = "N", description = "override training.epochs")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "N",
            description = "override training.seed (initialization, shuffling, validation split)")
    Long seed;

    @Option(names = "--baselines", paramLabel = "FILE", description = {
            "single-task baselines {\"task\": {\"metric\": value}} for \u0394m in metrics.json",
            "(percent, positive = worse than the baselines)"})
    Path baselinesFile;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @ArgGroup(validate = false, heading = "initial weights:%n", order = 2)
    InitOptions init = new InitOptions();

    @Mixin
    ScriptOption script;

    @Mixin
    HelpOption help;

    @ArgGroup(validate = false, heading = "data options:%n", order = 1)
    DataOptions.Given given;

    private final PrintStream out;
    /** Where warnings go (a damaged checkpoint skipped); faults are reported by {@link Polyhead}. */
    private final PrintStream err;
    /** The lock of the run folder while this run writes it. */
    private RunLock lock;

    TrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!files.isEmpty() || resume == null) {
            UserError.single("train", "SPEC file", files); // none is right only with --resume, its spec is the run's
        }
        if (resume != null && outOption != null) {
            throw UserError.usage("--resume continues in the run's own folder; --out does not go with it");
        }
        if (resume != null && init != null && init.given()) {
            throw UserError.usage("--resume continues from the run's checkpoint; --init does not go with it");
        }
        UserError.atLeast("--epochs", epochs == null ? null : epochs.longValue(), 1);
        Duration scriptTimeout = script.timeout();
        DataOptions dataOptions = DataOptions.of(given);

        try {
            return train(dataOptions, scriptTimeout);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /** Trains; {@link #lock} holds the run folder from before it is read ({@code --resume}) or written. */
    private int train(DataOptions dataOptions, Duration scriptTimeout) {
        // before any work: a folder the run could not write would fail it after its first epoch
        if (resume != null && Files.isDirectory(resume)) {
            RunFolder.checkWritable(resume);
            lock = RunLock.acquire(resume); // before its latest checkpoint is read
        } else if (resume == null) {
            RunFolder.checkWritable(outOption != null ? Path.of(outOption) : Path.of("runs"));
        }
        Path specFile = files.isEmpty() ? resume.resolve(RunFolder.SPEC) : Path.of(files.get(0));
        String specText = SpecFiles.text(specFile);
        ExperimentSpec spec = withOverrides(SpecFiles.load(specFile, specText, scriptTimeout), epochs, seed);
        spec = (init == null ? new InitOptions() : init).apply(spec);
        String specJson = SpecJson.INSTANCE.encode(spec);
        if (resume != null && Sentences.isSequence(spec)) {
            throw UserError.of(resume + ": a run of a sequence spec cannot be resumed yet; train it again into an "
                    + "empty --out");
        }
        Checkpoint from = null;
        Path outDir;
        if (resume != null) {
            from = resumePoint(resume, specJson, err);
            if (from == null && !Files.isRegularFile(resume.resolve(RunFolder.DATA))) {
                throw UserError.of(resume + ": the run stopped before it recorded its data options (no "
                        + RunFolder.DATA + "); train it again into an empty --out");
            }
            dataOptions = sameData(resume, dataOptions);
            outDir = resume;
        } else {
            checkNewFolder(outOption);
            outDir = null; // locked below, once the data is read
        }
        Map<String, Double> baselines = baselinesFile == null ? null : Baselines.read(baselinesFile, spec);
        if (Sentences.isSequence(spec)) {
            return trainSentences(specFile, specText, spec, dataOptions, baselines);
        }

        // a resumed run's weights come from its checkpoint: its initial weights' file is not read again
        CompiledExperiment exp = Experiments.compile(specFile,
                from == null ? spec : InitialWeightsSpecKt.withInitialWeights(spec, null));
        DataSources.RunData data = DataCheck.fit(specFile, spec, exp, DataSources.load(spec, dataOptions));

        TrainingSpec t = spec.getTraining();
        Dataset train = data.train();
        Dataset validation = null;
        DataCheck.trainable(specFile, exp, train);
        if (t.getValidationSplit() > 0) {
            Dataset.Split split = train.split(t.getValidationSplit(), t.getSeed());
            train = split.train();
            validation = split.validation();
        }
        if (resume == null) {
            lock = lockNewFolder(outOption, specFile); // nothing is written before the data is read
            outDir = lock.dir();
            OutputFiles.write(outDir.resolve(RunFolder.SPEC), specJson);
            SpecFiles.keepScript(specFile, specText, outDir);
            OutputFiles.write(outDir.resolve(RunFolder.DATA), Json.pretty(dataOptions.toJson()));
        }
        CheckpointStore store = RunFolder.store(outDir, spec);
        var batches = exp.batches(train);
        // a spec's own checkpoints (and their best-by-monitor) go to the run's folder; without any, the tool still
        // keeps one per epoch so that every run can be resumed and evaluated
        Trainer.Builder b = exp.trainerBuilder(batches.stepsPerEpoch(), store.root()).spec(specJson);
        if (t.getCheckpoints() == null) {
            b.checkpoints(store, new CheckpointSpec().getEvery());
        }
        if (!quiet) {
            b.progress(out);
        }
        out.println(data.description());
        Gemms.announce(out); // once per process: which backend runs, and how to get the fast one
        out.printf("epochs %d, batch %d, seed %d; run folder %s%n", t.getEpochs(), t.getBatchSize(), t.getSeed(), outDir);
        Trainer trainer = b.build();
        if (from != null) {
            try {
                trainer.resume(from);
            } catch (IllegalArgumentException | CheckpointException e) {
                throw UserError.of(resume + ": cannot resume: " + e.getMessage());
            }
            out.printf("resuming after epoch %d of %d%n", from.epoch(), t.getEpochs());
        } else if (resume != null) {
            out.println("no checkpoint yet (the run stopped before its first): training from the beginning with the "
                    + "run's spec, seed and data");
        }
        History history;
        try {
            history = trainer.fit(batches, validation);
        } catch (IllegalArgumentException e) {
            // what the spec's checks cannot see before a run: e.g. a monitor naming a key the history lacks
            throw UserError.of(specFile + ": training stopped: " + e.getMessage());
        }
        Map<String, Double> test = trainer.evaluate(data.test());
        report(outDir, spec, specJson, new RunReport.Data(data.name(), data.description(), train.size(),
                validation == null ? 0 : validation.size(), data.test().size()), history, test, store, baselines,
                "samples");
        return 0;
    }

    /**
     * A sequence spec's run on sentences ({@link Sentences}): the corpus read, the spec given its data's minimum count
     * and tag names and compiled with its vocabulary, the sentences checked against the model before the run folder
     * is made, bucketed training, the test sentences evaluated and the run folder written as for any run.
     */
    private int trainSentences(Path specFile, String specText, ExperimentSpec given, DataOptions dataOptions,
                               Map<String, Double> baselines) {
        Sentences.Data data = Sentences.load(given, dataOptions);
        ExperimentSpec spec = Sentences.forRun(given, dataOptions, data.brown());
        String specJson = SpecJson.INSTANCE.encode(spec);
        CompiledExperiment exp = Experiments.compile(specFile, spec, data.vocabulary());
        TrainingSpec t = spec.getTraining();
        SequenceDataset train = exp.getExperiment().bind(data.train()); // a fault before the run folder is made
        exp.getExperiment().bind(data.test());
        SequenceDataset validation = null;
        if (t.getValidationSplit() > 0) {
            SequenceDataset.Split split = train.split(t.getValidationSplit(), t.getSeed());
            train = split.train();
            validation = split.validation();
        }
        lock = lockNewFolder(outOption, specFile);
        Path outDir = lock.dir();
        OutputFiles.write(outDir.resolve(RunFolder.SPEC), specJson);
        SpecFiles.keepScript(specFile, specText, outDir);
        OutputFiles.write(outDir.resolve(RunFolder.DATA), Json.pretty(dataOptions.toJson()));
        CheckpointStore store = RunFolder.store(outDir, spec);
        out.println(data.description());
        Gemms.announce(out);
        out.printf("epochs %d, batch %d, seed %d; run folder %s%n", t.getEpochs(), t.getBatchSize(), t.getSeed(), outDir);
        TrainedModel model;
        try {
            model = exp.getExperiment().fit(train, validation, store.root(), b -> {
                b.spec(specJson);
                if (t.getCheckpoints() == null) {
                    b.checkpoints(store, new CheckpointSpec().getEvery());
                }
                if (!quiet) {
                    b.progress(out);
                }
            });
        } catch (IllegalArgumentException e) {
            throw UserError.of(specFile + ": training stopped: " + e.getMessage());
        }
        Map<String, Double> test = model.evaluate(data.test());
        report(outDir, spec, specJson, new RunReport.Data(Sentences.NAME, data.description(), train.size(),
                validation == null ? 0 : validation.size(), data.test().size()), model.history(), test, store,
                baselines, "sentences");
        return 0;
    }

    /** The run folder's history, metrics and plots, and the test table printed. */
    private void report(Path outDir, ExperimentSpec spec, String specJson, RunReport.Data data, History history,
                        Map<String, Double> test, CheckpointStore store, Map<String, Double> baselines, String unit) {
        OutputFiles.write(outDir.resolve("history.csv"), history.toCsv());
        Map<String, Object> metrics = metrics(spec, specJson, data, history, test, store);
        Double deltaM = baselines == null ? null : Baselines.deltaM(test, baselines);
        if (baselines != null) {
            metrics.put("delta_m", RunReport.finite(deltaM));
            metrics.put("baselines", Reports.perTask(baselines, spec));
        }
        OutputFiles.write(outDir.resolve(RunReport.METRICS), Json.pretty(metrics));
        List<String> plots;
        try {
            plots = HistoryPlots.write(history, Reports.tasks(spec), outDir);
        } catch (UncheckedIOException e) {
            throw UserError.of(e.getMessage());
        }
        out.println();
        out.printf("test results (%,d %s)%n", data.test(), unit);
        Reports.table(spec, test).print(out);
        if (baselines != null) {
            out.printf("Δm %s%% against the baselines (positive = worse)%n", MetricTable.number(deltaM, 2));
        }
        out.println("wrote " + outDir + ": spec.json, data.json, checkpoints/, history.csv, metrics.json"
                + (plots.isEmpty() ? "" : ", " + String.join(", ", plots)));
    }

    /**
     * The latest intact checkpoint of the run in {@code runDir} (a damaged newer one is named on {@code err}), if the
     * run's spec is {@code specJson}; null when the run stopped before its first checkpoint: it is then trained from
     * the beginning, with its spec, seed and data, into its own folder.
     */
    private static Checkpoint resumePoint(Path runDir, String specJson, PrintStream err) {
        Path recorded = runDir.resolve(RunFolder.SPEC);
        if (!Files.isRegularFile(recorded)) {
            throw UserError.of(runDir + ": not a run folder (no " + RunFolder.SPEC + ")");
        }
        String diff = RunFolder.difference(specJson, RunFolder.read(recorded));
        if (diff != null) {
            throw UserError.of("the spec differs from the run's (" + diff + "); a resumed run keeps its spec");
        }
        try {
            ExperimentSpec spec = SpecFiles.loadRecorded(recorded, RunFolder.read(recorded));
            var latest = RunFolder.latest(RunFolder.store(runDir, spec), err);
            if (latest.isEmpty()) {
                return null;
            }
            Checkpoint c = latest.get().checkpoint();
            if (c.spec() != null && RunFolder.difference(specJson, c.spec()) != null) {
                throw UserError.of(latest.get().dir() + ": the checkpoint was written by another spec than "
                        + recorded);
            }
            return c;
        } catch (CheckpointException e) {
            throw UserError.of(e.getMessage());
        }
    }

    /** The run's data options, refusing options given now that differ from them. */
    private static DataOptions sameData(Path runDir, DataOptions given) {
        DataOptions recorded = RunFolder.data(runDir);
        String diff = RunFolder.difference(Json.write(given.or(recorded).toJson()), Json.write(recorded.toJson()));
        if (diff != null) {
            throw UserError.of("the data options differ from the run's (" + diff + "); a resumed run keeps its data");
        }
        return recorded;
    }

    /** The spec with {@code --epochs} and {@code --seed} applied (null: as the spec says). */
    static ExperimentSpec withOverrides(ExperimentSpec s, Integer epochs, Long seed) {
        return ExperimentSpecKt.withRun(s, epochs, seed);
    }

    /** Refuses, before any work, an {@code --out} that exists and is not empty, naming a run that writes it. */
    private static void checkNewFolder(String option) {
        if (option == null) {
            return;
        }
        Path p = Path.of(option);
        if (Files.exists(p) && !isEmptyDirectory(p)) {
            if (Files.exists(p.resolve(RunLock.FILE))) {
                RunLock.acquire(p).close(); // a run writing the folder is named; a stale lock is let be
            }
            throw notEmpty(p);
        }
    }

    /**
     * The lock of a new run's folder, which must still be empty once locked: {@code --out}, or the first free {@code
     * runs/<name>[-k]} that no other run holds.
     */
    private static RunLock lockNewFolder(String option, Path specFile) {
        if (option != null) {
            RunLock lock = RunLock.acquire(Path.of(option));
            if (!isEmptyDirectory(lock.dir())) {
                lock.close();
                throw notEmpty(lock.dir());
            }
            return lock;
        }
        String name = SpecFiles.baseName(specFile);
        for (int k = 1; ; k++) {
            Path p = Path.of("runs", k == 1 ? name : name + "-" + k);
            if (Files.exists(p) && !isEmptyDirectory(p)) {
                continue;
            }
            RunLock lock = RunLock.tryAcquire(p);
            if (lock != null && isEmptyDirectory(p)) {
                return lock;
            }
            if (lock != null) {
                lock.close(); // another run took the folder between the look and the lock
            }
        }
    }

    /**
     * The fault of a new run's folder that is not empty. A run that stopped before its first checkpoint is continued
     * by {@code --resume} only, which checks that the spec, seed and data are the run's; a new run into its folder is
     * refused, not let replace it.
     */
    private static UserError notEmpty(Path p) {
        if (Files.isRegularFile(p.resolve(RunFolder.SPEC))
                && new CheckpointStore(p.resolve(RunFolder.CHECKPOINTS), 1).scan().checkpoints().isEmpty()) {
            return UserError.of(p + ": the run folder holds a run that stopped before its first checkpoint; "
                    + "'polyhead train --resume " + p + "' trains it from the beginning, or choose another --out");
        }
        return UserError.of(p + ": the run folder exists and is not empty; choose another --out");
    }

    /** An empty directory, or one that holds only a run's lock file (a held one is refused when locking). */
    private static boolean isEmptyDirectory(Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.allMatch(f -> f.getFileName().toString().equals(RunLock.FILE));
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Object> metrics(ExperimentSpec spec, String specJson, RunReport.Data data,
            History history, Map<String, Double> test, CheckpointStore store) {
        Map<String, Object> w = null;
        if (spec.getInitialWeights() != null) {
            w = new LinkedHashMap<>();
            w.put("file", spec.getInitialWeights().getFile());
            w.put("sha256", spec.getInitialWeights().getSha256());
        }
        return RunReport.metrics(Reports.tasks(spec), test, history, spec.getTraining().getSeed(), data, store,
                ExperimentSpecKt.SPEC_VERSION, w, specJson);
    }
}
