package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Every case of {@code reference/losses.json} (PyTorch 1.13, see {@code generate_reference.py}): the loss and its
 * gradient with respect to the prediction against the float64 results, within
 * |a − b| ≤ 1e-5·(|b| + max|b|). For reduction "none" the gradient is that of Σ loss ⊙ seed.
 */
class LossReferenceTest {
    private static final String FIXTURE = "/reference/losses.json";
    private static final double RTOL = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        Map<String, Object> cases = Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
        return cases.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
    }

    @Test
    void fixtureCoversEveryLossAndReduction() {
        Map<String, Object> cases = Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
        Set<String> seen = new HashSet<>();
        for (Object c : cases.values()) {
            seen.add(Fixtures.get(c, "kind") + "/" + Fixtures.get(c, "reduction"));
        }
        for (String kind : List.of("cross_entropy", "bce_with_logits", "mse", "mae", "huber")) {
            for (String reduction : List.of("mean", "sum", "none")) {
                assertTrue(seen.contains(kind + "/" + reduction), "no case " + kind + "/" + reduction + " in " + seen);
            }
        }
        assertTrue(seen.contains("cross_entropy/masked_mean") && seen.contains("mse/masked_mean")
                && seen.contains("bce_with_logits/masked_mean"), "masked cases missing: " + seen);
    }

    private static void check(String name, Object c) {
        String reductionName = (String) Fixtures.get(c, "reduction");
        Reduction reduction = switch (reductionName) {
            case "mean", "masked_mean" -> Reduction.MEAN;
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            default -> throw new AssertionError(name + ": unknown reduction " + reductionName);
        };
        Loss loss = loss(name, (String) Fixtures.get(c, "kind"), Fixtures.object(Fixtures.get(c, "params"), "params"),
                reduction);
        Map<String, Object> inputs = Fixtures.object(Fixtures.get(c, "inputs"), "inputs");
        Tensor mask = inputs.containsKey("mask") ? Fixtures.tensor(inputs.get("mask")) : null;
        assertEquals(reductionName.equals("masked_mean"), mask != null, name + ": mask presence");

        Var prediction = Var.parameter(Fixtures.tensor(inputs.get("pred")));
        Var out = loss.apply(prediction, Fixtures.tensor(inputs.get("target")), mask);
        LossFixtures.backwardAndCompare(name, out, reduction, inputs, c, prediction, "grad_pred", RTOL);
    }

    private static Loss loss(String name, String kind, Map<String, Object> params, Reduction r) {
        Set<String> known = Set.of("label_smoothing", "delta");
        assertTrue(known.containsAll(params.keySet()), name + ": unknown params " + params.keySet());
        return switch (kind) {
            case "cross_entropy" -> Losses.crossEntropy(
                    params.containsKey("label_smoothing") ? (float) Fixtures.number(params.get("label_smoothing"),
                            "label_smoothing") : 0f, r);
            case "bce_with_logits" -> Losses.bceWithLogits(r);
            case "mse" -> Losses.mse(r);
            case "mae" -> Losses.mae(r);
            case "huber" -> Losses.huber((float) Fixtures.number(Fixtures.get(params, "delta"), "delta"), r);
            default -> throw new AssertionError(name + ": unknown kind " + kind);
        };
    }
}
