package polyhead.samples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import polyhead.autodiff.Var;
import polyhead.data.BatchSource;
import polyhead.data.Dataset;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.spec.CheckpointSpec;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.ExperimentSpecKt;
import polyhead.dsl.spec.InvalidSpecException;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.TaskSpec;
import polyhead.dsl.spec.TrainingSpec;
import polyhead.io.CheckpointStore;
import polyhead.io.Checkpoints;
import polyhead.io.Json;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * {@code polyhead train SPEC}: trains the spec's experiment and writes the run's folder — {@code spec.json} (the
 * spec as run, options applied, every default spelled out), {@code checkpoints/} (a {@link CheckpointStore}),
 * {@code history.csv} (one row per epoch) and {@code metrics.json} (per-task test metrics and what produced them).
 * Every file is written atomically. Plots are not written yet.
 */
final class TrainCommand {
    static final String USAGE = """
            usage: polyhead train SPEC [options]

            Trains the experiment of SPEC, a JSON spec or a Kotlin script (.kts) ending with multiTask { ... },
            and writes its run folder:
              spec.json      the spec as run (options applied, every default spelled out)
              spec.kts       the script, when SPEC is one
              checkpoints/   checkpoints of the run (every epoch unless the spec's training.checkpoints says)
              history.csv    one row per epoch: losses, validation metrics, gradient diagnostics
              metrics.json   final per-task test metrics, with the spec, seed, data and versions that produced them

            The data: specs do not name their data; --dataset names it, otherwise it is inferred from the task
            names. Known: fashion (Fashion-MNIST; tasks item, 10 classes, and group, 5 classes; input [784],
            [28, 28] or [1, 28, 28]). Debian's full set (/usr/share/datasets/fashion-mnist) is used when installed,
            otherwise the subset shipped in samples/data/fashion-mnist; --data DIR reads the IDX files in DIR.

            options:
              --data DIR       folder of the dataset's IDX files
              --dataset NAME   the dataset (fashion); inferred from the task names when absent
              --out DIR        run folder (default runs/<spec name>, or runs/<spec name>-2, -3, ... if taken);
                               an existing folder must be empty
              --epochs N       override training.epochs
              --seed N         override training.seed (initialization, shuffling, validation split)
              --limit N        use only the first N training and N test images (quick runs)
              --quiet          no progress bar
              --help           this text

            exit codes: 0 trained, 1 bad spec, data or files, 2 bad command line
            """;

