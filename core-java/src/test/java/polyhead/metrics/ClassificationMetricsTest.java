package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static polyhead.metrics.TestData.once;
import static polyhead.metrics.TestData.oneHotLogits;
import static polyhead.metrics.TestData.t;
import static polyhead.metrics.TestData.vec;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** Accuracy, top-k, precision, recall and F1 on hand-computed cases. */
class ClassificationMetricsTest {
    private static final double EPS = 1e-15;

    /** Logits with ties: argmax 1, 0 (tie 0/1), 2, 0 (tie 0/2); targets 1, 0, 1, 2. */
    private static final Tensor TIED = t(new int[] {4, 3}, 1, 2, 0, 3, 3, 1, 0, 0, 5, 2, 1, 2);
    private static final Tensor TIED_TARGETS = vec(1, 0, 1, 2);

    @Test
    void accuracyTakesTheLowestClassOnTies() {
        // right: sample 0 (strict), sample 1 (tie 0/1 goes to 0 = target); wrong: sample 2, sample 3 (tie goes to 0)
        assertEquals(0.5, once(Metrics.accuracy(), TIED, TIED_TARGETS), EPS);
    }

    @Test
    void topKCountsTiesAgainstTheTarget() {
        // others with a logit ≥ the target's: sample 0: none; 1: class 1 (tie); 2: classes 0 (tie) and 2; 3: class 0
        assertEquals(0.25, once(Metrics.topK(1), TIED, TIED_TARGETS), EPS);
        assertEquals(0.75, once(Metrics.topK(2), TIED, TIED_TARGETS), EPS);
        assertEquals(1.0, once(Metrics.topK(3), TIED, TIED_TARGETS), EPS);
    }

    @Test
    void topKWithoutTiesIsTheUsualTopK() {
        Tensor logits = t(new int[] {3, 4}, 0.1f, 0.4f, 0.3f, 0.2f, 5, 1, 2, 3, -1, -2, -3, -4);
        Tensor targets = vec(2, 1, 3); // ranks 2, 4, 4
        assertEquals(0.0, once(Metrics.topK(1), logits, targets), EPS);
        assertEquals(1 / 3.0, once(Metrics.topK(2), logits, targets), EPS);
        assertEquals(1 / 3.0, once(Metrics.topK(3), logits, targets), EPS);
        assertEquals(1.0, once(Metrics.topK(4), logits, targets), EPS);
    }

    @Test
    void topKWorksPerPosition() {
        // [N, C, L] with targets [N, L], as crossEntropy: two positions, the second has the target second
        Tensor logits = t(new int[] {1, 3, 2}, 3, 0, 1, 2, 2, 1);
        Tensor targets = t(new int[] {1, 2}, 0, 2);
        assertEquals(0.5, once(Metrics.topK(1), logits, targets), EPS);
        assertEquals(1.0, once(Metrics.topK(2), logits, targets), EPS);
    }

    /*
     * Targets 0 0 1 1 2 2 2 0 and predictions 0 1 1 2 2 2 0 3 over C = 5:
     * class 0: tp 1 fp 1 fn 2; class 1: tp 1 fp 1 fn 1; class 2: tp 2 fp 1 fn 1; class 3: tp 0 fp 1 fn 0 (predicted
     * only, so present); class 4: absent, left out of the macro average.
     */
    private static final Tensor MULTI_LOGITS = oneHotLogits(5, 0, 1, 1, 2, 2, 2, 0, 3);
    private static final Tensor MULTI_TARGETS = vec(0, 0, 1, 1, 2, 2, 2, 0);

    @Test
    void multiClassScoresFollowScikitLearn() {
        assertEquals((1 / 2.0 + 1 / 2.0 + 2 / 3.0 + 0) / 4, once(Metrics.precision(Average.MACRO), MULTI_LOGITS,
                MULTI_TARGETS), EPS);
        assertEquals((1 / 3.0 + 1 / 2.0 + 2 / 3.0 + 0) / 4, once(Metrics.recall(Average.MACRO), MULTI_LOGITS,
                MULTI_TARGETS), EPS);
        assertEquals((2 / 5.0 + 2 / 4.0 + 4 / 6.0 + 0) / 4, once(Metrics.f1(Average.MACRO), MULTI_LOGITS,
                MULTI_TARGETS), EPS);
        // micro: 4 right out of 8, whichever score
        for (Metric m : new Metric[] {Metrics.precision(Average.MICRO), Metrics.recall(Average.MICRO),
                Metrics.f1(Average.MICRO), Metrics.accuracy()}) {
            assertEquals(0.5, once(m, MULTI_LOGITS, MULTI_TARGETS), EPS, m.name());
        }
    }

