package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.DataException;
import polyhead.experiment.Experiment;
import polyhead.experiment.TrainedModel;
import polyhead.train.Trainer;

/**
 * {@link PolyheadSpark} in Spark's local mode with two replicas: each replica's half of every global batch of 16
 * rows gives, after two epochs of Adam (6 steps), the weights one process gets from the whole global batches — to
 * {@value #TOLERANCE} per weight (the replicas sum in double, one process in float) — under equal weighting and
 * under PCGrad, with task b's labels missing (null) on most rows so that the replicas hold unequal numbers of them.
 */
class PolyheadSparkTest {
    private static final double TOLERANCE = 2e-5;

    @TempDir
    Path tmp;

    private static void followsOneProcess(String weighting, boolean vector) {
        ExperimentSource source = SparkFixtures.experiment(weighting);
        SparkTrainingOptions options = (vector ? SparkTrainingOptions.vector("v")
                : SparkTrainingOptions.features("x0", "x1")).withReplicas(2);
        SparkRun run = PolyheadSpark.run(source, SparkFixtures.frame(vector), options);
        assertEquals(2, run.replicas());
        assertEquals(6, run.steps());

        Experiment alone = source.create();
        var batches = SparkFixtures.union(alone, SparkFixtures.rows(false), 2);
        Trainer t = alone.trainerBuilder(batches.stepsPerEpoch(), null).build();
        var history = t.fit(batches, null);
        SparkFixtures.assertFollows(alone, run.model(), source, TOLERANCE, weighting);
        assertEquals(history.rows().size(), run.model().history().rows().size());
        assertEquals(history.last().get("train.b.loss"), run.model().history().last().get("train.b.loss"), 1e-5);
    }

    @Test
    void twoReplicasFollowOneProcessUnderEqualWeighting() {
        followsOneProcess("equal", false);
    }

    @Test
    void twoReplicasFollowOneProcessUnderPcGradReadingAVectorColumn() {
        followsOneProcess("pcGrad", true);
    }

    @Test
    void aJsonSpecTrainsIntoARunFolder() throws Exception {
        String spec = """
                {
                  "version": 2,
                  "input": [2],
                  "trunk": [{ "type": "dense", "units": 8 }, { "type": "tanh" }],
                  "tasks": [
                    { "name": "a", "head": [{ "type": "dense", "units": 2 }], "loss": { "type": "crossEntropy" },
                      "labels": "classIndex", "metrics": ["accuracy"] },
                    { "name": "price", "head": [{ "type": "dense", "units": 1 }], "loss": { "type": "mse" },
                      "labels": "realVector" }
                  ],
                  "weighting": { "type": "mgda" },
                  "optimizer": { "algorithm": { "type": "adam", "lr": 0.02 } },
                  "training": { "epochs": 2, "batchSize": 16, "seed": 3, "checkpoints": { "every": 1 } }
                }
                """;
        Path run = tmp.resolve("run");
        TrainedModel m = PolyheadSpark.fit(spec, SparkFixtures.frame(false),
                SparkTrainingOptions.features("x0", "x1").withLabelColumn("price", "b").withReplicas(2)
                        .withValidation(SparkFixtures.frame(false)).withRunFolder(run));
        assertEquals(2, m.history().rows().size());
        assertTrue(m.history().last().containsKey("val.a.accuracy"), m.history().last().toString());
        TrainedModel loaded = TrainedModel.load(run.resolve("model"));
        assertArrayEquals(m.architecture().stateDict().get("trunk.0.weight").data(),
                loaded.architecture().stateDict().get("trunk.0.weight").data());
        assertTrue(Files.readString(run.resolve("history.csv")).startsWith("epoch,"));
        assertTrue(Files.readString(run.resolve("spec.json")).contains("\"mgda\""));
        assertTrue(Files.isDirectory(run.resolve("checkpoints")), "replica 0's checkpoints");
    }

    private static String fault(org.apache.spark.sql.Dataset<Row> frame, SparkTrainingOptions options) {
        return assertThrows(DataException.class,
                () -> PolyheadSpark.fit(SparkFixtures.experiment("equal"), frame, options)).getMessage();
    }

    @Test
    void aBadSchemaIsOneLineNamingTheColumn() {
        var frame = SparkFixtures.frame(false);
        assertEquals("DataFrame column 'x2': no such column; the DataFrame has [x0, x1, a, b]",
                fault(frame, SparkTrainingOptions.features("x0", "x2")));
        assertEquals("DataFrame column 'a' (label of task a): must hold numbers, got string",
                fault(frame.withColumn("a", frame.col("a").cast("string")), SparkTrainingOptions.features("x0", "x1")));
        assertEquals("DataFrame column 'x0': the feature vector must be an array of numbers (array<float> or "
                + "array<double>), got double", fault(frame, SparkTrainingOptions.vector("x0")));
        assertEquals("DataFrame column 'y': no such column; the DataFrame has [x0, x1, a, b]",
                fault(frame, SparkTrainingOptions.features("x0", "x1").withLabelColumn("b", "y")));
    }

    @Test
    void aNullFeatureIsOneLineNamingTheColumnAndRow() {
        var frame = SparkFixtures.frame(false);
        var holed = frame.withColumn("x1", org.apache.spark.sql.functions.expr("CASE WHEN a = 1 THEN NULL ELSE x1 END"));
        String m = fault(holed, SparkTrainingOptions.features("x0", "x1").withReplicas(2));
        assertTrue(m.matches("DataFrame column 'x1': null in row \\d+; features may not be missing"), m);
    }

    @Test
    void moreReplicasThanSlotsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolyheadSpark.fit(
                SparkFixtures.experiment("equal"), SparkFixtures.frame(false),
                SparkTrainingOptions.features("x0", "x1").withReplicas(3)));
        assertEquals("replicas: 3 replicas need as many free task slots at once, Spark offers 2 "
                + "(spark.default.parallelism)", e.getMessage());
    }
}
