package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.data.LabelType;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Metrics of per-token tasks (logits [N, T, C], targets and mask [N, T]) on small cases computed by hand: token
 * accuracy, per-tag and macro F1, and sequence accuracy, padding never counted. (scikit-learn is not installed on
 * the reference machine, so the expected values are worked out in the comments.)
 */
class TokenMetricsTest {
    /**
     * Two sentences of lengths 3 and 2 padded to T = 3, three tags. Argmax predictions: sentence 0 → 0, 1, 2
     * (targets 0, 1, 1), sentence 1 → 2, 0, [padding predicts 1] (targets 2, 0, [padding target 1... never read]).
     */
    private static final Tensor LOGITS = Tensor.wrap(Shape.of(2, 3, 3), new float[] {
        5, 0, 0,   0, 5, 0,   0, 0, 5,
        0, 0, 5,   5, 0, 0,   0, 9, 0});
    private static final Tensor TARGETS = Tensor.wrap(Shape.of(2, 3), new float[] {0, 1, 1, 2, 0, 7});
    private static final Tensor MASK = Tensor.wrap(Shape.of(2, 3), new float[] {1, 1, 1, 1, 1, 0});

    private static double score(Metric m) {
        Metric.Accumulator a = m.newAccumulator();
        a.add(LOGITS, TARGETS, MASK);
        return a.result();
    }

    @Test
    void tokenAccuracyCountsEachLabelledTokenOnce() {
        // 4 of the 5 labelled tokens are right; the padded token (target 7, outside the classes) is never read
        assertEquals(0.8, score(Metrics.accuracy()), 1e-12);
    }

    @Test
    void perTagAndMacroF1() {
        // tag 0: tp 2, fp 0, fn 0 → 1; tag 1: tp 1, fp 0, fn 1 → 2/3; tag 2: tp 1, fp 1, fn 0 → 2/3
        ConfusionMatrix m = Metrics.confusionMatrix(3);
        m.add(LOGITS, TARGETS, MASK);
        assertArrayEquals(new double[] {1, 2.0 / 3, 2.0 / 3}, m.f1PerClass(), 1e-12);
        assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 3, score(Metrics.f1(Average.MACRO)), 1e-12);
        // micro: 2·4 / (2·4 + 1 + 1)
        assertEquals(0.8, score(Metrics.f1(Average.MICRO)), 1e-12);
    }

    @Test
    void sequenceAccuracyNeedsEveryLabelledTokenRight() {
        // sentence 0 has a wrong token, sentence 1 is all right (its padded position predicts 1 ≠ 7: not counted)
        assertEquals(0.5, score(Metrics.sequenceAccuracy()), 1e-12);
        // a sentence whose tokens are all unlabelled is not counted at all
        Metric.Accumulator a = Metrics.sequenceAccuracy().newAccumulator();
        a.add(LOGITS, TARGETS, Tensor.wrap(Shape.of(2, 3), new float[] {0, 0, 0, 1, 1, 0}));
        assertEquals(1.0, a.result(), 1e-12);
        assertTrue(Double.isNaN(Metrics.sequenceAccuracy().newAccumulator().result()));
        assertEquals(Metrics.sequenceAccuracy(), Metrics.parse("sequence_accuracy"));
        assertEquals(java.util.Set.of(LabelType.TOKEN_CLASS), Metrics.sequenceAccuracy().labelTypes());
        assertTrue(Metrics.accuracy().labelTypes().contains(LabelType.TOKEN_CLASS));
    }

    @Test
    void tokenInputsThatDoNotFitAreOneLine() {
        assertEquals("sequence_accuracy: mask [2] does not mark tokens; expected logits [N, T, C], targets [N, T] "
                + "and mask [N, T]", assertThrows(ShapeException.class, () -> Metrics.sequenceAccuracy()
                .newAccumulator().add(LOGITS, TARGETS, Tensor.ones(2))).getMessage());
        assertEquals("accuracy: logits [2, 3, 3], targets [2, 2] and mask [2, 2] do not match; a mask [N, T] marks "
                + "tokens: expected logits [N, T, C] with C >= 1, targets [N, T] and mask [N, T]",
                assertThrows(ShapeException.class, () -> Metrics.accuracy().newAccumulator().add(LOGITS,
                        Tensor.zeros(2, 2), Tensor.ones(2, 2))).getMessage());
        // a mask [N, 1] of per-sample inputs is no token mask: it is refused as a per-sample mask
        assertEquals("accuracy: mask [2, 1] does not match logits [2, 3] and targets [2]; expected mask [2]",
                assertThrows(ShapeException.class, () -> Metrics.accuracy().newAccumulator().add(Tensor.zeros(2, 3),
                        Tensor.zeros(2), Tensor.ones(2, 1))).getMessage());
        Tensor badTarget = Tensor.wrap(Shape.of(2, 3), new float[] {0, 1, 1, 2, 5, 0});
        assertEquals("sequence_accuracy: target 5.0 at position [1, 1] is not a class index in [0, 3)",
                assertThrows(IllegalArgumentException.class, () -> Metrics.sequenceAccuracy().newAccumulator()
                        .add(LOGITS, badTarget, MASK)).getMessage());
    }
}
