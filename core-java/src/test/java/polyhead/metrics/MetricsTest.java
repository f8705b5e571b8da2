package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import polyhead.data.LabelType;

/** Names, parsing, label types and directions. */
class MetricsTest {
    private static final String KNOWN = "known: accuracy, top<k>_accuracy (e.g. top5_accuracy), precision_macro, "
            + "precision_micro, recall_macro, recall_micro, f1_macro, f1_micro, auc, mse, mae, r2, pixel_accuracy, "
            + "mean_iou, sequence_accuracy";

    private static Map<String, Metric> byName() {
        Map<String, Metric> m = new LinkedHashMap<>();
        for (Metric metric : List.of(Metrics.accuracy(), Metrics.topK(5), Metrics.topK(1), Metrics.topK(12),
                Metrics.precision(Average.MACRO), Metrics.precision(Average.MICRO), Metrics.recall(Average.MACRO),
                Metrics.recall(Average.MICRO), Metrics.f1(Average.MACRO), Metrics.f1(Average.MICRO), Metrics.auc(),
                Metrics.mse(), Metrics.mae(), Metrics.r2(), Metrics.pixelAccuracy(), Metrics.meanIou(),
                Metrics.sequenceAccuracy())) {
            m.put(metric.name(), metric);
        }
        return m;
    }

    @Test
    void namesAreStable() {
        assertEquals(List.of("accuracy", "top5_accuracy", "top1_accuracy", "top12_accuracy", "precision_macro",
                "precision_micro", "recall_macro", "recall_micro", "f1_macro", "f1_micro", "auc", "mse", "mae", "r2",
                "pixel_accuracy", "mean_iou", "sequence_accuracy"), List.copyOf(byName().keySet()));
        assertEquals("mean_iou", Metrics.meanIou(7).name());
    }

    @Test
    void parseRoundTrips() {
        for (Map.Entry<String, Metric> e : byName().entrySet()) {
            assertEquals(e.getValue(), Metrics.parse(e.getKey()), e.getKey());
        }
        assertEquals(Metrics.meanIou(), Metrics.parse(Metrics.meanIou(7).name()));
    }

    @Test
    void parseRejectsUnknownNamesListingTheKnownOnes() {
        for (String name : List.of("acc", "Accuracy", "f1", "top_accuracy", "topk_accuracy", "top-1_accuracy",
                "top5_accuracy ", "top99999999999_accuracy", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.parse(name));
            assertEquals("unknown metric '" + name + "'; " + KNOWN, e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.parse("top0_accuracy"));
        assertEquals("top0_accuracy: k must be at least 1, got 0", e.getMessage());
    }

    @Test
    void labelTypesAndDirections() {
        Map<String, Metric> m = byName();
        Set<LabelType> classification = Set.of(LabelType.CLASS_INDEX, LabelType.BINARY, LabelType.TOKEN_CLASS);
        for (String name : List.of("accuracy", "precision_macro", "precision_micro", "recall_macro", "recall_micro",
                "f1_macro", "f1_micro")) {
            assertEquals(classification, m.get(name).labelTypes(), name);
        }
        assertEquals(Set.of(LabelType.CLASS_INDEX), m.get("top5_accuracy").labelTypes());
        assertEquals(Set.of(LabelType.BINARY), m.get("auc").labelTypes());
        for (String name : List.of("mse", "mae", "r2")) {
            assertEquals(Set.of(LabelType.REAL_VECTOR), m.get(name).labelTypes(), name);
        }
        for (String name : List.of("pixel_accuracy", "mean_iou")) {
            assertEquals(Set.of(LabelType.PIXEL_CLASS_MAP), m.get(name).labelTypes(), name);
        }
        assertEquals(Set.of(LabelType.TOKEN_CLASS), m.get("sequence_accuracy").labelTypes());
        for (Metric metric : m.values()) {
            boolean lowerIsBetter = metric.name().equals("mse") || metric.name().equals("mae");
            assertEquals(!lowerIsBetter, metric.higherIsBetter(), metric.name());
        }
    }

    @Test
    void metricsAreValuesAndAccumulatorsAreIndependent() {
        assertEquals(Metrics.topK(3), Metrics.topK(3));
        assertFalse(Metrics.topK(3).equals(Metrics.topK(2)));
        assertFalse(Metrics.meanIou().equals(Metrics.meanIou(3)));
        Metric accuracy = Metrics.accuracy();
        Metric.Accumulator a = accuracy.newAccumulator();
        Metric.Accumulator b = accuracy.newAccumulator();
        a.add(TestData.oneHotLogits(2, 1), TestData.vec(1));
        assertEquals(1.0, a.result());
        assertTrue(Double.isNaN(b.result()));
    }
}
