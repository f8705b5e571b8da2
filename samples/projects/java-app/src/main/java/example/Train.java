package example;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import polyhead.data.Csv;
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
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.optim.Optimizers.Adam;

/**
 * Trains a two-task model on a CSV file — the class {@code kind} (3 classes) and the real {@code price} from the
 * features x1..x4 — evaluates it on the last 20% of the rows, saves it, and writes its test predictions for
 * {@link Serve} to compare with.
 *
 * <pre>usage: Train CSV OUT_DIR</pre>
 */
public final class Train {
    private Train() {
    }

    /**
     * The rows of the CSV file (features x1..x4, the class "kind", the real "price"; an empty cell is a missing label)
     * split into 80% for training and 20% held out for the test, drawn with seed 7.
     */
    static Dataset.Split data(Path csv) {
        Csv.Table table = Csv.read(csv, Csv.spec().features("x1", "x2", "x3", "x4").classIndex("kind", 3).real("price"));
        return table.dataset().split(0.2, 7);
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[1]);
        Dataset.Split data = data(Path.of(args[0]));
        Experiment experiment = new ExperimentBuilder()
                .input(4)
                .trunk(Layers.dense(32), Layers.relu())
                .task(TaskPlan.named("kind").head(Layers.dense(3)).loss(Losses.crossEntropy())
                        .classNames("low", "mid", "high").metrics(Metrics.accuracy()))
                .task(TaskPlan.named("price").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR)
                        .weight(0.5).metrics(Metrics.r2()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .training(TrainingPlan.defaults().epochs(20).batchSize(32).seed(42).validationSplit(0.1))
                .build();
        TrainedModel model = experiment.fit(data.train(), null);

        Map<String, Double> test = model.evaluate(data.validation());
        System.out.printf("test: kind accuracy %.4f, price r2 %.4f%n", test.get("kind.accuracy"), test.get("price.r2"));
        if (!(test.get("kind.accuracy") > 0.5)) {
            throw new IllegalStateException("kind accuracy " + test.get("kind.accuracy") + " is not above chance");
        }
        model.save(out.resolve("model"));
        Predictions.write(model.predict(data.validation().inputs()), out.resolve("predictions.txt"));
        System.out.println("saved " + out.resolve("model"));
    }
}