    private TrainCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("--data", "--dataset", "--out", "--epochs", "--seed", "--limit"),
                Set.of("--quiet", "--help"));
        if (a.has("--help")) {
            out.print(USAGE);
            return 0;
        }
        if (a.positionals().size() != 1) {
            throw UserError.usage(a.positionals().isEmpty() ? "train needs a SPEC file"
                    : "train takes one SPEC file, got " + a.positionals());
        }
        Path specFile = Path.of(a.positionals().get(0));
        Long epochs = a.number("--epochs", 1);
        Long seed = a.number("--seed", Long.MIN_VALUE);
        Long limit = a.number("--limit", 1);
        String specText = SpecFiles.text(specFile);
        ExperimentSpec spec = withOverrides(SpecFiles.load(specFile, specText), epochs, seed);
        FashionData.check(spec, a.value("--dataset"));
        Path outDir = outputFolder(a.value("--out"), specFile);

        CompiledExperiment exp;
        try {
            exp = SpecCompiler.INSTANCE.compile(spec);
        } catch (InvalidSpecException e) {
            throw SpecFiles.faults(specFile, e.getErrors());
        }
        FashionData.Loaded data = FashionData.load(spec, a.value("--data") == null ? null : Path.of(a.value("--data")),
                limit == null ? 0 : limit.intValue());
        checkHeads(exp, data.train());

        TrainingSpec t = spec.getTraining();
        Dataset train = data.train();
        Dataset validation = null;
        if (t.getValidationSplit() > 0) {
            Dataset.Split split = train.split(t.getValidationSplit(), t.getSeed());
            train = split.train();
            validation = split.validation();
        }
        String specJson = SpecJson.INSTANCE.encode(spec);
        OutputFiles.write(outDir.resolve("spec.json"), specJson);
        SpecFiles.keepScript(specFile, specText, outDir);
        CheckpointSpec cs = t.getCheckpoints() != null ? t.getCheckpoints() : new CheckpointSpec();
        CheckpointStore store = new CheckpointStore(outDir.resolve("checkpoints"), cs.getKeepLast());
        BatchSource batches = exp.batches(train);
        Trainer.Builder b = exp.trainerBuilder(batches.stepsPerEpoch(), null).spec(specJson)
                .checkpoints(store, cs.getEvery());
        if (!a.has("--quiet")) {
            b.progress(out);
        }
        out.printf("Fashion-MNIST from %s (%s): %,d training%s and %,d test images%n", data.folder(),
                data.description(), train.size(), validation == null ? "" : ", " + validation.size() + " validation",
                data.test().size());
        out.printf("epochs %d, batch %d, seed %d; run folder %s%n", t.getEpochs(), t.getBatchSize(), t.getSeed(), outDir);
        Trainer trainer = b.build();
        History history = trainer.fit(batches, validation);
        Map<String, Double> test = trainer.evaluate(data.test());

        OutputFiles.write(outDir.resolve("history.csv"), history.toCsv());
        Map<String, Object> metrics = metrics(spec, specJson, data, train.size(),
                validation == null ? 0 : validation.size(), history, test, store);
        OutputFiles.write(outDir.resolve("metrics.json"), Json.pretty(metrics));
        printResults(out, spec, test, data.test().size());
        out.println("wrote " + outDir + ": spec.json, checkpoints/, history.csv, metrics.json");
        return 0;
    }

    /** The spec with {@code --epochs} and {@code --seed} applied (null: as the spec says). */
    static ExperimentSpec withOverrides(ExperimentSpec s, Long epochs, Long seed) {
        if (epochs == null && seed == null) {
            return s;
        }
        TrainingSpec t = s.getTraining();
        TrainingSpec t2 = new TrainingSpec(epochs != null ? epochs.intValue() : t.getEpochs(), t.getBatchSize(),
                seed != null ? seed : t.getSeed(), t.getValidationSplit(), t.getSampling(), t.getEarlyStopping(),
                t.getCheckpoints(), t.getDiagnostics(), t.getOnNonFinite());
        return new ExperimentSpec(s.getVersion(), s.getInput(), s.getTrunk(), s.getTasks(), s.getArchitecture(),
                s.getWeighting(), s.getOptimizer(), t2);
    }

    /** {@code --out}, which must be empty if it exists; or the first free {@code runs/<name>[-k]}. */
    private static Path outputFolder(String option, Path specFile) {
        if (option != null) {
            Path p = Path.of(option);
            if (Files.exists(p) && !isEmptyDirectory(p)) {
                throw UserError.of(p + ": the run folder exists and is not empty; choose another --out");
            }
            return p;
        }
        String name = SpecFiles.baseName(specFile);
        Path p = Path.of("runs", name);
        for (int k = 2; Files.exists(p) && !isEmptyDirectory(p); k++) {
            p = Path.of("runs", name + "-" + k);
        }
        return p;
    }

    private static boolean isEmptyDirectory(Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Each head must have an output per class of its task's labels; checked on one sample before training. */
    private static void checkHeads(CompiledExperiment exp, Dataset train) {
        var arch = exp.getArchitecture();
        arch.eval();
        Map<String, Var> outs;
        try {
            outs = arch.outputs(Var.constant(train.rows(new int[] {0}).inputs()));
        } finally {
            arch.train(true);
        }
        for (int i = 0; i < exp.getSpec().getTasks().size(); i++) {
            String task = exp.getSpec().getTasks().get(i).getName();
            int classes = FashionData.CLASSES.get(task);
            int logits = outs.get(task).shape().dim(outs.get(task).shape().rank() - 1);
            if (logits != classes) {
                throw UserError.of("$.tasks[" + i + "].head: task " + task + " has " + classes
                        + " classes in Fashion-MNIST, but its head outputs " + logits + " logits");
            }
        }
    }

    private static Map<String, Object> metrics(ExperimentSpec spec, String specJson, FashionData.Loaded data,
            int trainRows, int validationRows, History history, Map<String, Double> test, CheckpointStore store) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> perTask = new LinkedHashMap<>();
        for (TaskSpec t : spec.getTasks()) {
            Map<String, Object> values = new LinkedHashMap<>();
            String prefix = t.getName() + ".";
            test.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    values.put(k.substring(prefix.length()), finite(v));
                }
            });
            perTask.put(t.getName(), values);
        }
        m.put("test", perTask);
        m.put("epochs", (long) history.epochs());
        m.put("seed", spec.getTraining().getSeed());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", "fashion-mnist");
        d.put("folder", data.folder().toString());
        d.put("set", data.description());
        d.put("train", (long) trainRows);
        d.put("validation", (long) validationRows);
        d.put("test", (long) data.test().size());
        m.put("data", d);
        store.latest().ifPresent(l -> m.put("checkpoint", store.root().getParent().relativize(l.dir()).toString()));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("polyhead", Checkpoints.LIBRARY_VERSION);
        v.put("specVersion", (long) ExperimentSpecKt.SPEC_VERSION);
        v.put("checkpointFormat", (long) Checkpoints.FORMAT_VERSION);
        v.put("java", System.getProperty("java.version"));
        m.put("versions", v);
        m.put("spec", Json.parse(specJson, "spec.json"));
        return m;
    }

    /** JSON has no NaN or infinity: those are written as null. */
    private static Object finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static void printResults(PrintStream out, ExperimentSpec spec, Map<String, Double> test, int rows) {
        out.printf("%ntest results (%,d images)%n", rows);
        for (TaskSpec t : spec.getTasks()) {
            StringBuilder line = new StringBuilder(String.format("  %-8s", t.getName()));
            String prefix = t.getName() + ".";
            test.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    line.append(String.format("  %s %.4f", k.substring(prefix.length()), v));
                }
            });
            out.println(line);
        }
    }
}
