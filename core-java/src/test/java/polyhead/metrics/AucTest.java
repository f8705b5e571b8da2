package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.metrics.TestData.once;
import static polyhead.metrics.TestData.t;
import static polyhead.metrics.TestData.vec;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class AucTest {
    private static final double EPS = 1e-15;

    @Test
    void scikitLearnsDocumentationExample() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        assertEquals(0.75, once(Metrics.auc(), vec(0.1f, 0.4f, 0.35f, 0.8f), vec(0, 0, 1, 1)), EPS);
    }

    @Test
    void tiesBetweenClassesCountHalf() {
        // positives 0.5, 0.9; negatives 0.5, 0.2: U = (1 + ½) + 2 = 3.5 of 4 pairs (ranks 2.5 and 4: 6.5 − 3)
        assertEquals(3.5 / 4, once(Metrics.auc(), vec(0.5f, 0.5f, 0.2f, 0.9f), vec(1, 0, 0, 1)), EPS);
        // everything tied: 0.5
        assertEquals(0.5, once(Metrics.auc(), vec(1, 1, 1, 1, 1), vec(1, 0, 0, 1, 0)), EPS);
        // −0 and +0 are one score
        assertEquals(0.5, once(Metrics.auc(), vec(-0f, 0f), vec(1, 0)), EPS);
    }

    @Test
    void perfectAndReversedRankings() {
        assertEquals(1.0, once(Metrics.auc(), vec(-3, -1, 2, 5), vec(0, 0, 1, 1)), EPS);
        assertEquals(0.0, once(Metrics.auc(), vec(-3, -1, 2, 5), vec(1, 1, 0, 0)), EPS);
    }

    @Test
    void logitsAndProbabilitiesGiveTheSameAuc() {
        Random rng = new Random(3);
        Tensor logits = Tensor.randn(rng, TestData.shape(50));
        Tensor targets = TestData.binary(rng, 50);
        Tensor probabilities = logits.copy();
        for (int i = 0; i < 50; i++) {
            probabilities.data()[i] = (float) (1 / (1 + Math.exp(-logits.data()[i])));
        }
        assertEquals(once(Metrics.auc(), logits, targets), once(Metrics.auc(), probabilities, targets), EPS);
    }

    @Test
    void elementsOfNByDArePooled() {
        // [2, 2] pooled: positives 0.8, 0.3; negatives 0.4, 0.1 → pairs won: 2 + 1 = 3 of 4
        assertEquals(0.75, once(Metrics.auc(), t(new int[] {2, 2}, 0.8f, 0.4f, 0.1f, 0.3f),
                t(new int[] {2, 2}, 1, 0, 0, 1)), EPS);
    }

    @Test
    void oneClassGivesNaN() {
        assertTrue(Double.isNaN(once(Metrics.auc(), vec(0.1f, 0.9f), vec(1, 1))));
        assertTrue(Double.isNaN(once(Metrics.auc(), vec(0.1f, 0.9f), vec(0, 0))));
        // the second class arrives in a later batch
        Metric.Accumulator a = Metrics.auc().newAccumulator();
        a.add(vec(0.1f, 0.9f), vec(1, 1));
        a.add(vec(0.5f), vec(0));
        assertEquals(0.5, a.result(), EPS);
    }

    @Test
    void agreesWithAQuadraticPairCountOnManySamples() {
        // more samples than the accumulator's initial capacity, in several batches, with many ties
        Random rng = new Random(11);
        Tensor scores = TestData.halves(rng, 300);
        Tensor labels = TestData.binary(rng, 300);
        Metric.Accumulator a = Metrics.auc().newAccumulator();
        for (int from = 0; from < 300; from += 70) {
            int to = Math.min(300, from + 70);
            a.add(TestData.slice(scores, from, to), TestData.slice(labels, from, to));
        }
        double won = 0;
        long pairs = 0;
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 300; j++) {
                if (labels.data()[i] == 1 && labels.data()[j] == 0) {
                    float p = scores.data()[i];
                    float n = scores.data()[j];
                    won += p > n ? 1 : p == n ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        assertEquals(won / pairs, a.result(), 1e-15);
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> once(Metrics.auc(), vec(0.1f, 0.2f, 0.3f), vec(0, 1, 2)));
        assertEquals("auc: target 2.0 at sample 2 is not 0 or 1", e.getMessage());
        ShapeException s = assertThrows(ShapeException.class,
                () -> once(Metrics.auc(), Tensor.zeros(3, 2), vec(0, 1, 1)));
        assertEquals("auc: predictions [3, 2] and targets [3] do not match; expected equal shapes [N] or [N, D]",
                s.getMessage());
    }
}
