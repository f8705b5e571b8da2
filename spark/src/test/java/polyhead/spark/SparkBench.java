package polyhead.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import polyhead.data.LabelType;
import polyhead.experiment.Algorithm;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TrainingPlan;
import polyhead.experiment.WeightingPlan;
import polyhead.loss.Losses;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The figures of BENCHMARKS.md's Spark section (not a test; run by hand, see there): steps per second of a
 * data-parallel run with 1 and 2 replicas in local mode against one process without Spark, and the time of one
 * exchange against the number of values, for the ring over loopback and for Spark's allGather.
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("polyhead-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        stepsPerSecond(spark);
        ringExchange();
        allGather(spark);
        spark.stop();
    }

    /** An MLP of 100-256-128 with two heads (about 60,000 parameters) on 4,096 synthetic rows, batch 256. */
    private static ExperimentSource experiment(String weighting, int epochs) {
        return () -> new ExperimentBuilder().input(100).trunk(Layers.dense(256), Layers.relu(), Layers.dense(128),
                        Layers.relu())
                .task(TaskPlan.named("a").head(Layers.dense(10)).loss(Losses.crossEntropy())
                        .labels(LabelType.CLASS_INDEX))
                .task(TaskPlan.named("b").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR))
                .weighting(weighting.equals("pcGrad") ? WeightingPlan.pcGrad() : WeightingPlan.equal())
                .optimizer(OptimizerPlan.of(Algorithm.of("adam", Map.of("lr", 0.001))))
                .training(TrainingPlan.defaults().epochs(epochs).batchSize(256).seed(1).diagnostics(false))
                .build();
    }

    private static void stepsPerSecond(SparkSession spark) {
        Random rng = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            List<Float> x = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                x.add((float) rng.nextGaussian());
            }
            rows.add(RowFactory.create(x, rng.nextInt(10), rng.nextGaussian()));
        }
        StructType schema = new StructType().add("v", DataTypes.createArrayType(DataTypes.FloatType))
                .add("a", DataTypes.IntegerType).add("b", DataTypes.DoubleType);
        var frame = spark.createDataFrame(rows, schema).cache();
        frame.count();
        System.out.println("## steps per second (MLP 100-256-128, two heads, batch 256, 4,096 rows, 16 steps an epoch)");
        System.out.println("| weighting | exchange | replicas | steps/s (median of 3) | exchange ms/step |");
        List<float[]> table = new ArrayList<>();
        FrameLayout layout = new FrameLayout(List.of(), "v", SparkFixtures.labels(), 100);
        long i = 0;
        for (Row row : frame.collectAsList()) {
            table.add(layout.read(row, i++, new int[] {0, 1, 2}));
        }
        polyhead.data.Dataset data = layout.table(table)
                .dataset(new int[] {100});
        int epochs = 10;
        for (String w : List.of("equal", "pcGrad")) {
            SparkTrainingOptions ring = SparkTrainingOptions.vector("v").withExchange(SparkTrainingOptions.Exchange.RING);
            PolyheadSpark.run(experiment(w, 2), frame, ring.withReplicas(2)); // warm-up
            experiment(w, 2).create().fit(data, null);
            List<Double> alone = new ArrayList<>();
            List<List<SparkRun>> runs = List.of(new ArrayList<>(), new ArrayList<>());
            for (int rep = 0; rep < 3; rep++) { // interleaved, so that the machine's load falls on all alike
                // the peer: one process, no Spark, the same batches of 256
                long t = System.nanoTime();
                experiment(w, epochs).create().fit(data, null);
                alone.add(epochs * 16 / ((System.nanoTime() - t) / 1e9));
                for (int r = 1; r <= 2; r++) {
                    runs.get(r - 1).add(PolyheadSpark.run(experiment(w, epochs), frame, ring.withReplicas(r)));
                }
            }
            System.out.printf("| %s | none (one process, no Spark) | 1 | %.1f | - |%n", w, median(alone));
            for (int r = 1; r <= 2; r++) {
                List<SparkRun> rs = runs.get(r - 1);
                System.out.printf("| %s | RING | %d | %.1f | %.2f |%n", w, r,
                        median(rs.stream().map(SparkRun::stepsPerSecond).toList()),
                        median(rs.stream().map(x -> 1000 * x.exchangeSeconds() / x.steps()).toList()));
            }
            SparkRun gather = PolyheadSpark.run(experiment(w, 1), frame, SparkTrainingOptions.vector("v")
                    .withReplicas(2).withExchange(SparkTrainingOptions.Exchange.ALL_GATHER));
            System.out.printf("| %s | ALL_GATHER | 2 | %.1f | %.0f |%n", w, gather.stepsPerSecond(),
                    1000 * gather.exchangeSeconds() / gather.steps());
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /** Time per sum of n doubles between 2 threads over loopback. */
    private static void ringExchange() throws Exception {
        System.out.println("## ring exchange, 2 replicas (threads) over loopback");
        System.out.println("| values | ms per exchange |");
        for (int n : new int[] {1_000, 10_000, 100_000, 1_000_000, 4_000_000}) {
            RingExchangeTest.Gather gather = new RingExchangeTest.Gather(2, slots -> { });
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Double>> fs = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                fs.add(pool.submit(() -> {
                    try (RingExchange x = RingExchange.open(rank, 2, "127.0.0.1", gather.forRank(rank),
                            Duration.ofSeconds(60), () -> false)) {
                        double[] v = new double[n];
                        int reps = Math.max(5, 2_000_000 / n);
                        for (int i = 0; i < 3; i++) {
                            x.sum(v);
                        }
                        long t = System.nanoTime();
                        for (int i = 0; i < reps; i++) {
                            x.sum(v);
                        }
                        return (System.nanoTime() - t) / 1e6 / reps;
                    }
                }));
            }
            double ms = Math.max(fs.get(0).get(), fs.get(1).get());
            pool.shutdown();
            System.out.printf("| %,d | %.3f |%n", n, ms);
        }
    }

    /** Time per sum of n doubles through Spark's allGather, 2 barrier tasks. */
    private static void allGather(SparkSession spark) {
        System.out.println("## allGather exchange, 2 barrier tasks");
        System.out.println("| values | ms per exchange |");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        for (int n : new int[] {1_000, 100_000, 1_000_000}) {
            List<Double> ms = jsc.parallelize(List.of(0, 1), 2).rdd().barrier().mapPartitions(new GatherTask(n), false,
                    scala.reflect.ClassTag$.MODULE$.apply(Double.class)).toJavaRDD().collect();
            System.out.printf("| %,d | %.1f |%n", n, Math.max(ms.get(0), ms.get(1)));
        }
    }

    /** Five timed sums of n doubles in a barrier task. */
    private static final class GatherTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>,
            scala.collection.Iterator<Double>> implements java.io.Serializable {
        private final int n;

        GatherTask(int n) {
            this.n = n;
        }

        @Override
        public scala.collection.Iterator<Double> apply(scala.collection.Iterator<Integer> it) {
            BarrierExchange x = new BarrierExchange(BarrierTaskContext.get());
            double[] v = new double[n];
            x.sum(v);
            long t = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                x.sum(v);
            }
            return CollectionConverters.asScala(List.of((System.nanoTime() - t) / 1e6 / 5).iterator());
        }
    }
}
