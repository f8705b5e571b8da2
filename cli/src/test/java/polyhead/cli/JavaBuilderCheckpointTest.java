package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoints;
import polyhead.data.Csv;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.experiment.Algorithm;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TaskPrediction;
import polyhead.serve.TaskOutput;
import polyhead.experiment.TrainedModel;
import polyhead.experiment.TrainingPlan;
import polyhead.io.Json;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * {@code evaluate} and {@code predict} on a checkpoint saved by a Java program through the builder's
 * {@link TrainedModel} (no spec recorded, only the model description): the tool rebuilds the model and gives the
 * numbers the Java program gets.
 */
class JavaBuilderCheckpointTest {
    static final Path TOY = Path.of("data/csv/toy.csv");
    static final List<String> KINDS = List.of("low", "mid, or so", "high");
    @TempDir
    static Path tmp;
    static TrainedModel model;
    static Dataset toy;

    @BeforeAll
    static void trainWithTheJavaBuilder() {
        Dataset read = Csv.read(TOY, Csv.spec().classIndex("kind", 3).real("price")).dataset();
        // a one-column real target is read as [N]; the dense(1) head gives [N, 1]
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        for (String t : read.tasks()) {
            Tensor y = read.targets(t);
            targets.put(t, t.equals("price") ? y.reshape(Shape.of(y.size(), 1)) : y);
            masks.put(t, read.mask(t));
        }
        toy = Dataset.of(read.inputs(), targets, masks);
        model = new ExperimentBuilder()
                .input(4)
                .trunk(Layers.dense(16), Layers.relu())
                .task(TaskPlan.named("kind").head(Layers.dense(3)).loss(Losses.crossEntropy())
                        .metrics(Metrics.accuracy()).classNames(KINDS))
                .task(TaskPlan.named("price").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR)
                        .metrics(Metrics.mse(), Metrics.r2()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .training(TrainingPlan.defaults().epochs(4).batchSize(32).seed(7).validationSplit(0.1))
                .build()
                .fit(toy, null);
        model.save(tmp.resolve("model"));
    }

    @Test
    void theCheckpointRecordsADescriptionAndNoSpec() {
        var c = Checkpoints.read(tmp.resolve("model"));
        assertNull(c.spec());
        assertEquals(1L, c.description().get("version"));
    }

    @Test
    void evaluateGivesTheJavaProgramsMetrics() throws IOException {
        Path json = tmp.resolve("eval.json");
        PolyheadTest.Result r = PolyheadTest.run("evaluate", tmp.resolve("model").toString(), "--dataset", "csv",
                "--data", TOY.toString(), "--test-data", TOY.toString(), "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("checkpoint " + tmp.resolve("model") + " (epoch 4)"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> test = (Map<String, Map<String, Object>>) ((Map<String, Object>)
                Json.parse(Files.readString(json), "eval.json")).get("test");
        Map<String, Double> want = model.evaluate(toy);
        for (String key : List.of("kind.loss", "kind.accuracy", "price.loss", "price.mse", "price.r2")) {
            String[] parts = key.split("\\.");
            assertEquals(want.get(key), ((Number) test.get(parts[0]).get(parts[1])).doubleValue(), 1e-12, key);
        }
    }

    @Test
    void predictGivesTheJavaProgramsPredictionsWithClassNames() throws IOException {
        Path out = tmp.resolve("pred.csv");
        PolyheadTest.Result r = PolyheadTest.run("predict", tmp.resolve("model").toString(), TOY.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("row,kind.class,kind.className,kind.p0,kind.p1,kind.p2,price", lines.get(0));
        Map<String, TaskPrediction> p = model.predict(toy.inputs());
        assertEquals(toy.size() + 1, lines.size());
        for (int i = 0; i < toy.size(); i++) {
            List<String> want = new ArrayList<>(List.of(Integer.toString(i)));
            TaskPrediction kind = p.get("kind");
            want.add(Integer.toString(kind.classes()[i]));
            String name = kind.classNames().get(i);
            want.add(name.contains(",") ? "\"" + name + "\"" : name);
            for (double v : TaskOutput.softmax(kind.output().data(), 3 * i, 3, 1)) {
                want.add(String.format(Locale.ROOT, "%.6g", v));
            }
            want.add(String.format(Locale.ROOT, "%.6g", p.get("price").output().data()[i]));
            assertEquals(String.join(",", want), lines.get(i + 1), "row " + i);
        }
    }
}
