package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import polyhead.data.Dataset;
import polyhead.experiment.Experiment;
import polyhead.experiment.TrainingPlan.Sampling;

/**
 * Task-balanced and multi-source sampling data-parallel: two replicas end with the weights of one local run
 * ({@code Experiment.fit}) of the same experiment on the same rows — the same global batches, drawn from the same
 * seed — to {@value #TOLERANCE} per weight, under equal weighting and PCGrad; task b is labelled on about 40% of the
 * rows, so task-balanced sampling draws its rows more often, and its own DataFrame is smaller than task a's.
 */
class SamplingTest {
    private static final double TOLERANCE = 2e-5;

    private static final FrameLayout LAYOUT = new FrameLayout(List.of("x0", "x1"), null, SparkFixtures.labels(), 2);

    /** Rows of the fixture (columns x0, x1, a, b) as one local dataset bound to {@code e}. */
    private static Dataset local(Experiment e, List<Row> rows, FrameLayout layout) {
        int[] columns = layout.check(SparkFixtures.schema(false));
        List<float[]> read = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            read.add(layout.read(rows.get(i), i, columns));
        }
        return e.bind(layout.table(read).dataset(new int[] {2}));
    }

    private static void taskBalancedFollowsOneProcess(String weighting) {
        ExperimentSource source = SparkFixtures.experiment(weighting, Sampling.TASK_BALANCED);
        SparkRun run = PolyheadSpark.run(source, SparkFixtures.frame(false),
                SparkTrainingOptions.features("x0", "x1").withReplicas(2));
        Experiment alone = source.create();
        alone.fit(local(alone, SparkFixtures.rows(false), LAYOUT), null);
        assertEquals(6, run.steps());
        SparkFixtures.assertFollows(alone, run.model(), source, TOLERANCE, "task-balanced, " + weighting);
    }

    private static void multiSourceFollowsOneProcess(String weighting) {
        ExperimentSource source = SparkFixtures.experiment(weighting, Sampling.MULTI_SOURCE);
        var frame = SparkFixtures.frame(false);
        Map<String, org.apache.spark.sql.Dataset<Row>> frames = new LinkedHashMap<>();
        frames.put("b", frame.filter("b IS NOT NULL").select("x1", "x0", "b")); // order of columns does not matter
        frames.put("a", frame.drop("b"));
        SparkRun run = PolyheadSpark.run(source, frames, SparkTrainingOptions.features("x0", "x1").withReplicas(2));

        Experiment alone = source.create();
        List<Row> rows = SparkFixtures.rows(false);
        List<Row> labelledB = rows.stream().filter(r -> !r.isNullAt(3)).toList();
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        perTask.put("a", local(alone, rows, LAYOUT.onlyTask("a")));
        perTask.put("b", local(alone, labelledB, LAYOUT.onlyTask("b")));
        alone.fit(perTask, null, null, null);
        assertEquals(2 * 3, run.steps(), "an epoch: as many steps as task a's 45 rows need in batches of 16");
        SparkFixtures.assertFollows(alone, run.model(), source, TOLERANCE, "multi-source, " + weighting);
    }

    @Test
    void taskBalancedSamplingFollowsOneProcessUnderEqualWeighting() {
        taskBalancedFollowsOneProcess("equal");
    }

    @Test
    void taskBalancedSamplingFollowsOneProcessUnderPcGrad() {
        taskBalancedFollowsOneProcess("pcGrad");
    }

    @Test
    void oneDataFramePerTaskFollowsOneProcessUnderEqualWeighting() {
        multiSourceFollowsOneProcess("equal");
    }

    @Test
    void oneDataFramePerTaskFollowsOneProcessUnderPcGrad() {
        multiSourceFollowsOneProcess("pcGrad");
    }

    @Test
    void aValidationSplitHoldsOutTheRowsALocalRunHoldsOut() {
        ExperimentSource source = SparkFixtures.experiment("equal", Sampling.TASK_BALANCED, 0.2);
        SparkRun run = PolyheadSpark.run(source, SparkFixtures.frame(false),
                SparkTrainingOptions.features("x0", "x1").withReplicas(2));
        Experiment alone = source.create();
        var history = alone.fit(local(alone, SparkFixtures.rows(false), LAYOUT), null).history();
        assertEquals(2 * 3, run.steps(), "an epoch: the 36 rows left in batches of 16");
        SparkFixtures.assertFollows(alone, run.model(), source, TOLERANCE, "validation split");
        for (String k : List.of("val.a.loss", "val.b.loss")) {
            assertEquals(history.last().get(k), run.model().history().last().get(k), 1e-5, k);
        }
    }

    @Test
    void aDataFramePerTaskNeedsMultiSourceSamplingAndOneForEveryTask() {
        var frame = SparkFixtures.frame(false);
        var options = SparkTrainingOptions.features("x0", "x1").withReplicas(2);
        assertEquals("training.sampling: SHUFFLED draws from one DataFrame; one DataFrame per task needs multiSource "
                + "sampling", assertThrows(IllegalArgumentException.class, () -> PolyheadSpark.fit(
                SparkFixtures.experiment("equal"), Map.of("a", frame), options)).getMessage());
        var multi = SparkFixtures.experiment("equal", Sampling.MULTI_SOURCE);
        assertEquals("multi-source data: no DataFrame for task 'b'; got [a]", assertThrows(
                IllegalArgumentException.class, () -> PolyheadSpark.fit(multi, Map.of("a", frame), options))
                .getMessage());
        assertEquals("training.sampling: multiSource draws from one DataFrame per task; give PolyheadSpark.fit a "
                + "DataFrame for each of [a, b]", assertThrows(IllegalArgumentException.class,
                () -> PolyheadSpark.fit(multi, frame, options)).getMessage());
        assertEquals("DataFrame of task 'b', column 'b': no such column; the DataFrame has [x0, x1, a]",
                assertThrows(polyhead.data.DataException.class, () -> PolyheadSpark.fit(multi,
                        Map.of("a", frame, "b", frame.drop("b")), options)).getMessage());
    }
}
