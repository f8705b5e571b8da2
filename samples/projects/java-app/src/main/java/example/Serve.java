package example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import polyhead.data.Dataset;
import polyhead.experiment.TrainedModel;

/**
 * Loads the model {@link Train} saved — in a JVM of its own, without the code that built it — predicts the same test
 * rows and fails unless every number equals what the trained model predicted, bit for bit.
 *
 * <pre>usage: Serve CSV OUT_DIR</pre>
 */
public final class Serve {
    private Serve() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[1]);
        TrainedModel model = TrainedModel.load(out.resolve("model"));
        Dataset test = Train.data(Path.of(args[0])).validation();
        List<String> now = Predictions.lines(model.predict(test.inputs()));
        List<String> then = Files.readAllLines(out.resolve("predictions.txt"));
        if (!now.equals(then)) {
            throw new IllegalStateException("the loaded model predicts differently from the trained one");
        }
        System.out.println("loaded " + out.resolve("model") + ": " + now.size() + " predictions, identical");
        System.out.println(now.get(0));
    }
}
