package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Cross-entropy over the tokens of padded sequences (logits [B, T, C], targets and mask [B, T]) against
 * {@code reference/token_losses.json}: PyTorch 1.13's {@code cross_entropy} on the flattened tokens with
 * {@code ignore_index} at padding and missing labels, with class weights, label smoothing and sample weights per
 * sentence (float64, see {@code generate_token_loss_reference.py}); loss and gradient within
 * |a − b| ≤ 1e-5·(|b| + max|b|).
 */
class TokenLossReferenceTest {
    private static final double RTOL = 1e-5;

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load("/reference/token_losses.json"), "cases"), "cases");
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        assertTrue(cases().size() >= 10);
        return cases().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
    }

    private static void check(String name, Object c) {
        Reduction reduction = Reduction.valueOf(((String) Fixtures.get(c, "reduction")).toUpperCase());
        Map<String, Object> params = Fixtures.object(Fixtures.get(c, "params"), "params");
        assertTrue(Set.of("label_smoothing", "class_weights").containsAll(params.keySet()), name + ": " + params);
        float eps = params.containsKey("label_smoothing")
                ? (float) Fixtures.number(params.get("label_smoothing"), "label_smoothing") : 0f;
        float[] weights = null;
        if (params.containsKey("class_weights")) {
            java.util.List<?> w = (java.util.List<?>) params.get("class_weights");
            weights = new float[w.size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) Fixtures.number(w.get(i), "class_weights");
            }
        }
        Loss loss = Losses.crossEntropy(eps, reduction, weights);
        Map<String, Object> inputs = Fixtures.object(Fixtures.get(c, "inputs"), "inputs");
        Tensor sw = inputs.containsKey("sample_weights") ? Fixtures.tensor(inputs.get("sample_weights")) : null;
        Var logits = Var.parameter(Fixtures.tensor(inputs.get("logits")));
        Var out = loss.apply(logits, Fixtures.tensor(inputs.get("target")), Fixtures.tensor(inputs.get("mask")), sw);
        LossFixtures.backwardAndCompare(name, out, reduction, inputs, c, logits, "grad_logits", RTOL);
    }

    @Test
    void tokenLossesPassGradCheck() {
        Tensor logits = Tensor.randn(5L, 2, 3, 4);
        Tensor targets = Tensor.wrap(Shape.of(2, 3), new float[] {0, 3, 1, 2, 0, 0});
        Tensor mask = Tensor.wrap(Shape.of(2, 3), new float[] {1, 1, 1, 1, 0, 0});
        Tensor weights = Tensor.wrap(Shape.of(2), new float[] {0.5f, 2});
        Loss ce = Losses.crossEntropy(0.1f, Reduction.MEAN, new float[] {1, 2, 0.5f, 3});
        GradCheck.assertGradients(v -> ce.apply(v[0], targets, mask, weights), logits);
        GradCheck.assertGradients(v -> Losses.crossEntropy().apply(v[0], targets, mask), logits);
    }

    /** The mean runs over the labelled tokens: a padded token changes nothing, whatever its logits or target. */
    @Test
    void paddingChangesNothing() {
        Tensor logits = Tensor.wrap(Shape.of(1, 2, 2), new float[] {1, 3, 50, -50});
        Tensor targets = Tensor.wrap(Shape.of(1, 2), new float[] {1, 1});
        Tensor mask = Tensor.wrap(Shape.of(1, 2), new float[] {1, 0});
        double alone = Math.log(1 + Math.exp(1 - 3)); // −log softmax([1, 3])[1]
        assertEquals(alone, Losses.crossEntropy().apply(Var.constant(logits), targets, mask).value().item(), 1e-6);
        Tensor none = Losses.crossEntropy(Reduction.NONE).apply(Var.constant(logits), targets, mask).value();
        assertEquals(Shape.of(1, 2), none.shape());
        assertEquals(0f, none.get(0, 1));
    }

    @Test
    void tokenShapesThatDoNotFitAreOneLine() {
        Var logits = Var.parameter(Tensor.zeros(2, 3, 4));
        assertEquals("crossEntropy: logits [2, 3, 4], targets [2, 4] and mask [2, 4] do not match; a mask [N, T] "
                        + "marks tokens: expected logits [N, T, C], targets [N, T] and mask [N, T]",
                assertThrows(ShapeException.class, () -> Losses.crossEntropy().apply(logits, Tensor.zeros(2, 4),
                        Tensor.ones(2, 4))).getMessage());
        assertEquals("crossEntropy: sample weights [3] do not match logits [2, 3, 4]; expected one weight per sequence "
                        + "[2]",
                assertThrows(ShapeException.class, () -> Losses.crossEntropy().apply(logits, Tensor.zeros(2, 3),
                        Tensor.ones(2, 3), Tensor.ones(3))).getMessage());
    }
}
