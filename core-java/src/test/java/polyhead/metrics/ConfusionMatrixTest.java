package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static polyhead.metrics.TestData.oneHotLogits;
import static polyhead.metrics.TestData.t;
import static polyhead.metrics.TestData.vec;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class ConfusionMatrixTest {
    @Test
    void rowsAreTargetsAndColumnsPredictions() {
        ConfusionMatrix cm = Metrics.confusionMatrix(4);
        assertArrayEquals(new long[4][4], cm.result());
        cm.add(oneHotLogits(4, 0, 1, 1, 2, 2, 2, 0, 3), vec(0, 0, 1, 1, 2, 2, 2, 0));
        assertArrayEquals(new long[][] {{1, 1, 0, 1}, {0, 1, 1, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}}, cm.result());
        assertEquals(8, cm.total());
        assertEquals(4, cm.numClasses());
    }

    @Test
    void countsAccumulateAndSkipMaskedSamples() {
        ConfusionMatrix cm = Metrics.confusionMatrix(3);
        cm.add(oneHotLogits(3, 2, 1), vec(2, 0));
        cm.add(oneHotLogits(3, 0, 0, 1), vec(Float.NaN, 1, -100), vec(0, 1, 0));
        assertArrayEquals(new long[][] {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}, cm.result());
        assertEquals(3, cm.total());
    }

    @Test
    void countsEveryPixelOfASegmentationMap() {
        // image 0: predicted [[0, 1], [2, 2]], targets [[0, 1], [1, 2]]
        Tensor logits = Tensor.zeros(1, 3, 2, 2);
        int[][] predicted = {{0, 1}, {2, 2}};
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 2; w++) {
                logits.set(1, 0, predicted[h][w], h, w);
            }
        }
        ConfusionMatrix cm = Metrics.confusionMatrix(3);
        cm.add(logits, t(new int[] {1, 2, 2}, 0, 1, 1, 2));
        assertArrayEquals(new long[][] {{1, 0, 0}, {0, 1, 1}, {0, 0, 1}}, cm.result());
    }

    @Test
    void theResultIsACopy() {
        ConfusionMatrix cm = Metrics.confusionMatrix(2);
        cm.add(oneHotLogits(2, 1), vec(1));
        cm.result()[1][1] = 42;
        assertEquals(1, cm.result()[1][1]);
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.confusionMatrix(0));
        assertEquals("confusion_matrix: numClasses must be at least 1, got 0", e.getMessage());
        ConfusionMatrix cm = Metrics.confusionMatrix(3);
        ShapeException s = assertThrows(ShapeException.class, () -> cm.add(Tensor.zeros(2, 4), vec(0, 1)));
        assertEquals("confusion_matrix: logits [2, 4] and targets [2] have 4 classes, expected 3", s.getMessage());
        s = assertThrows(ShapeException.class, () -> cm.add(Tensor.zeros(2, 3, 5), Tensor.zeros(2, 4)));
        assertEquals("confusion_matrix: logits [2, 3, 5] and targets [2, 4] do not match; expected logits "
                + "[N, C, d1, ...] and targets [N, d1, ...]", s.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cm.add(Tensor.zeros(1, 3, 2), t(new int[] {1, 2}, 0, 3)));
        assertEquals("confusion_matrix: target 3.0 at position [0, 1] is not a class index in [0, 3)",
                e.getMessage());
        s = assertThrows(ShapeException.class, () -> cm.add(Tensor.zeros(2, 3), vec(0, 1), vec(1, 1, 1)));
        assertEquals("confusion_matrix: mask [3] does not match logits [2, 3] and targets [2]; expected mask [2]",
                s.getMessage());
        assertEquals(0, cm.total());
    }
}
