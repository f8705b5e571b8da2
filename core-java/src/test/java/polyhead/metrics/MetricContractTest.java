package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.metrics.TestData.fillRow;
import static polyhead.metrics.TestData.rows;
import static polyhead.metrics.TestData.slice;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * What every metric promises, run against every metric with inputs of each label type it takes: masked samples
 * are ignored even when their targets are invalid, all-masked and empty accumulators give NaN, accumulating in
 * several batches equals one batch, a rejected batch changes nothing, and the mask is validated.
 */
class MetricContractTest {
    private static final int N = 12;
    /** Samples 1, 4, 5 and 9 are missing: their targets hold placeholders no metric accepts. */
    private static final float[] MASK = {1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1};
    private static final int[] KEPT = {0, 2, 3, 6, 7, 8, 10, 11};

    /** A metric with a valid batch of N samples, and a placeholder that is an invalid target for it. */
    private record Case(String label, Metric metric, Tensor predictions, Tensor targets, float invalid) {
        @Override
        public String toString() {
            return metric.name() + " on " + label + " " + predictions.shape();
        }
    }

    private static List<Case> cases() {
        Random rng = new Random(7);
        Tensor classLogits = TestData.halves(rng, N, 4);
        Tensor classes = TestData.classes(rng, 4, N);
        Tensor binaryLogits = TestData.halves(rng, N, 3);
        Tensor labels = TestData.binary(rng, N, 3);
        Tensor scores = TestData.halves(rng, N, 2);
        Tensor scoreLabels = TestData.binary(rng, N, 2);
        Tensor real = Tensor.randn(rng, TestData.shape(N, 3));
        Tensor realTargets = Tensor.randn(rng, TestData.shape(N, 3));
        Tensor pixelLogits = TestData.halves(rng, N, 3, 2, 2);
        Tensor pixelClasses = TestData.classes(rng, 3, N, 2, 2);

        List<Case> cases = new ArrayList<>();
        List<Metric> classification = new ArrayList<>(List.of(Metrics.accuracy()));
        for (Average a : Average.values()) {
            classification.addAll(List.of(Metrics.precision(a), Metrics.recall(a), Metrics.f1(a)));
        }
        for (Metric m : classification) {
            cases.add(new Case("class indices", m, classLogits, classes, -100));
            cases.add(new Case("binary labels", m, binaryLogits, labels, 0.5f));
        }
        cases.add(new Case("class indices", Metrics.topK(2), classLogits, classes, 4));
        cases.add(new Case("binary labels", Metrics.auc(), scores, scoreLabels, Float.NaN));
        for (Metric m : List.of(Metrics.mse(), Metrics.mae(), Metrics.r2())) {
            cases.add(new Case("real values", m, real, realTargets, Float.NaN));
        }
        cases.add(new Case("pixel classes", Metrics.pixelAccuracy(), pixelLogits, pixelClasses, 1.5f));
        cases.add(new Case("pixel classes", Metrics.meanIou(), pixelLogits, pixelClasses, 255));
        cases.add(new Case("pixel classes", Metrics.meanIou(3), pixelLogits, pixelClasses, 3));
        return cases;
    }

    private static Stream<DynamicTest> forEachCase(Consumer<Case> test) {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> test.accept(c)));
    }

    /** The case's targets with the placeholder in every element of the missing samples. */
    private static Tensor poisoned(Case c) {
        Tensor t = c.targets().copy();
        for (int n = 0; n < N; n++) {
            if (MASK[n] == 0) {
                fillRow(t, n, c.invalid());
            }
        }
        return t;
    }

    private static Tensor mask() {
        return TestData.vec(MASK);
    }

    private static void assertSameValue(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    @TestFactory
    Stream<DynamicTest> maskedSamplesAreIgnoredEvenWithInvalidTargets() {
        return forEachCase(c -> {
            double masked = TestData.once(c.metric(), c.predictions(), poisoned(c), mask());
            double subset = TestData.once(c.metric(), rows(c.predictions(), KEPT), rows(c.targets(), KEPT));
            assertFalse(Double.isNaN(subset), c + ": the subset gives a value");
            assertSameValue(subset, masked, c.toString());
        });
    }

    @TestFactory
    Stream<DynamicTest> nothingLabelledGivesNaN() {
        return forEachCase(c -> {
            Metric.Accumulator a = c.metric().newAccumulator();
            assertTrue(Double.isNaN(a.result()), c + ": before any batch");
            Tensor garbage = c.targets().copy().fill(c.invalid());
            a.add(c.predictions(), garbage, Tensor.zeros(N));
            assertTrue(Double.isNaN(a.result()), c + ": every sample masked");
            a.add(slice(c.predictions(), 0, 0), slice(c.targets(), 0, 0), null);
            assertTrue(Double.isNaN(a.result()), c + ": an empty batch");
        });
    }

    @TestFactory
    Stream<DynamicTest> severalBatchesEqualOne() {
        return forEachCase(c -> {
            Tensor targets = poisoned(c);
            double one = TestData.once(c.metric(), c.predictions(), targets, mask());
            Metric.Accumulator a = c.metric().newAccumulator();
            int[] cuts = {0, 1, 5, 6, 11, N}; // batches of 1, 4, 1, 5 and 1 samples, one of them all masked
            for (int i = 0; i + 1 < cuts.length; i++) {
                a.add(slice(c.predictions(), cuts[i], cuts[i + 1]), slice(targets, cuts[i], cuts[i + 1]),
                        slice(mask(), cuts[i], cuts[i + 1]));
            }
            assertSameValue(one, a.result(), c.toString());
            assertSameValue(one, a.result(), c + ": result() does not change the state");
        });
    }

    @TestFactory
    Stream<DynamicTest> aRejectedBatchChangesNothing() {
        return forEachCase(c -> {
            Metric.Accumulator a = c.metric().newAccumulator();
            a.add(c.predictions(), c.targets());
            double before = a.result();
            Tensor bad = c.targets().copy();
            fillRow(bad, N - 1, c.invalid()); // the last sample: everything before it would have been counted
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.add(c.predictions(), bad));
            assertFalse(e instanceof ShapeException, c + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(c.metric().name() + ": target "), e.getMessage());
            assertSameValue(before, a.result(), c.toString());
        });
    }

    @TestFactory
    Stream<DynamicTest> theMaskIsValidated() {
        return forEachCase(c -> {
            Metric.Accumulator a = c.metric().newAccumulator();
            String shapes = (c.metric().name().matches("mse|mae|r2|auc") ? "predictions " : "logits ")
                    + c.predictions().shape() + " and targets " + c.targets().shape();
            ShapeException wrongShape = assertThrows(ShapeException.class,
                    () -> a.add(c.predictions(), c.targets(), Tensor.ones(N, 1)));
            assertEquals(c.metric().name() + ": mask [" + N + ", 1] does not match " + shapes + "; expected mask ["
                    + N + "]", wrongShape.getMessage());
            Tensor half = mask();
            half.data()[3] = 0.5f;
            IllegalArgumentException notBinary = assertThrows(IllegalArgumentException.class,
                    () -> a.add(c.predictions(), c.targets(), half));
            assertEquals(c.metric().name() + ": mask[3] = 0.5, expected 0 or 1", notBinary.getMessage());
            assertTrue(Double.isNaN(a.result()), c + ": nothing was counted");
        });
    }
}
