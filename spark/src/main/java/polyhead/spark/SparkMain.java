package polyhead.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import polyhead.data.DataException;
import polyhead.dsl.spec.InvalidSpecException;
import polyhead.experiment.TrainedModel;
import polyhead.io.FileFaults;
import polyhead.io.FormatException;
import polyhead.io.UserText;
import polyhead.report.RunReport;
import polyhead.train.GradientExchange;
import polyhead.train.TrainingException;

/**
 * The main class {@code spark-submit} runs: trains a JSON spec on a DataFrame read from a CSV (with a header line)
 * or Parquet file that Spark reads (or, under multi-source sampling, one per task), data-parallel
 * ({@link PolyheadSpark}), into a run folder, and prints the per-task metrics. The options name the columns as
 * {@link SparkTrainingOptions} does (and take its defaults). When the data is a CSV file the {@code polyhead} tool
 * reads as the run did, the run folder also gets the tool's {@code data.json} ({@code dataJson} says when). A fault is one
 * line on stderr, with the exit codes of the {@code polyhead} tool: 0 trained, 1 bad spec, data or files, 2 bad
 * command line, 3 a bug (its stack trace with {@code POLYHEAD_TRACE=1}).
 *
 * <pre>
 * spark-submit --master local[2] --class polyhead.spark.SparkMain spark/target/polyhead-spark-0.1.0-SNAPSHOT-all.jar \
 *     spec.json --data data.csv --features x0,x1 --out runs/spark
 * </pre>
 */
@Command(name = "polyhead-spark", sortOptions = false,
        description = "Trains the experiment of a JSON spec on Spark, data-parallel, into a run folder.",
        footer = "exit codes: 0 trained, 1 bad spec, data or files, 2 bad command line")
