package polyhead.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.data.DataException;
import polyhead.dsl.spec.ExperimentSpecKt;
import polyhead.experiment.Experiment;
import polyhead.experiment.ModelDescription;
import polyhead.experiment.TrainedModel;
import polyhead.experiment.TrainingPlan;
import polyhead.io.Json;
import polyhead.report.HistoryPlots;
import polyhead.report.RunReport;
import polyhead.train.GradientExchange;
import polyhead.train.TrainingException;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Trains a Polyhead experiment on a Spark DataFrame, synchronously data-parallel: R replicas of the model, one per
 * task of a barrier stage ({@code rdd.barrier()}: Spark starts them together and retries them together), each on
 * its shard of every global batch ({@link ShardBatches}: row i goes to replica i mod R, shuffled per epoch from the
 * experiment's seed), and every step the replicas sum what the weighting needs — per-task label counts and losses,
 * and the gradients (loss-level weightings) or each task's gradient of the shared parameters (gradient-level
 * weightings), as {@code polyhead.train.ReplicatedStep} states — through a ring all-reduce between the barrier tasks
 * ({@link RingExchange}; or Spark's own {@code allGather}, {@link BarrierExchange}, which costs about a second per
 * exchange), so that all replicas apply the step one process would take on the
 * whole global batch, and end with the same weights. The global batch is the experiment's
 * {@code training.batchSize}; each replica's is a 1/R share of it.
 *
 * <p>Sharding is deterministic when the DataFrame's row order is (a file read, a DataFrame made from a list;
 * not the output of a shuffle without an ordering). Validation data (optional) is evaluated on every replica.
 * Under task-balanced sampling, and multi-source sampling over one DataFrame per task
 * ({@link #run(ExperimentSource, Map, SparkTrainingOptions)}), every replica draws each global batch as one process
 * would and keeps the rows of its shard ({@link DrawnBatches}), so the run follows a local run of the same experiment
 * on the same rows. Gradients of the shared representation are gathered over the replicas (the global batch's
 * rows side by side), not summed, so gradient methods on them see the global batch too.
 */
public final class PolyheadSpark {
    private static final Logger LOG = LoggerFactory.getLogger(PolyheadSpark.class);

    private PolyheadSpark() {
    }

    /** Trains the experiment of a JSON spec; see {@link #fit(ExperimentSource, Dataset, SparkTrainingOptions)}. */
    public static TrainedModel fit(String specJson, Dataset<Row> data, SparkTrainingOptions options) {
        return run(ExperimentSource.spec(specJson), data, options).model();
    }

    /**
     * Trains the experiment {@code source} builds on {@code data} and returns the trained model, which is also
     * written to the options' run folder if one is given.
     *
     * @throws DataException             one line naming the DataFrame column at fault (missing, not numbers, a null
     *                                   feature, a NaN label), or an empty DataFrame
     * @throws IllegalArgumentException  one line naming what of the experiment or options cannot run data-parallel
     * @throws TrainingException         if the run failed (a non-finite loss)
     */
    public static TrainedModel fit(ExperimentSource source, Dataset<Row> data, SparkTrainingOptions options) {
        return run(source, data, options).model();
    }

    /** As {@link #fit(ExperimentSource, Dataset, SparkTrainingOptions)}, with the run's timing. */
    public static SparkRun run(ExperimentSource source, Dataset<Row> data, SparkTrainingOptions options) {
        Experiment experiment = source.create();
        if (experiment.training().sampling() == TrainingPlan.Sampling.MULTI_SOURCE) {
            throw new IllegalArgumentException("training.sampling: multiSource draws from one DataFrame per task; "
                    + "give PolyheadSpark.fit a DataFrame for each of " + experiment.architecture().taskNames());
        }
        return train(source, experiment, List.of(), List.of(data), options);
    }

    /** Trains the experiment of a JSON spec on one DataFrame per task; see {@link #run(ExperimentSource, Map, SparkTrainingOptions)}. */
    public static TrainedModel fit(String specJson, Map<String, Dataset<Row>> perTask, SparkTrainingOptions options) {
        return run(ExperimentSource.spec(specJson), perTask, options).model();
    }

    /** Trains on one DataFrame per task; see {@link #run(ExperimentSource, Map, SparkTrainingOptions)}. */
    public static TrainedModel fit(ExperimentSource source, Map<String, Dataset<Row>> perTask,
                                   SparkTrainingOptions options) {
        return run(source, perTask, options).model();
    }

    /**
     * Trains under multi-source sampling ({@code training.sampling: multiSource}, LibMTL's multi-input mode) on one
     * DataFrame per task, each holding the features and that task's label column (other columns are not read), as a
     * local run trains on one dataset per task: every step takes a global batch of {@code training.batchSize} rows of
     * each task's DataFrame, drawn as one process draws them ({@link DrawnBatches}), shared by the replicas.
     *
     * @throws IllegalArgumentException under another sampling, for a task without a DataFrame or a DataFrame of no
     *                                  task, or a task whose labels are derived from another's
     */
    public static SparkRun run(ExperimentSource source, Map<String, Dataset<Row>> perTask,
                               SparkTrainingOptions options) {
        Experiment experiment = source.create();
        if (experiment.training().sampling() != TrainingPlan.Sampling.MULTI_SOURCE) {
            throw new IllegalArgumentException("training.sampling: " + experiment.training().sampling()
                    + " draws from one DataFrame; one DataFrame per task needs multiSource sampling");
        }
        List<String> tasks = experiment.architecture().taskNames();
        for (String t : perTask.keySet()) {
            if (!tasks.contains(t)) {
                throw new IllegalArgumentException("DataFrame for task '" + t + "': the experiment has no such task; "
                        + "its tasks are " + tasks);
            }
        }
        ModelDescription d = experiment.modelDescription();
        List<Dataset<Row>> frames = new ArrayList<>();
        for (String t : tasks) {
            if (d != null && d.task(t) != null && d.task(t).derived() != null) {
                throw new IllegalArgumentException("task '" + t + "': its labels are derived from task '"
                        + d.task(t).derived().source() + "', which multi-source sampling does not do data-parallel");
            }
            Dataset<Row> f = perTask.get(t);
            if (f == null) {
                throw new IllegalArgumentException("multi-source data: no DataFrame for task '" + t + "'; got "
                        + perTask.keySet());
            }
            frames.add(f);
        }
        return train(source, experiment, tasks, frames, options);
    }

    /**
     * The run over {@code frames}: one DataFrame, or (with {@code sources} naming the task of each) one per task.
     */
    private static SparkRun train(ExperimentSource source, Experiment experiment, List<String> sources,
                                  List<Dataset<Row>> frames, SparkTrainingOptions options) {
        TrainingPlan plan = experiment.training();
        boolean split = plan.validationSplit() > 0 && options.validation() == null;
        if (split && !sources.isEmpty()) {
            throw new IllegalArgumentException("training.validationSplit: multiSource sampling trains on one DataFrame "
                    + "per task, which a validation split does not apply to; give validation data "
                    + "(SparkTrainingOptions.withValidation) or drop the split");
        }
        int[] input = FrameLayout.modelInput(experiment, options);
        FrameLayout layout = FrameLayout.of(experiment, options, input);
        int width = layout.width();
        List<FrameLayout> layouts = sources.isEmpty() ? List.of(layout)
                : sources.stream().map(layout::onlyTask).toList();
        List<int[]> columns = new ArrayList<>();
        for (int k = 0; k < frames.size(); k++) {
            columns.add(check(layouts.get(k), frames.get(k), sources.isEmpty() ? null : sources.get(k)));
        }
        Dataset<Row> first = frames.get(0);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(first.sparkSession().sparkContext());
        int replicas = options.replicas() > 0 ? options.replicas() : jsc.defaultParallelism();
        if (replicas > jsc.defaultParallelism()) {
            throw new IllegalArgumentException("replicas: " + replicas + " replicas need as many free task slots at "
                    + "once, Spark offers " + jsc.defaultParallelism() + " (spark.default.parallelism)");
        }
        Path folder = options.runFolder();
        if (folder != null) {
            requireEmpty(folder);
        }
        try {
            int[] rows = new int[frames.size()];
            for (int k = 0; k < frames.size(); k++) {
                rows[k] = rows(frames.get(k), sources.isEmpty() ? "DataFrame" : "DataFrame of task '"
                        + sources.get(k) + "'");
            }
            Broadcast<int[]> heldOut = null;
            SampleTable validationRows = null;
            if (split) {
                heldOut = jsc.broadcast(heldOut(rows[0], plan));
                validationRows = heldOutRows(frames.get(0), layout, columns.get(0), heldOut);
                rows[0] -= heldOut.value().length;
            } else if (options.validation() != null) {
                validationRows = collect(options.validation(), layout, width, "validation");
            }
            Broadcast<SampleTable> validation = validationRows == null ? null : jsc.broadcast(validationRows);
            SampleTable test = options.test() == null ? null : collect(options.test(), layout, width, "test");
            JavaPairRDD<Long, float[]> keyed = keyed(frames.get(0), 0, layouts.get(0), columns.get(0), heldOut);
            for (int k = 1; k < frames.size(); k++) {
                keyed = keyed.union(keyed(frames.get(k), k, layouts.get(k), columns.get(k), null));
            }
            ReplicaTask task = new ReplicaTask(source, layout, input, rows, replicas, validation,
                    folder == null ? null : folder.toAbsolutePath().toString(), options.exchange(),
                    options.exchangeTimeout(), options.listeners());
            ClassTag<ReplicaResult> tag = ClassTag$.MODULE$.apply(ReplicaResult.class);
            RDD<ReplicaResult> trained = keyed.partitionBy(new ModPartitioner(replicas)).rdd().barrier()
                    .mapPartitions(task, false, tag);
            // through a shuffle: Spark retries a failed barrier stage only when it is not the job's last
            List<ReplicaResult> results = trained.toJavaRDD().repartition(1).collect();
            long total = Arrays.stream(rows).asLongStream().sum();
            RunReport.Data counts = new RunReport.Data(sources.isEmpty() ? "DataFrame" : "DataFrames, one per task",
                    first.columns().length + " columns", total,
                    validationRows == null ? 0 : validationRows.size(), test == null ? 0 : test.size());
            return finish(experiment, results, folder, test == null ? null : experiment.bind(test.dataset(input)), counts);
        } catch (Exception e) { // Spark's SparkException is checked, and thrown undeclared from Scala
            throw ownFault(e);
        }
    }

    /** The layout's column indices in {@code frame}; a fault names the task whose DataFrame it is, if any. */
    private static int[] check(FrameLayout layout, Dataset<Row> frame, String task) {
        try {
            return layout.check(frame.schema());
        } catch (DataException e) {
            if (task == null) {
                throw e;
            }
            String m = e.getMessage();
            throw new DataException(m.startsWith("DataFrame column") ? "DataFrame of task '" + task + "', column"
                    + m.substring("DataFrame column".length()) : "DataFrame of task '" + task + "'"
                    + m.substring("DataFrame".length()));
        }
    }

    /** The rows of {@code frame}, at least one and at most {@link Integer#MAX_VALUE}. */
    private static int rows(Dataset<Row> frame, String what) {
        long rows = frame.count();
        if (rows == 0) {
            throw new DataException(what + ": no rows; nothing to train on");
        }
        if (rows > Integer.MAX_VALUE) {
            throw new DataException(what + ": " + rows + " rows; at most " + Integer.MAX_VALUE);
        }
        return (int) rows;
    }

    /** A DataFrame (validation or test data) read on the driver; {@code what} names it in errors. */
    private static SampleTable collect(Dataset<Row> frame, FrameLayout layout, int width, String what) {
        int[] columns = layout.check(frame.schema());
        List<float[]> rows = new ArrayList<>();
        long i = 0;
        for (Row r : frame.collectAsList()) {
            rows.add(layout.read(r, i++, columns));
        }
        if (rows.isEmpty()) {
            throw new DataException(what + " DataFrame: no rows; nothing to " + (what.equals("test") ? "test" : "validate")
                    + " on");
        }
        return layout.table(rows);
    }

    /**
     * Each row of DataFrame {@code source} keyed by its row number ({@link ModPartitioner#key}), read on the
     * executors; without the rows {@code heldOut} names (if not null), the others numbered on in their order, as
     * {@link polyhead.data.Dataset#split} keeps a local run's training rows.
     */
    private static JavaPairRDD<Long, float[]> keyed(Dataset<Row> data, int source, FrameLayout layout, int[] columns,
                                                    Broadcast<int[]> heldOut) {
        JavaPairRDD<Row, Long> numbered = data.javaRDD().zipWithIndex();
        if (heldOut == null) {
            return numbered.mapToPair(t -> new Tuple2<>(ModPartitioner.key(source, t._2()),
                    layout.read(t._1(), t._2(), columns)));
        }
        return numbered.filter(t -> Arrays.binarySearch(heldOut.value(), t._2().intValue()) < 0)
                .mapToPair(t -> {
                    long before = -Arrays.binarySearch(heldOut.value(), t._2().intValue()) - 1;
                    return new Tuple2<>(ModPartitioner.key(source, t._2() - before), layout.read(t._1(), t._2(),
                            columns));
                });
    }

    /**
     * The rows a local run holds out of {@code rows} for the plan's {@code validationSplit}
     * ({@link polyhead.data.Dataset#heldOut}, from the plan's seed), refused as a local run refuses a split that
     * leaves a part empty.
     */
    private static int[] heldOut(int rows, TrainingPlan plan) {
        if (rows < polyhead.data.Dataset.minRowsToSplit(plan.validationSplit())) {
            throw new DataException("training.validationSplit: " + plan.validationSplit() + " "
                    + polyhead.data.Dataset.tooFewRows(plan.validationSplit(), rows, "validation")
                    + " or drop the split");
        }
        return polyhead.data.Dataset.heldOut(rows, plan.validationSplit(), plan.seed());
    }

    /** The held-out rows of {@code data}, read on the executors and collected on the driver in row order. */
    private static SampleTable heldOutRows(Dataset<Row> data, FrameLayout layout, int[] columns,
                                           Broadcast<int[]> heldOut) {
        List<Tuple2<Long, float[]>> picked = new ArrayList<>(data.javaRDD().zipWithIndex()
                .filter(t -> Arrays.binarySearch(heldOut.value(), t._2().intValue()) >= 0)
                .map(t -> new Tuple2<>(t._2(), layout.read(t._1(), t._2(), columns))).collect());
        picked.sort(Comparator.comparingLong(Tuple2::_1));
        return layout.table(picked.stream().map(Tuple2::_2).toList());
    }

    private static SparkRun finish(Experiment experiment, List<ReplicaResult> results, Path folder,
            polyhead.data.Dataset test, RunReport.Data counts) {
        ReplicaResult zero = results.stream().filter(r -> r.rank() == 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("replica 0 returned nothing"));
        Path dir = null;
        try {
            dir = folder != null ? folder.resolve("model") : Files.createTempDirectory("polyhead-spark-");
            Path target = folder != null ? dir : dir.resolve("model");
            for (Map.Entry<String, byte[]> f : zero.files().entrySet()) {
                Path p = target.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            Checkpoint c = Checkpoints.read(target);
            TrainedModel model = TrainedModel.restore(experiment, c, target.toString());
            if (folder != null) {
                Files.writeString(folder.resolve("history.csv"), model.history().toCsv());
                if (experiment.description() != null) {
                    Files.writeString(folder.resolve("spec.json"), experiment.description());
                }
            }
            Map<String, Double> metrics = test == null ? Map.of() : model.evaluate(test);
            if (folder != null) {
                report(experiment, model, folder, metrics, counts);
            }
            double seconds = results.stream().mapToDouble(ReplicaResult::seconds).max().orElse(0);
            double exchange = results.stream().mapToDouble(ReplicaResult::exchangeSeconds).max().orElse(0);
            SparkRun run = new SparkRun(model, results.size(), zero.steps(), seconds, exchange, metrics);
            LOG.info("{} replicas took {} steps in {} s ({} s of it in the exchange)", run.replicas(), run.steps(),
                    String.format("%.3f", seconds), String.format("%.3f", exchange));
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (folder == null && dir != null) {
                ReplicaTask.delete(dir);
            }
        }
    }

    /**
     * The run folder's {@code metrics.json} (the test data's metrics when given, and what produced them) and PNG
     * plots, as a local run writes them ({@link RunReport}, {@link HistoryPlots}).
     */
    private static void report(Experiment experiment, TrainedModel model, Path folder, Map<String, Double> metrics,
            RunReport.Data counts) throws IOException {
        List<String> tasks = experiment.architecture().taskNames();
        TrainingPlan plan = experiment.training();
        Map<String, Object> json = RunReport.metrics(tasks, metrics, model.history(), plan.seed(), counts,
                new CheckpointStore(folder.resolve("checkpoints"), plan.keepLast()), ExperimentSpecKt.SPEC_VERSION,
                null, experiment.description());
        Files.writeString(folder.resolve(RunReport.METRICS), Json.pretty(json));
        HistoryPlots.write(model.history(), tasks, folder);
    }

    private static void requireEmpty(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": the run folder is a file");
        }
        try (Stream<Path> s = Files.list(folder)) {
            if (s.findAny().isPresent()) {
                throw new IllegalArgumentException(folder + ": the run folder is not empty");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The Polyhead fault inside what Spark threw (a replica's exception travels to the driver as the cause of a
     * SparkException), so the caller gets its one line; anything else as it came.
     */
    private static RuntimeException ownFault(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof DataException || c instanceof IllegalArgumentException || c instanceof TrainingException
                    || c instanceof GradientExchange.ExchangeException || c instanceof CheckpointException) {
                return (RuntimeException) c;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
