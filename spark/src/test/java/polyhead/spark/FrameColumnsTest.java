package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.experiment.Algorithm;
import polyhead.experiment.Experiment;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.InputPlan;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TrainingPlan;
import polyhead.experiment.WeightingPlan;
import polyhead.loss.Losses;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Label vectors in array columns (a multi-label BCE task of 3 outputs, a regression of 2 values; a null array is a
 * missing label) and models of several named inputs (one from two numeric columns, one from an array column): two
 * replicas under task-balanced sampling end with the weights of a local run on the same data built here directly
 * from the rows, not through the module's reader; and the schema faults, one line naming the column (and input).
 */
class FrameColumnsTest {
    private static final int ROWS = 40;

    /** x0, x1; v (3 floats); tags (3 zeros and ones, null on about a third); pos (2 reals, null on about half). */
    private static List<Row> rows() {
        Random rng = new Random(5);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double x0 = rng.nextGaussian();
            double x1 = rng.nextGaussian();
            List<Float> v = List.of((float) rng.nextGaussian(), (float) rng.nextGaussian(), (float) rng.nextGaussian());
            List<Double> tags = rng.nextDouble() < 0.33 ? null
                    : List.of(x0 > 0 ? 1.0 : 0.0, x1 > 0 ? 1.0 : 0.0, v.get(0) > 0 ? 1.0 : 0.0);
            List<Float> pos = rng.nextDouble() < 0.5 ? null : List.of((float) (x0 - x1), v.get(1) * 0.5f);
            out.add(RowFactory.create(x0, x1, v, tags, pos));
        }
        return out;
    }

    private static StructType schema() {
        return new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
                .add("v", DataTypes.createArrayType(DataTypes.FloatType))
                .add("tags", DataTypes.createArrayType(DataTypes.DoubleType), true)
                .add("pos", DataTypes.createArrayType(DataTypes.FloatType), true);
    }

    private static org.apache.spark.sql.Dataset<Row> frame() {
        return SparkFixtures.spark().createDataFrame(rows(), schema());
    }

    /** Tasks tags (BCE, 3 outputs) and pos (MSE, 2 outputs); one input of 2 values, or inputs p [2] and q [3]. */
    private static ExperimentSource experiment(boolean named) {
        return () -> {
            ExperimentBuilder b = new ExperimentBuilder();
            if (named) {
                b.input(InputPlan.named("p").shape(2)).input(InputPlan.named("q").shape(3));
            } else {
                b.input(2);
            }
            return b.trunk(Layers.dense(8), Layers.tanh())
                    .task(TaskPlan.named("tags").head(Layers.dense(3)).loss(Losses.bceWithLogits())
                            .labels(LabelType.BINARY))
                    .task(TaskPlan.named("pos").head(Layers.dense(2)).loss(Losses.mse())
                            .labels(LabelType.REAL_VECTOR))
                    .weighting(WeightingPlan.equal())
                    .optimizer(OptimizerPlan.of(Algorithm.of("adam", Map.of("lr", 0.02))))
                    .training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(3)
                            .sampling(TrainingPlan.Sampling.TASK_BALANCED))
                    .build();
        };
    }

    /** The rows as a local dataset: inputs x0, x1 (and v's three values for named inputs), targets and masks. */
    @SuppressWarnings("unchecked")
    private static Dataset local(boolean named) {
        List<Row> rows = rows();
        int w = named ? 5 : 2;
        float[] x = new float[ROWS * w];
        float[] tags = new float[ROWS * 3];
        float[] pos = new float[ROWS * 2];
        float[] mt = new float[ROWS];
        float[] mp = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            Row r = rows.get(i);
            x[i * w] = (float) r.getDouble(0);
            x[i * w + 1] = (float) r.getDouble(1);
            for (int j = 0; named && j < 3; j++) {
                x[i * w + 2 + j] = ((List<Float>) r.get(2)).get(j);
            }
            if (!r.isNullAt(3)) {
                mt[i] = 1;
                for (int j = 0; j < 3; j++) {
                    tags[i * 3 + j] = ((List<Double>) r.get(3)).get(j).floatValue();
                }
            }
            if (!r.isNullAt(4)) {
                mp[i] = 1;
                for (int j = 0; j < 2; j++) {
                    pos[i * 2 + j] = ((List<Float>) r.get(4)).get(j);
                }
            }
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("tags", Tensor.wrap(Shape.of(ROWS, 3), tags));
        targets.put("pos", Tensor.wrap(Shape.of(ROWS, 2), pos));
        Map<String, Tensor> masks = new LinkedHashMap<>();
        masks.put("tags", Tensor.wrap(Shape.of(ROWS), mt));
        masks.put("pos", Tensor.wrap(Shape.of(ROWS), mp));
        return Dataset.of(Tensor.wrap(Shape.of(ROWS, w), x), targets, masks);
    }

    private static void followsOneProcess(boolean named, SparkTrainingOptions options) {
        ExperimentSource source = experiment(named);
        SparkRun run = PolyheadSpark.run(source, frame(), options.withReplicas(2));
        Experiment alone = source.create();
        alone.fit(local(named), null);
        SparkFixtures.assertFollows(alone, run.model(), source, 2e-5, named ? "named inputs" : "label vectors");
    }

    @Test
    void labelVectorsInArrayColumnsFollowOneProcess() {
        followsOneProcess(false, SparkTrainingOptions.features("x0", "x1"));
    }

    @Test
    void namedInputsFromColumnsAndAnArrayFollowOneProcess() {
        followsOneProcess(true, SparkTrainingOptions.inputVector("q", "v").withInput("p", "x0", "x1"));
    }

    private static String fault(Class<? extends Exception> type, boolean named,
                                org.apache.spark.sql.Dataset<Row> frame, SparkTrainingOptions options) {
        return assertThrows(type, () -> PolyheadSpark.fit(experiment(named), frame, options.withReplicas(2)))
                .getMessage();
    }

    @Test
    void aLabelVectorFaultIsOneLineNamingTheColumn() {
        var frame = frame();
        var options = SparkTrainingOptions.features("x0", "x1");
        assertEquals("DataFrame column 'tags' (label of task tags): the head outputs 3 values, so the labels must be "
                + "arrays of 3 numbers, got array<string>", fault(DataException.class, false,
                frame.withColumn("tags", frame.col("tags").cast("array<string>")), options));
        assertEquals("DataFrame column 'x0' (label of task pos): the head outputs 2 values, so the labels must be "
                + "arrays of 2 numbers, got double", fault(DataException.class, false, frame,
                options.withLabelColumn("pos", "x0")));
        String longer = fault(DataException.class, false, frame, options.withLabelColumn("pos", "v"));
        assertTrue(longer.matches("DataFrame column 'v' \\(label of task pos\\): row \\d+ holds 3 values, the head "
                + "outputs 2"), longer);
        var holed = frame.withColumn("tags", org.apache.spark.sql.functions.expr(
                "CASE WHEN tags IS NULL THEN NULL ELSE array(tags[0], NULL, tags[2]) END"));
        String hole = fault(DataException.class, false, holed, options);
        assertTrue(hole.matches("DataFrame column 'tags': null at position 1 of row \\d+; a missing label is a null "
                + "array, not a null inside one"), hole);
    }

    @Test
    void aNamedInputFaultIsOneLineNamingTheColumnAndTheInput() {
        var frame = frame();
        assertEquals("DataFrame column 'x0' (input q): the feature vector must be an array of numbers "
                + "(array<float> or array<double>), got double", fault(DataException.class, true, frame,
                SparkTrainingOptions.inputVector("q", "x0").withInput("p", "x0", "x1")));
        assertEquals("DataFrame: 1 feature columns for input 'p' of 2 values", fault(DataException.class, true, frame,
                SparkTrainingOptions.inputVector("q", "v").withInput("p", "x0")));
        assertEquals("input 'q': no columns given for it; the model's inputs are [p, q]", fault(
                IllegalArgumentException.class, true, frame, SparkTrainingOptions.input("p", "x0", "x1")));
        assertEquals("inputs: the model has several named inputs [p, q]; give each its columns "
                + "(SparkTrainingOptions.input, withInput, withInputVector)", fault(IllegalArgumentException.class,
                true, frame, SparkTrainingOptions.features("x0", "x1")));
    }
}
