package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import polyhead.data.Batch;
import polyhead.data.BatchSource;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.experiment.Algorithm;
import polyhead.experiment.Experiment;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TrainedModel;
import polyhead.experiment.TrainingPlan;
import polyhead.experiment.WeightingPlan;
import polyhead.loss.Losses;
import polyhead.tensor.Tensor;

/** One Spark session for the module's tests (local[2]), a tiny two-task problem and its one-process reference. */
final class SparkFixtures {
    static final int ROWS = 45;
    static final int BATCH = 16;
    private static SparkSession spark;

    private SparkFixtures() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2,4]").appName("polyhead-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return spark;
    }

    /** Two features; task a: the class of x0 &gt; 0; task b: a real value, missing (null) on about 60% of rows. */
    static List<Row> rows(boolean vector) {
        Random rng = new Random(11);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double x0 = rng.nextGaussian();
            double x1 = rng.nextGaussian();
            Integer a = x0 > 0 ? 1 : 0;
            Double b = rng.nextDouble() < 0.4 ? 0.5 * x1 - 0.2 * x0 : null;
            out.add(vector ? RowFactory.create(List.of((float) x0, (float) x1), a, b)
                    : RowFactory.create(x0, x1, a, b));
        }
        return out;
    }

    static StructType schema(boolean vector) {
        StructType s = new StructType();
        s = vector ? s.add("v", DataTypes.createArrayType(DataTypes.FloatType), false)
                : s.add("x0", DataTypes.DoubleType, false).add("x1", DataTypes.DoubleType, false);
        return s.add("a", DataTypes.IntegerType, true).add("b", DataTypes.DoubleType, true);
    }

    static org.apache.spark.sql.Dataset<Row> frame(boolean vector) {
        return spark().createDataFrame(rows(vector), schema(vector));
    }

    static ExperimentSource experiment(String weighting) {
        return experiment(weighting, 2, 7, 0);
    }

    /** With checkpoints every epoch and every {@code everySteps} steps when that is positive. */
    static ExperimentSource experiment(String weighting, int epochs, long seed, int everySteps) {
        return experiment(weighting, epochs, seed, everySteps, TrainingPlan.Sampling.SHUFFLED, 0);
    }

    /** Sampled as {@code sampling} says, otherwise as {@link #experiment(String)}. */
    static ExperimentSource experiment(String weighting, TrainingPlan.Sampling sampling) {
        return experiment(weighting, sampling, 0);
    }

    /** Sampled as {@code sampling} says, holding out {@code validationSplit} of the rows. */
    static ExperimentSource experiment(String weighting, TrainingPlan.Sampling sampling, double validationSplit) {
        return experiment(weighting, 2, 7, 0, sampling, validationSplit);
    }

    private static ExperimentSource experiment(String weighting, int epochs, long seed, int everySteps,
                                               TrainingPlan.Sampling sampling, double validationSplit) {
        return () -> new ExperimentBuilder().input(2).trunk(Layers.dense(8), Layers.tanh())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy())
                        .labels(LabelType.CLASS_INDEX))
                .task(TaskPlan.named("b").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR))
                .weighting(weighting.equals("pcGrad") ? WeightingPlan.pcGrad() : WeightingPlan.equal())
                .optimizer(OptimizerPlan.of(Algorithm.of("adam", Map.of("lr", 0.02))))
                .training(plan(epochs, seed, everySteps).sampling(sampling).validationSplit(validationSplit))
                .build();
    }

    private static TrainingPlan plan(int epochs, long seed, int everySteps) {
        TrainingPlan p = TrainingPlan.defaults().epochs(epochs).batchSize(BATCH).seed(seed);
        return everySteps > 0 ? p.checkpoints(1, everySteps, 3) : p;
    }

    /**
     * The batches one process at the global batch takes: at each step the union of the replicas' batches, in rank
     * order, drawn exactly as {@link ShardBatches} draws them.
     */
    static BatchSource union(Experiment e, List<Row> rows, int replicas) {
        FrameLayout layout = new FrameLayout(List.of("x0", "x1"), null, labels(), 2);
        int[] columns = {0, 1, 2, 3};
        List<ShardBatches> shards = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            int rank = r;
            List<float[]> mine = new ArrayList<>();
            IntStream.range(0, rows.size()).filter(i -> i % replicas == rank)
                    .forEach(i -> mine.add(layout.read(rows.get(i), i, columns)));
            Dataset shard = e.bind(layout.table(mine)
                    .dataset(new int[] {2}));
            shards.add(new ShardBatches(shard, rows.size(), BATCH, replicas, r));
        }
        return new BatchSource() {
            @Override
            public int stepsPerEpoch() {
                return shards.get(0).stepsPerEpoch();
            }

            @Override
            public Iterator<List<Batch>> epoch(Random rng) {
                long seed = rng.nextLong();
                List<Iterator<List<Batch>>> its = shards.stream().map(s -> s.epoch(seed)).toList();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return its.get(0).hasNext();
                    }

                    @Override
                    public List<Batch> next() {
                        List<Dataset> parts = new ArrayList<>();
                        for (var it : its) {
                            for (Batch b : it.next()) {
                                parts.add(Dataset.of(b.inputs(), b.targets(), b.masks()));
                            }
                        }
                        Dataset all = Dataset.merge(parts);
                        return List.of(all.batch(IntStream.range(0, all.size()).toArray()));
                    }
                };
            }

            @Override
            public List<String> tasks() {
                return List.of("a", "b");
            }
        };
    }

    /** Tasks a and b, each labelled in the column of its name, in task order. */
    static Map<String, String> labels() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("a", "a");
        m.put("b", "b");
        return m;
    }

    /**
     * Asserts that the run's weights are those of the one-process run {@code alone} to {@code tolerance} each, and that
     * training moved them (from {@code source}'s initial weights) by more than 1e-2 somewhere.
     */
    static void assertFollows(Experiment alone, TrainedModel run, ExperimentSource source,
                              double tolerance, String what) {
        Map<String, Tensor> expected = alone.architecture().stateDict();
        Map<String, Tensor> got = run.architecture().stateDict();
        assertEquals(expected.keySet(), got.keySet());
        double worst = 0;
        double moved = 0;
        Map<String, Tensor> initial = source.create().architecture().stateDict();
        for (String k : expected.keySet()) {
            float[] e = expected.get(k).data();
            float[] g = got.get(k).data();
            for (int i = 0; i < e.length; i++) {
                worst = Math.max(worst, Math.abs(e[i] - g[i]));
                moved = Math.max(moved, Math.abs(e[i] - initial.get(k).data()[i]));
            }
        }
        assertTrue(worst <= tolerance, what + ": the replicas' weights differ by "
                + worst);
        assertTrue(moved > 1e-2, what + ": training moved the weights: " + moved);
    }
}