    @Test
    void aClassNeverPredictedHasPrecisionZero() {
        // targets 0 1 1, predictions 0 0 0: class 1 is never predicted (0/0 → 0), class 0 has precision 1/3
        Tensor logits = oneHotLogits(2, 0, 0, 0);
        Tensor targets = vec(0, 1, 1);
        assertEquals((1 / 3.0 + 0) / 2, once(Metrics.precision(Average.MACRO), logits, targets), EPS);
        assertEquals((1 + 0) / 2.0, once(Metrics.recall(Average.MACRO), logits, targets), EPS);
        assertEquals((2 / 4.0 + 0) / 2, once(Metrics.f1(Average.MACRO), logits, targets), EPS);
    }

    /*
     * Binary labels [4, 2], logit > 0 predicts 1 (the 0 logit predicts 0):
     * label 0: predicted 1 0 1 0, targets 1 1 0 0: tp 1 fp 1 fn 1 tn 1; label 1: predicted 0 0 1 0, targets 0 0 1 0:
     * tp 1 tn 3.
     */
    private static final Tensor BINARY_LOGITS = t(new int[] {4, 2}, 2, -1, -3, 0, 1, 4, -1, -2);
    private static final Tensor BINARY_TARGETS = t(new int[] {4, 2}, 1, 0, 1, 0, 0, 1, 0, 0);

    @Test
    void binaryLabelsAreScoredPerLabelOnThePositiveClass() {
        assertEquals(6 / 8.0, once(Metrics.accuracy(), BINARY_LOGITS, BINARY_TARGETS), EPS);
        for (Metric m : new Metric[] {Metrics.precision(Average.MACRO), Metrics.recall(Average.MACRO),
                Metrics.f1(Average.MACRO)}) {
            assertEquals((0.5 + 1) / 2, once(m, BINARY_LOGITS, BINARY_TARGETS), EPS, m.name());
        }
        for (Metric m : new Metric[] {Metrics.precision(Average.MICRO), Metrics.recall(Average.MICRO),
                Metrics.f1(Average.MICRO)}) {
            assertEquals(2 / 3.0, once(m, BINARY_LOGITS, BINARY_TARGETS), EPS, m.name());
        }
    }

    @Test
    void aLabelThatNeverOccursIsLeftOutOfTheMacroAverage() {
        // a third label, negative everywhere and never predicted: macro and micro stay as they were
        Tensor logits = t(new int[] {4, 3}, 2, -1, -1, -3, 0, -2, 1, 4, -5, -1, -2, 0);
        Tensor targets = t(new int[] {4, 3}, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0);
        assertEquals(0.75, once(Metrics.f1(Average.MACRO), logits, targets), EPS);
        assertEquals(2 / 3.0, once(Metrics.f1(Average.MICRO), logits, targets), EPS);
        assertEquals(10 / 12.0, once(Metrics.accuracy(), logits, targets), EPS);
    }

    @Test
    void noPositiveAnywhereGivesZeroNotNaN() {
        // scikit-learn's zero_division=0: nothing to score is 0 (accuracy is still 1)
        Tensor logits = vec(-1, -2, 0);
        Tensor targets = vec(0, 0, 0);
        for (Average a : Average.values()) {
            assertEquals(0.0, once(Metrics.precision(a), logits, targets), EPS);
            assertEquals(0.0, once(Metrics.recall(a), logits, targets), EPS);
            assertEquals(0.0, once(Metrics.f1(a), logits, targets), EPS);
        }
        assertEquals(1.0, once(Metrics.accuracy(), logits, targets), EPS);
    }

