package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Every value of {@code reference/metrics.json}: scikit-learn's algorithms re-implemented in NumPy by
 * {@code generate_metrics_reference.py} (a trapezoidal ROC for AUC, multilabel confusion counts for precision,
 * recall and F1, mmsegmentation's nanmean for mean IoU), on inputs with many ties and masked samples whose
 * targets are invalid. Each case is also fed in three batches.
 */
class MetricReferenceTest {
    private static final String FIXTURE = "/reference/metrics.json";
    private static final double TOL = 1e-12;

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
    }

    @TestFactory
    Stream<DynamicTest> everyValueMatches() {
        return cases().entrySet().stream().flatMap(c -> {
            Map<String, Object> expected = Fixtures.object(Fixtures.get(c.getValue(), "expected"), "expected");
            return expected.entrySet().stream().map(e -> DynamicTest.dynamicTest(c.getKey() + " " + e.getKey(),
                    () -> check(c.getValue(), e.getKey(), Fixtures.number(e.getValue(), e.getKey()))));
        });
    }

    @Test
    void fixtureCoversEveryMetric() {
        Set<String> seen = new HashSet<>();
        for (Object c : cases().values()) {
            seen.addAll(Fixtures.object(Fixtures.get(c, "expected"), "expected").keySet());
        }
        assertEquals(Set.of("accuracy", "top1_accuracy", "top2_accuracy", "top3_accuracy", "precision_macro",
                "precision_micro", "recall_macro", "recall_micro", "f1_macro", "f1_micro", "auc", "mse", "mae", "r2",
                "pixel_accuracy", "mean_iou"), seen);
    }

    @TestFactory
    Stream<DynamicTest> confusionMatricesMatch() {
        return cases().entrySet().stream().filter(c -> Fixtures.object(c.getValue(), c.getKey())
                .containsKey("confusion_matrix")).map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
                    Map<String, Object> inputs = Fixtures.object(Fixtures.get(c.getValue(), "inputs"), "inputs");
                    Tensor logits = Fixtures.tensor(inputs.get("pred"));
                    ConfusionMatrix cm = Metrics.confusionMatrix(logits.shape().dim(1));
                    cm.add(logits, Fixtures.tensor(inputs.get("target")), Fixtures.tensor(inputs.get("mask")));
                    List<Object> rows = Fixtures.list(Fixtures.get(c.getValue(), "confusion_matrix"), "rows");
                    long[][] expected = new long[rows.size()][];
                    for (int r = 0; r < expected.length; r++) {
                        List<Object> row = Fixtures.list(rows.get(r), "row");
                        expected[r] = row.stream().mapToLong(v -> (long) Fixtures.number(v, "count")).toArray();
                    }
                    assertArrayEquals(expected, cm.result());
                }));
    }

    private static void check(Object c, String name, double expected) {
        Map<String, Object> inputs = Fixtures.object(Fixtures.get(c, "inputs"), "inputs");
        Tensor pred = Fixtures.tensor(inputs.get("pred"));
        Tensor target = Fixtures.tensor(inputs.get("target"));
        Tensor mask = inputs.containsKey("mask") ? Fixtures.tensor(inputs.get("mask")) : null;
        Metric metric = Metrics.parse(name);
        double once = TestData.once(metric, pred, target, mask);
        assertEquals(expected, once, TOL * Math.max(1, Math.abs(expected)), name + " in one batch");

        int n = pred.shape().dim(0);
        int[] cuts = {0, n / 3, n / 3 + 1, n};
        Metric.Accumulator a = metric.newAccumulator();
        for (int i = 0; i + 1 < cuts.length; i++) {
            a.add(TestData.slice(pred, cuts[i], cuts[i + 1]), TestData.slice(target, cuts[i], cuts[i + 1]),
                    mask == null ? null : TestData.slice(mask, cuts[i], cuts[i + 1]));
        }
        assertEquals(expected, a.result(), TOL * Math.max(1, Math.abs(expected)), name + " in three batches");
    }
}
