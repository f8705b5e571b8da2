package polyhead.spark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How {@link PolyheadSpark#fit} reads a DataFrame and where it writes: immutable, each {@code with…} returns a copy.
 * Start from {@link #features} (one numeric column per input value, in input order) or {@link #vector} (one array
 * column of numbers per sample), or for a model of several named inputs from {@link #input} or {@link #inputVector}
 * (then the same for each further input, {@link #withInput}, {@link #withInputVector}). Everything else has a default, stated here once:
 * <ul>
 *   <li>replicas: 0, meaning Spark's default parallelism (in {@code local[n]}: n); a barrier stage needs a free
 *   slot (core) for each replica at once;</li>
 *   <li>label columns: each task's label is the column named like the task; a null cell is a missing label;</li>
 *   <li>validation: none — then a spec's {@code training.validationSplit} holds out of the training DataFrame the
 *   rows a local run holds out of the same rows in the same order ({@code Dataset.heldOut}, from the spec's seed),
 *   before sharding; the rest are numbered on in order and sharded as without a split;</li>
 *   <li>test: none — the run folder's {@code metrics.json} then holds no test metrics;</li>
 *   <li>run folder: none — the trained model is only returned;</li>
 *   <li>exchange: {@link Exchange#RING}, waiting at most {@link #DEFAULT_EXCHANGE_TIMEOUT} for a peer.</li>
 * </ul>
 */
public record SparkTrainingOptions(List<String> featureColumns, String vectorColumn, List<InputColumns> inputs,
                                   int replicas,
                                   Map<String, String> labelColumns, Dataset<Row> validation, Dataset<Row> test, Path runFolder,
                                   Exchange exchange, Duration exchangeTimeout, List<ReplicaListener> listeners) {
    /** How the replicas sum each step's numbers. */
    public enum Exchange {
        /** A ring all-reduce over TCP between the replicas ({@code RingExchange}); the default. */
        RING,
        /**
         * Spark's barrier {@code allGather} ({@code BarrierExchange}): no sockets of Polyhead's own, but every array
         * passes through the driver, and Spark looks for the answer once a second, so each exchange takes about a
         * second (see BENCHMARKS.md).
         */
        ALL_GATHER
    }

    /**
     * Where one named input of a model of several inputs is: its numeric columns in order (as many as the input has
     * values), or one array column of numbers per sample.
     */
    public record InputColumns(String input, List<String> columns, String vector) implements java.io.Serializable {
        public InputColumns {
            Objects.requireNonNull(input, "input");
            columns = List.copyOf(columns);
            if (columns.isEmpty() == (vector == null)) {
                throw new IllegalArgumentException("input '" + input + "': give its features either as columns or as "
                        + "one vector column, not " + (columns.isEmpty() ? "neither" : "both"));
            }
        }
    }

    /** How long a replica waits for its peers at any point of an exchange before the step fails. */
    public static final Duration DEFAULT_EXCHANGE_TIMEOUT = Duration.ofMinutes(5);

    public SparkTrainingOptions {
        featureColumns = List.copyOf(featureColumns);
        inputs = List.copyOf(inputs);
        listeners = List.copyOf(listeners);
        labelColumns = Map.copyOf(labelColumns);
        int given = (featureColumns.isEmpty() ? 0 : 1) + (vectorColumn == null ? 0 : 1) + (inputs.isEmpty() ? 0 : 1);
        if (given != 1) {
            throw new IllegalArgumentException("give the features either as columns, as one vector column or per named "
                    + "input, not " + (given == 0 ? "none of these" : "several"));
        }
        if (inputs.stream().map(InputColumns::input).distinct().count() != inputs.size()) {
            throw new IllegalArgumentException("an input's columns are given twice: " + inputs.stream()
                    .map(InputColumns::input).toList());
        }
        Objects.requireNonNull(exchange, "exchange");
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw new IllegalArgumentException("the exchange timeout must be positive, got " + exchangeTimeout);
        }
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 1 (or 0 for Spark's default parallelism), got "
                    + replicas);
        }
    }

    /** Features in these numeric columns, in the model's input order. */
    public static SparkTrainingOptions features(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("give at least one feature column");
        }
        return new SparkTrainingOptions(List.of(columns), null, List.of(), 0, Map.of(), null, null, null,
                Exchange.RING, DEFAULT_EXCHANGE_TIMEOUT, List.of());
    }

    /** Features in one column holding an array of numbers per row ({@code array<float>} or {@code array<double>}). */
    public static SparkTrainingOptions vector(String column) {
        return new SparkTrainingOptions(List.of(), Objects.requireNonNull(column), List.of(), 0, Map.of(), null, null,
                null, Exchange.RING, DEFAULT_EXCHANGE_TIMEOUT, List.of());
    }

    /**
     * For a model of several named inputs: input {@code input}'s features in these numeric columns, in order; add
     * the other inputs with {@link #withInput} or {@link #withInputVector} (in any order: they are packed in the
     * model's input order).
     */
    public static SparkTrainingOptions input(String input, String... columns) {
        return new SparkTrainingOptions(List.of(), null, List.of(new InputColumns(input, List.of(columns), null)), 0,
                Map.of(), null, null, null, Exchange.RING, DEFAULT_EXCHANGE_TIMEOUT, List.of());
    }

    /** For a model of several named inputs: input {@code input}'s features in one array column; see {@link #input}. */
    public static SparkTrainingOptions inputVector(String input, String column) {
        return new SparkTrainingOptions(List.of(), null, List.of(new InputColumns(input, List.of(),
                Objects.requireNonNull(column))), 0, Map.of(), null, null, null, Exchange.RING,
                DEFAULT_EXCHANGE_TIMEOUT, List.of());
    }

    /** Another named input's features in these numeric columns. */
    public SparkTrainingOptions withInput(String input, String... columns) {
        return withInputs(new InputColumns(input, List.of(columns), null));
    }

    /** Another named input's features in one array column. */
    public SparkTrainingOptions withInputVector(String input, String column) {
        return withInputs(new InputColumns(input, List.of(), Objects.requireNonNull(column)));
    }

    private SparkTrainingOptions withInputs(InputColumns more) {
        List<InputColumns> l = new java.util.ArrayList<>(inputs);
        l.add(more);
        return new SparkTrainingOptions(featureColumns, vectorColumn, l, replicas, labelColumns, validation, test,
                runFolder, exchange, exchangeTimeout, listeners);
    }

    /** Runs {@code n} replicas, one per barrier task. */
    public SparkTrainingOptions withReplicas(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + n);
        }
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, n, labelColumns, validation, test, runFolder, exchange, exchangeTimeout, listeners);
    }

    /** Reads task {@code task}'s labels from {@code column} instead of the column named like the task. */
    public SparkTrainingOptions withLabelColumn(String task, String column) {
        Map<String, String> m = new LinkedHashMap<>(labelColumns);
        m.put(task, column);
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, m, validation, test, runFolder, exchange, exchangeTimeout, listeners);
    }

    /**
     * Validation data in the same layout, evaluated by every replica after each epoch (so early stopping and
     * metric-driven schedules decide alike everywhere): it is collected on the driver and broadcast, so it must fit
     * in memory.
     */
    public SparkTrainingOptions withValidation(Dataset<Row> data) {
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, data, test, runFolder, exchange, exchangeTimeout, listeners);
    }

    /**
     * Test data in the same layout, evaluated once by the driver on the trained model for the run folder's
     * {@code metrics.json} (as a local run's test split is): it is collected on the driver, so it must fit in memory.
     */
    public SparkTrainingOptions withTest(Dataset<Row> data) {
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, validation, data,
                runFolder, exchange, exchangeTimeout, listeners);
    }

    /**
     * The run folder, which must not exist or be empty: replica 0 writes the run's checkpoints to
     * {@code checkpoints/} as it trains (every epoch when the experiment asks for none; so the folder must be on a file system every executor and the driver
     * share), and at the end the driver writes {@code model/} (the trained model's checkpoint, what
     * {@code TrainedModel.load} reads), {@code history.csv}, {@code spec.json} (a JSON spec's), {@code metrics.json}
     * and the PNG plots ({@code polyhead.report}) — the files of a local {@code polyhead train} run's folder, which
     * {@code polyhead evaluate} and {@code predict} read, with {@code model/} added and without {@code data.json}
     * (the tool's own data options: a DataFrame has no path the tool could read; {@code SparkMain} writes it for a
     * CSV file).
     * When Spark retries the barrier stage after a replica failed, every replica resumes from the latest checkpoint
     * there.
     */
    public SparkTrainingOptions withRunFolder(Path folder) {
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, validation, test, folder, exchange, exchangeTimeout, listeners);
    }

    /** Sums each step's numbers through {@code kind}. */
    public SparkTrainingOptions withExchange(Exchange kind) {
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, validation, test, runFolder,
                kind, exchangeTimeout, listeners);
    }

    /** Waits at most {@code timeout} for a peer at any point of an exchange. */
    public SparkTrainingOptions withExchangeTimeout(Duration timeout) {
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, validation, test, runFolder,
                exchange, timeout, listeners);
    }

    /** Adds a listener to every replica's trainer, made on its executor. */
    public SparkTrainingOptions withListener(ReplicaListener listener) {
        List<ReplicaListener> l = new java.util.ArrayList<>(listeners);
        l.add(Objects.requireNonNull(listener));
        return new SparkTrainingOptions(featureColumns, vectorColumn, inputs, replicas, labelColumns, validation, test, runFolder,
                exchange, exchangeTimeout, l);
    }

    /** The label column of {@code task}. */
    String labelColumn(String task) {
        return labelColumns.getOrDefault(task, task);
    }
}