    @Test
    void binaryOfShapeNIsOneLabel() {
        // predicted 1 1 0 0 1, targets 1 0 0 1 1: tp 2 fp 1 fn 1 tn 1
        Tensor logits = vec(0.5f, 3, -0.5f, -2, 1e-6f);
        Tensor targets = vec(1, 0, 0, 1, 1);
        assertEquals(3 / 5.0, once(Metrics.accuracy(), logits, targets), EPS);
        for (Average a : Average.values()) {
            assertEquals(2 / 3.0, once(Metrics.precision(a), logits, targets), EPS);
            assertEquals(2 / 3.0, once(Metrics.recall(a), logits, targets), EPS);
            assertEquals(4 / 6.0, once(Metrics.f1(a), logits, targets), EPS);
        }
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Metric.Accumulator a = Metrics.accuracy().newAccumulator();
        ShapeException e = assertThrows(ShapeException.class, () -> a.add(Tensor.zeros(4, 3), Tensor.zeros(5)));
        assertEquals("accuracy: logits [4, 3] and targets [5] do not match; expected logits [N, C, d1, ...] and "
                + "targets [N, d1, ...]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> a.add(Tensor.zeros(4, 3), Tensor.zeros(4, 2)));
        assertEquals("accuracy: logits [4, 3] and targets [4, 2] do not match; expected logits [N, C] with targets "
                + "[N] (class indices) or logits and targets of one shape (binary labels)", e.getMessage());
        e = assertThrows(ShapeException.class, () -> a.add(Tensor.scalar(1), Tensor.scalar(1)));
        assertEquals("accuracy: logits [] and targets [] do not match; expected equal shapes [N] or [N, D]",
                e.getMessage());
        e = assertThrows(ShapeException.class, () -> a.add(Tensor.zeros(4, 0), Tensor.zeros(4)));
        assertEquals("accuracy: logits [4, 0] and targets [4] have no classes (C = 0)", e.getMessage());
    }

    @Test
    void batchesMustAgreeWithEachOther() {
        Metric.Accumulator f1 = Metrics.f1(Average.MACRO).newAccumulator();
        f1.add(Tensor.zeros(2, 5), vec(0, 4));
        ShapeException e = assertThrows(ShapeException.class, () -> f1.add(Tensor.zeros(2, 3), vec(0, 1)));
        assertEquals("f1_macro: logits [2, 3] and targets [2] have 3 classes, but earlier batches had 5",
                e.getMessage());
        e = assertThrows(ShapeException.class, () -> f1.add(Tensor.zeros(2), vec(0, 1)));
        assertEquals("f1_macro: logits [2] and targets [2] are binary labels, but earlier batches held class "
                + "indices", e.getMessage());

        Metric.Accumulator acc = Metrics.accuracy().newAccumulator();
        acc.add(Tensor.zeros(2, 3), Tensor.zeros(2, 3));
        e = assertThrows(ShapeException.class, () -> acc.add(Tensor.zeros(2, 3), vec(0, 1)));
        assertEquals("accuracy: logits [2, 3] and targets [2] are class indices, but earlier batches held binary "
                + "labels", e.getMessage());
        e = assertThrows(ShapeException.class, () -> acc.add(Tensor.zeros(2, 4), Tensor.zeros(2, 4)));
        assertEquals("accuracy: logits [2, 4] and targets [2, 4] have 4 labels per sample, but earlier batches "
                + "had 3", e.getMessage());
    }

    @Test
    void invalidTargetsNameTheMetricThePositionAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.precision(Average.MICRO), Tensor.zeros(3, 4), vec(0, 4, 1)));
        assertEquals("precision_micro: target 4.0 at sample 1 is not a class index in [0, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.accuracy(), Tensor.zeros(3, 4), vec(0, 1, 2.5f)));
        assertEquals("accuracy: target 2.5 at sample 2 is not a class index in [0, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.recall(Average.MACRO), Tensor.zeros(2, 2), t(new int[] {2, 2}, 0, 1, 1, -1)));
        assertEquals("recall_macro: target -1.0 at position [1, 1] is not 0 or 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.topK(2), Tensor.zeros(2, 3), vec(Float.NaN, 0)));
        assertEquals("top2_accuracy: target NaN at sample 0 is not a class index in [0, 3)", e.getMessage());
    }

    @Test
    void topKErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.topK(0));
        assertEquals("top0_accuracy: k must be at least 1, got 0", e.getMessage());
        ShapeException s = assertThrows(ShapeException.class,
                () -> once(Metrics.topK(5), Tensor.zeros(2, 3), vec(0, 1)));
        assertEquals("top5_accuracy: k = 5 exceeds the 3 classes of logits [2, 3] and targets [2]", s.getMessage());
        s = assertThrows(ShapeException.class, () -> once(Metrics.topK(1), Tensor.zeros(2, 3), vec(0, 1, 2)));
        assertEquals("top1_accuracy: logits [2, 3] and targets [3] do not match; expected logits [N, C, d1, ...] "
                + "and targets [N, d1, ...]", s.getMessage());
    }
}
