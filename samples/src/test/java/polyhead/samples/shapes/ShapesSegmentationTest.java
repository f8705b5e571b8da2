package polyhead.samples.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;

class ShapesSegmentationTest {
    /** A short run on small 12×12 images beats the trivial predictors clearly on all three metrics. */
    @Test
    void shortRunBeatsTheTrivialPredictors() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ShapesSegmentation.Result r = ShapesSegmentation.run(new ShapesSegmentation.Cli().parse(new String[] {"--train-size", "400", "--test-size", "100", "--size",
                        "12", "--epochs", "3", "--batch-size", "8", "--lr", "0.01", "--quiet", "--seed", "4"}),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        Map<String, Double> t = r.test();
        assertTrue(t.get("shape.accuracy") > r.majorityClassAccuracy() + 0.2, r.toString());
        assertTrue(t.get("mask.pixel_accuracy") > r.backgroundPixelAccuracy() + 0.03, r.toString());
        assertTrue(t.get("mask.mean_iou") > r.backgroundMeanIou() + 0.15, r.toString());
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("seed 4 for training") && out.contains("mean IoU"), out);
    }

    @Test
    void trivialPredictorScores() {
        // 2 images of 2x2: 5 background pixels, 2 of class 1, 1 of class 3 -> classes present 0, 1, 3
        Tensor mask = Tensor.of(new float[] {0, 0, 1, 1, 0, 3, 0, 0}, 2, 2, 2);
        assertEquals(5.0 / 8, ShapesSegmentation.majorityShare(mask, 5));
        assertEquals(5.0 / 8 / 3, ShapesSegmentation.backgroundMeanIou(mask), 1e-12);
    }
}
