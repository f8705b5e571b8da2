package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static polyhead.metrics.TestData.once;
import static polyhead.metrics.TestData.t;
import static polyhead.metrics.TestData.vec;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class SegmentationMetricsTest {
    private static final double EPS = 1e-15;

    /** One-hot logits [N, C, H, W] from predicted maps [N][H][W]. */
    private static Tensor logits(int classes, int[][][] predicted) {
        int n = predicted.length;
        int h = predicted[0].length;
        int w = predicted[0][0].length;
        Tensor t = Tensor.zeros(n, classes, h, w);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    t.set(1, i, predicted[i][y][x], y, x);
                }
            }
        }
        return t;
    }

    /*
     * Image 0: predicted [[0, 1], [2, 2]], targets [[0, 1], [1, 2]]; image 1: predicted all 0, targets [[0, 0], [0, 2]].
     * Confusion (rows target): [[4, 0, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 0, 0]] over C = 4.
     * IoU: class 0: 4/(4 + 1) ; class 1: 1/(1 + 1); class 2: 1/(1 + 1 + 1); class 3 absent, left out.
     */
    private static final Tensor LOGITS = logits(4, new int[][][] {{{0, 1}, {2, 2}}, {{0, 0}, {0, 0}}});
    private static final Tensor TARGETS = t(new int[] {2, 2, 2}, 0, 1, 1, 2, 0, 0, 0, 2);

    @Test
    void handComputed() {
        assertEquals(6 / 8.0, once(Metrics.pixelAccuracy(), LOGITS, TARGETS), EPS);
        double expected = (4 / 5.0 + 1 / 2.0 + 1 / 3.0) / 3;
        assertEquals(expected, once(Metrics.meanIou(), LOGITS, TARGETS), EPS);
        assertEquals(expected, once(Metrics.meanIou(4), LOGITS, TARGETS), EPS);
    }

    @Test
    void aMaskDropsWholeImages() {
        Tensor targets = TARGETS.copy();
        for (int i = 4; i < 8; i++) {
            targets.data()[i] = 255; // an ignore-index placeholder in the missing image
        }
        // image 0 alone: 3 of 4 right; IoU 1/1, 1/2, 1/2
        assertEquals(0.75, once(Metrics.pixelAccuracy(), LOGITS, targets, vec(1, 0)), EPS);
        assertEquals((1 + 0.5 + 0.5) / 3, once(Metrics.meanIou(), LOGITS, targets, vec(1, 0)), EPS);
    }

    @Test
    void aClassOnlyPredictedCountsWithIouZero() {
        // one pixel, target 0, predicted 1: class 0 IoU 0/1, class 1 IoU 0/1
        Tensor logits = logits(3, new int[][][] {{{1}}});
        assertEquals(0.0, once(Metrics.meanIou(), logits, t(new int[] {1, 1, 1}, 0)), EPS);
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.meanIou(0));
        assertEquals("mean_iou: numClasses must be at least 1, got 0", e.getMessage());
        ShapeException s = assertThrows(ShapeException.class, () -> once(Metrics.meanIou(5), LOGITS, TARGETS));
        assertEquals("mean_iou: logits [2, 4, 2, 2] and targets [2, 2, 2] have 4 classes, expected 5",
                s.getMessage());
        s = assertThrows(ShapeException.class, () -> once(Metrics.pixelAccuracy(), Tensor.zeros(2, 4), vec(0, 1)));
        assertEquals("pixel_accuracy: logits [2, 4] and targets [2] are not per-pixel; expected logits [N, C, H, W] "
                + "and targets [N, H, W]", s.getMessage());
        s = assertThrows(ShapeException.class,
                () -> once(Metrics.pixelAccuracy(), LOGITS, Tensor.zeros(2, 2, 3)));
        assertEquals("pixel_accuracy: logits [2, 4, 2, 2] and targets [2, 2, 3] do not match; expected logits "
                + "[N, C, d1, ...] and targets [N, d1, ...]", s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(Metrics.meanIou(), LOGITS,
                t(new int[] {2, 2, 2}, 0, 1, 1, 2, 0, 0, 255, 2)));
        assertEquals("mean_iou: target 255.0 at position [1, 1, 0] is not a class index in [0, 4)", e.getMessage());
    }
}
