package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Class weights (cross-entropy's {@code weight}, BCE's {@code pos_weight}) and per-sample weights, with and without
 * masks, against {@code reference/weighted_losses.json} (PyTorch 1.13 float64, see
 * {@code generate_weighted_loss_reference.py}): loss and gradient within |a − b| ≤ 1e-5·(|b| + max|b|).
 */
class WeightedLossReferenceTest {
    private static final String FIXTURE = "/reference/weighted_losses.json";
    private static final double RTOL = 1e-5;

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        return cases().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
    }

    @Test
    void fixtureCoversEveryWeightWithAndWithoutMasks() {
        Set<String> seen = new HashSet<>();
        for (Object c : cases().values()) {
            Map<String, Object> params = Fixtures.object(Fixtures.get(c, "params"), "params");
            Map<String, Object> inputs = Fixtures.object(Fixtures.get(c, "inputs"), "inputs");
            String kind = (String) Fixtures.get(c, "kind");
            seen.add(kind + "/" + Fixtures.get(c, "reduction"));
            params.keySet().forEach(p -> seen.add(kind + "+" + p + (inputs.containsKey("mask") ? "+mask" : "")));
            if (inputs.containsKey("sample_weights")) {
                seen.add(kind + "+sample_weights" + (inputs.containsKey("mask") ? "+mask" : ""));
            }
        }
        for (String s : List.of("cross_entropy+class_weights", "cross_entropy+class_weights+mask",
                "bce_with_logits+pos_weight", "bce_with_logits+pos_weight+mask", "cross_entropy+sample_weights+mask",
                "bce_with_logits+sample_weights+mask", "mse+sample_weights+mask", "mae+sample_weights",
                "cross_entropy/none", "bce_with_logits/none", "bce_with_logits/sum")) {
            assertTrue(seen.contains(s), "no case " + s + " in " + seen);
        }
    }

    @Test
    void weightedLossesPassGradCheck() {
        Tensor logits = Tensor.randn(3, 4, 5);
        Tensor classes = Tensor.wrap(Shape.of(4), new float[] {0, 3, 4, 1});
        Tensor mask = Tensor.wrap(Shape.of(4), new float[] {1, 1, 0, 1});
        Tensor weights = Tensor.wrap(Shape.of(4), new float[] {0.5f, 2, 1, 1.5f});
        Loss ce = Losses.crossEntropy(0.1f, Reduction.MEAN, new float[] {1, 2, 0.5f, 0, 3});
        GradCheck.assertGradients(v -> ce.apply(v[0], classes, mask, weights), logits);
        Tensor binary = Tensor.wrap(Shape.of(4, 5), new float[] {1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0});
        Loss bce = Losses.bceWithLogits(Reduction.MEAN, new float[] {2, 0.5f, 1, 3, 0.25f});
        GradCheck.assertGradients(v -> bce.apply(v[0], binary, mask, weights), logits);
    }

    @Test
    void badWeightsAreOneLineFaultsNamingTheSetting() {
        assertEquals("crossEntropy: classWeights[1] = -1.0, expected a finite number >= 0",
                assertThrows(IllegalArgumentException.class,
                        () -> Losses.crossEntropy(0f, Reduction.MEAN, new float[] {1, -1})).getMessage());
        assertEquals("bceWithLogits: posWeight[0] = NaN, expected a finite number >= 0",
                assertThrows(IllegalArgumentException.class,
                        () -> Losses.bceWithLogits(Reduction.MEAN, new float[] {Float.NaN})).getMessage());
        Var logits = Var.parameter(Tensor.randn(1, 2, 3));
        assertEquals("crossEntropy: classWeights has 2 values, but logits [2, 3] and targets [2] have 3 classes",
                assertThrows(ShapeException.class, () -> Losses.crossEntropy(0f, Reduction.MEAN, new float[] {1, 1})
                        .apply(logits, Tensor.zeros(Shape.of(2)))).getMessage());
        assertEquals("bceWithLogits: posWeight has 2 values, but logits [2, 3] have 3 label(s) per sample (give one "
                        + "per label, or one for all)",
                assertThrows(ShapeException.class, () -> Losses.bceWithLogits(Reduction.MEAN, new float[] {1, 1})
                        .apply(logits, Tensor.zeros(Shape.of(2, 3)))).getMessage());
        assertEquals("mse: sample weight [1] = -2.0, expected a finite number >= 0",
                assertThrows(IllegalArgumentException.class, () -> Losses.mse().apply(logits, Tensor.zeros(Shape.of(2, 3)),
                        null, Tensor.wrap(Shape.of(2), new float[] {1, -2}))).getMessage());
        assertEquals("mse: sample weights [3] do not match predictions [2, 3] and targets [2, 3]; expected sample "
                        + "weights [2]",
                assertThrows(ShapeException.class, () -> Losses.mse().apply(logits, Tensor.zeros(Shape.of(2, 3)),
                        null, Tensor.ones(3))).getMessage());
    }

    @Test
    void eachLossStatesTheLabelsItFits() {
        assertEquals(Set.of(LabelType.BINARY), Losses.bceWithLogits().labelTypes());
        assertEquals(Set.of(LabelType.CLASS_INDEX, LabelType.PIXEL_CLASS_MAP, LabelType.TOKEN_CLASS),
                Losses.crossEntropy().labelTypes());
        assertEquals(Set.of(LabelType.REAL_VECTOR), Losses.huber().labelTypes());
    }

    private static void check(String name, Object c) {
        Reduction reduction = Reduction.valueOf(((String) Fixtures.get(c, "reduction")).toUpperCase());
        Map<String, Object> params = Fixtures.object(Fixtures.get(c, "params"), "params");
        Loss loss = loss(name, (String) Fixtures.get(c, "kind"), params, reduction);
        Map<String, Object> inputs = Fixtures.object(Fixtures.get(c, "inputs"), "inputs");
        Tensor mask = inputs.containsKey("mask") ? Fixtures.tensor(inputs.get("mask")) : null;
        Tensor weights = inputs.containsKey("sample_weights") ? Fixtures.tensor(inputs.get("sample_weights")) : null;
        Var prediction = Var.parameter(Fixtures.tensor(inputs.get("pred")));
        Var out = loss.apply(prediction, Fixtures.tensor(inputs.get("target")), mask, weights);
        LossFixtures.backwardAndCompare(name, out, reduction, inputs, c, prediction, "grad_pred", RTOL);
    }

    private static Loss loss(String name, String kind, Map<String, Object> params, Reduction r) {
        assertTrue(Set.of("label_smoothing", "delta", "class_weights", "pos_weight").containsAll(params.keySet()),
                name + ": unknown params " + params.keySet());
        return switch (kind) {
            case "cross_entropy" -> Losses.crossEntropy(params.containsKey("label_smoothing")
                    ? (float) Fixtures.number(params.get("label_smoothing"), "label_smoothing") : 0f, r,
                    floats(params.get("class_weights")));
            case "bce_with_logits" -> Losses.bceWithLogits(r, floats(params.get("pos_weight")));
            case "mse" -> Losses.mse(r);
            case "mae" -> Losses.mae(r);
            case "huber" -> Losses.huber((float) Fixtures.number(Fixtures.get(params, "delta"), "delta"), r);
            default -> throw new AssertionError(name + ": unknown kind " + kind);
        };
    }

    private static float[] floats(Object list) {
        if (list == null) {
            return null;
        }
        List<Object> l = Fixtures.list(list, "weights");
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Fixtures.number(l.get(i), "weight");
        }
        return f;
    }
}
