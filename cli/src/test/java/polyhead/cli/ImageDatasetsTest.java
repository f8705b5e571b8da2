package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Dataset;
import polyhead.datasets.Shapes;

/**
 * {@code train} on the image datasets multi-fashion and shapes with their sample specs in {@code specs/}, in a short
 * configuration: the test metrics are finite and above chance, and the run folder holds decodable plots of the
 * expected size.
 */
class ImageDatasetsTest {
    @Test
    void multiFashionLearnsBothItems(@TempDir Path tmp) throws IOException {
        var test = DatasetCommandsTest.train(tmp.resolve("run"), "multi-fashion", "--data", PolyheadTest.SHIPPED, "--limit", "1024",
                "--epochs", "3");
        for (String task : List.of("left", "right")) {
            double acc = DatasetCommandsTest.metric(test, task, "accuracy");
            assertTrue(acc > 0.2, task + " accuracy above chance (0.1): " + acc);
            DatasetCommandsTest.metric(test, task, "loss");
        }
    }

    /** Shapes: chance is 1/4 for the class; for the mask, labelling every pixel background. */
    @Test
    void shapesClassifiesAndSegments(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        var test = DatasetCommandsTest.train(run, "shapes", "--limit", "1024", "--epochs", "3");
        double acc = DatasetCommandsTest.metric(test, "shape", "accuracy");
        assertTrue(acc > 0.3, "shape accuracy above chance (0.25): " + acc);
        Dataset testSet = Shapes.generate(DataSources.SHAPES_TEST, DataSources.DATA_SEED + 1);
        double background = 0;
        for (float v : testSet.targets(Shapes.MASK).data()) {
            background += v == 0 ? 1 : 0;
        }
        background /= testSet.targets(Shapes.MASK).size();
        double pixel = DatasetCommandsTest.metric(test, "mask", "pixel_accuracy");
        assertTrue(pixel > background, "pixel accuracy " + pixel + " above all-background " + background);
        for (String png : List.of("loss-shape.png", "loss-mask.png", "metrics-shape.png", "metrics-mask.png",
                "grad-cosine.png")) {
            BufferedImage image = ImageIO.read(run.resolve(png).toFile());
            assertTrue(image != null, png + " decodes");
            assertEquals(polyhead.report.HistoryPlots.WIDTH, image.getWidth(), png);
            assertEquals(polyhead.report.HistoryPlots.HEIGHT, image.getHeight(), png);
        }
    }
}