public final class SparkMain implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "the JSON spec (a local file on the driver)")
    Path spec;

    @Option(names = "--data", paramLabel = "PATH", description = {
            "the training data, a path Spark reads (file:, hdfs:, s3a:, ...): CSV with a header line",
            "(columns typed from their values; an empty cell is null) or Parquet"})
    String data;

    @Option(names = "--task-data", paramLabel = "TASK=PATH", description = {
            "instead of --data, under the spec's multiSource sampling: one task's training data (its",
            "features and its label column); once per task"})
    Map<String, String> taskData = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "csv|parquet",
            description = "the files' format (default: from the extension of --data, else csv)")
    String format;

    @Option(names = "--features", paramLabel = "COLUMNS", split = ",",
            description = "the feature columns, in the model's input order")
    List<String> features;

    @Option(names = "--vector", paramLabel = "COLUMN",
            description = "instead of --features: one column holding an array of numbers per row")
    String vector;

    @Option(names = "--input", paramLabel = "NAME=COLUMNS", description = {
            "instead of --features, for a spec of several named inputs: one input's feature columns,",
            "comma-separated, in order; once per input (or --input-vector)"})
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--input-vector", paramLabel = "NAME=COLUMN",
            description = "one named input's features in one column holding an array of numbers per row")
    Map<String, String> inputVectors = new LinkedHashMap<>();

    @Option(names = "--label", paramLabel = "TASK=COLUMN",
            description = "the label column of a task (default: the column named like the task)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--replicas", paramLabel = "N",
            description = "replicas, one per barrier task (default: Spark's default parallelism)")
    Integer replicas;

    @Option(names = "--validation", paramLabel = "PATH",
            description = "validation data in the same layout, evaluated after each epoch")
    String validation;

    @Option(names = "--test", paramLabel = "PATH",
            description = "test data in the same layout, evaluated at the end for the printed metrics and metrics.json")
    String test;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = {
            "the run folder, on a file system the driver and every executor share; it must not",
            "exist or be empty"})
    Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    private final PrintStream stdout;

    SparkMain(PrintStream stdout) {
        this.stdout = stdout;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        if (code != 0) {
            System.exit(code); // spark-submit's own exit code is 0 whenever main returns
        }
    }

    /** Runs with {@code args}; what it prints goes to {@code out}, faults to {@code err}. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SparkMain(out));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + UserText.printable(e.getMessage()));
            err.println("(polyhead-spark --help lists the options)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, at, parsed) -> fault(e, err));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        int kinds = (features == null ? 0 : 1) + (vector == null ? 0 : 1)
                + (inputs.isEmpty() && inputVectors.isEmpty() ? 0 : 1);
        if (kinds != 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "give either --features, --vector, or --input/--input-vector for each named input");
        }
        if ((data == null) == taskData.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "give either --data or --task-data for each task");
        }
        String json;
        try {
            json = Files.readString(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(FileFaults.reading(spec, e), e);
        }
        ExperimentSource source = ExperimentSource.spec(json);
        source.create(); // the spec's faults before any Spark work
        SparkTrainingOptions options = columns();
        for (Map.Entry<String, String> l : labels.entrySet()) {
            options = options.withLabelColumn(l.getKey(), l.getValue());
        }
        if (replicas != null) {
            options = options.withReplicas(replicas);
        }
        SparkSession spark = SparkSession.builder().appName("polyhead " + spec.getFileName()).getOrCreate();
        Dataset<Row> train = data == null ? null : read(spark, data, "--data");
        Map<String, Dataset<Row>> perTask = new LinkedHashMap<>();
        taskData.forEach((task, path) -> perTask.put(task, read(spark, path, "--task-data " + task)));
        if (validation != null) {
            options = options.withValidation(read(spark, validation, "--validation"));
        }
        if (test != null) {
            options = options.withTest(read(spark, test, "--test"));
        }
        options = options.withRunFolder(out);
        SparkRun run = train != null ? PolyheadSpark.run(source, train, options)
                : PolyheadSpark.run(source, perTask, options);
        report(run);
        String why = train == null ? "the data is one DataFrame per task" : dataJson(source, train);
        stdout.printf("%d replicas, %d steps, %.1f steps/s; wrote %s%s%n", run.replicas(), run.steps(),
                run.stepsPerSecond(), out, why == null ? "" : " (no data.json: " + why
                        + "; give polyhead evaluate the data options)");
        return 0;
    }

    /** The options' feature columns: one input's, or each named input's. */
    private SparkTrainingOptions columns() {
        if (features != null) {
            return SparkTrainingOptions.features(features.toArray(String[]::new));
        }
        if (vector != null) {
            return SparkTrainingOptions.vector(vector);
        }
        SparkTrainingOptions o = null;
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String[] c = e.getValue().split(",");
            o = o == null ? SparkTrainingOptions.input(e.getKey(), c) : o.withInput(e.getKey(), c);
        }
        for (Map.Entry<String, String> e : inputVectors.entrySet()) {
            o = o == null ? SparkTrainingOptions.inputVector(e.getKey(), e.getValue())
                    : o.withInputVector(e.getKey(), e.getValue());
        }
        return o;
    }

    /**
     * Writes the run folder's {@code data.json} — the {@code polyhead} tool's data options ({@code dataset},
     * {@code data}, {@code testData}, as {@code polyhead train} records them) — when {@code polyhead evaluate} can
     * read this run's data with them: {@code --data} (and {@code --test}, if given) is a CSV file on the driver's
     * file system whose columns are the {@code --features}, in order, and one label column per task named like it,
     * as {@code --dataset csv} reads a CSV. Without {@code --test}, the tool's evaluation then takes its test rows
     * from the training data, as it does for a local run trained without {@code --test-data}.
     *
     * @return null when written, else why not
     */
    private String dataJson(ExperimentSource source, Dataset<Row> train) throws IOException {
        Path file = localCsv(data);
        Path testFile = test == null ? null : localCsv(test);
        if (file == null || (test != null && testFile == null)) {
            return "the data is not a CSV file on the driver's file system";
        }
        if (features == null || !labels.entrySet().stream().allMatch(e -> e.getKey().equals(e.getValue()))) {
            return "the tool reads a CSV's features as every column but the tasks' labels, named like the tasks";
        }
        List<String> tasks = source.create().architecture().taskNames();
        List<String> rest = java.util.Arrays.stream(train.columns()).filter(c -> !tasks.contains(c)).toList();
        if (!rest.equals(features)) {
            return "the tool would read the features " + rest + ", not " + features;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", "csv");
        json.put("data", file.toString());
        if (testFile != null) {
            json.put("testData", testFile.toString());
        }
        Files.writeString(out.resolve(DATA_JSON), polyhead.io.Json.pretty(json));
        return null;
    }

    /** The run folder's record of the tool's data options (the name {@code polyhead train} gives it). */
    static final String DATA_JSON = "data.json";

    /** {@code path} as an absolute local file, if it is a CSV file on the driver's file system; else null. */
    private Path localCsv(String path) {
        String f = format != null ? format.toLowerCase(Locale.ROOT)
                : path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
        String p = path.startsWith("file:") ? java.net.URI.create(path).getPath() : path;
        if (!f.equals("csv") || p == null || p.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null;
        }
        Path file = Path.of(p).toAbsolutePath().normalize();
        return Files.isRegularFile(file) ? file : null;
    }

    /** The test metrics when there is test data, else the last epoch's (validation metrics, training losses). */
    private void report(SparkRun run) {
        TrainedModel model = run.model();
        List<String> tasks = model.architecture().taskNames();
        Map<String, Double> values = new LinkedHashMap<>();
        String what;
        if (test != null) {
            values.putAll(run.test());
            what = "test results";
        } else {
            String prefix = validation != null ? "val." : "train.";
            model.history().last().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    values.put(k.substring(prefix.length()), v);
                }
            });
            what = validation != null ? "validation results of the last epoch" : "training losses of the last epoch";
        }
        List<String> metrics = new ArrayList<>();
        for (String k : values.keySet()) {
            String m = k.substring(k.indexOf('.') + 1);
            if (!metrics.contains(m)) {
                metrics.add(m);
            }
        }
        stdout.println(what);
        RunReport.table(tasks, metrics, values).print(stdout);
    }

    /** The DataFrame of {@code path}, in the format given or its extension says. */
    private Dataset<Row> read(SparkSession spark, String path, String option) {
        String f = format != null ? format.toLowerCase(Locale.ROOT)
                : path.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
        try {
            return switch (f) {
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(path);
                case "parquet" -> spark.read().parquet(path);
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "--format: '" + format + "' is neither csv nor parquet");
            };
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) { // AnalysisException (no such path, not Parquet), thrown undeclared from Scala
            throw new DataException(option + " " + path + ": " + firstLine(e));
        }
    }

    /** The exit code of a fault, reported in one line on {@code err}. */
    static int fault(Exception e, PrintStream err) {
        if (e instanceof CommandLine.ParameterException p) {
            err.println("error: " + UserText.printable(p.getMessage()));
            return 2;
        }
        if (e instanceof InvalidSpecException || e instanceof DataException || e instanceof FormatException
                || e instanceof TrainingException || e instanceof IllegalArgumentException
                || e instanceof GradientExchange.ExchangeException || e instanceof UncheckedIOException
                || e instanceof AnalysisException) {
            String[] lines = e.getMessage().split("\n");
            err.println("error: " + UserText.printable(lines[0]));
            for (int i = 1; i < lines.length && e instanceof InvalidSpecException; i++) {
                err.println("  " + UserText.printable(lines[i])); // one line per fault of the spec
            }
            return 1;
        }
        err.println("error: internal fault: " + UserText.printable(e.toString())
                + " (a bug; POLYHEAD_TRACE=1 prints its stack trace)");
        if ("1".equals(System.getenv("POLYHEAD_TRACE"))) {
            e.printStackTrace(err);
        }
        return 3;
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.split("\n")[0];
    }
}
