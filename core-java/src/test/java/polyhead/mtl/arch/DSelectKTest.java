package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/** DSelect-k (Hazimeh et al., 2021): smooth step and selectors by hand, LibMTL's module, gradients, regularizer. */
class DSelectKTest {
    private static List<Task> tasks(int in, Random rng) {
        return List.of(Task.builder("a").head(new Linear(in, 3, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(in, 2, rng)).loss(Losses.crossEntropy()).build());
    }

    private static Supplier<Module> dense(int in, int out, Random rng) {
        return () -> new Sequential(new Linear(in, out, rng), Activation.tanh());
    }

    private static Linear gate(DSelectK d, String task, String which) {
        return (Linear) d.children().get("gates").children().get(task).children().get(which);
    }

    @Test
    void smoothStepIsZeroThenACubicThenOne() {
        float g = 2f;
        float[] t = {-3f, -1f, -0.5f, 0f, 0.25f, 1f, 4f};
        float[] s = DSelectK.smoothStep(Var.constant(Tensor.of(t, t.length)), g).value().data();
        for (int i = 0; i < t.length; i++) {
            double c = Math.max(-1, Math.min(1, t[i]));
            double want = t[i] <= -1 ? 0 : t[i] >= 1 ? 1 : -2 * c * c * c / 8 + 3 * c / 4 + 0.5;
            assertEquals(want, s[i], 1e-6, "S(" + t[i] + ")");
        }
        assertEquals(0.5, s[3], 0);
        GradCheck.assertGradients(v -> DSelectK.smoothStep(v[0], g), Tensor.of(new float[] {-0.7f, 0.1f, 0.6f}, 3));
    }

    @Test
    void aSelectorWeighsEachExpertByItsBinaryCode() {
        Random rng = new Random(1);
        DSelectK d = new DSelectK(dense(3, 2, rng), 4, 1, 3, 1.0, 0, tasks(2, rng), rng);
        // z = (z0, z1) constant: zero weights, bias (0.2, -0.1); codes 00, 01, 10, 11 (z0 is the high bit)
        Linear z = gate(d, "a", "z");
        z.weight().value().fill(0f);
        z.bias().value().copyFrom(Tensor.of(new float[] {0.2f, -0.1f}, 2));
        double s0 = -2 * Math.pow(0.2, 3) + 1.5 * 0.2 + 0.5;
        double s1 = -2 * Math.pow(-0.1, 3) + 1.5 * -0.1 + 0.5;
        double[] want = {(1 - s0) * (1 - s1), (1 - s0) * s1, s0 * (1 - s1), s0 * s1};
        float[] r = d.selectorOutputs("a", Var.constant(Tensor.randn(2, 5, 3))).value().data();
        for (int n = 0; n < 5; n++) {
            for (int l = 0; l < 4; l++) {
                assertEquals(want[l], r[n * 4 + l], 1e-6, "sample " + n + " expert " + l);
            }
        }
        // one selector: the gate is r itself, and the output is the head of Σ_l r_l f_l(x)
        Var x = Var.constant(Tensor.randn(3, 5, 3));
        Var mixed = null;
        for (int l = 0; l < 4; l++) {
            Var term = d.children().get("experts").children().get(String.valueOf(l)).call(x).mul((float) want[l]);
            mixed = mixed == null ? term : mixed.add(term);
        }
        Var expected = d.children().get("heads").children().get("a").call(mixed);
        assertArrayEquals(expected.value().data(), d.outputs(x).get("a").value().data(), 1e-5f);
    }

    @Test
    void matchesLibMtlsDSelectKWithTheSameWeights() {
        for (Object c : Fixtures.list(Fixtures.load("/reference/architectures_libmtl.json").get("dselectK"), "dselectK")) {
            int n = (int) Fixtures.number(Fixtures.get(c, "experts"), "experts");
            int k = (int) Fixtures.number(Fixtures.get(c, "selectors"), "selectors");
            Random rng = new Random(0);
            DSelectK d = new DSelectK(dense(5, 3, rng), n, k, 5, Fixtures.number(Fixtures.get(c, "gamma"), "gamma"),
                    DSelectK.DEFAULT_ENTROPY_WEIGHT, tasks(3, rng), rng);
            Map<String, Tensor> state = new LinkedHashMap<>(d.stateDict());
            List<Object> experts = Fixtures.list(Fixtures.get(c, "shared"), "shared");
            for (int l = 0; l < n; l++) {
                put(state, "experts." + l + ".0", experts.get(l));
            }
            for (String t : List.of("a", "b")) {
                put(state, "gates." + t + ".z", Fixtures.get(c, "zLogits", t));
                put(state, "gates." + t + ".alpha", Fixtures.get(c, "wLogits", t));
                put(state, "heads." + t, Fixtures.get(c, "heads", t));
            }
            d.loadStateDict(state);
            d.eval();
            Map<String, Var> out = d.outputs(Var.constant(Fixtures.tensor(Fixtures.get(c, "x"))));
            for (String t : List.of("a", "b")) {
                Fixtures.assertClose("dselectK n=" + n + " task " + t, out.get(t).value(), Fixtures.get(c, "outputs", t),
                        1e-5);
            }
        }
    }

    private static void put(Map<String, Tensor> state, String prefix, Object linear) {
        state.put(prefix + ".weight", Fixtures.tensor(Fixtures.get(linear, "weight")));
        state.put(prefix + ".bias", Fixtures.tensor(Fixtures.get(linear, "bias")));
    }

    @Test
    void theRegularizerIsTheSelectorsEntropyAndForFiveExpertsThePenaltyOnUnusedCodes() {
        Random rng = new Random(2);
        Tensor x = Tensor.randn(4, 3, 3);
        for (int n : new int[] {4, 5}) {
            DSelectK d = new DSelectK(dense(3, 2, rng), n, 2, 3, 1.0, 0.5, tasks(2, rng), rng);
            assertNull(d.regularization(), "no forward pass yet");
            d.eval();
            d.outputs(Var.constant(x));
            assertNull(d.regularization(), "a pass in evaluation mode leaves none");
            d.train(true);
            d.outputs(Var.constant(x));
            double want = 0;
            for (String t : List.of("a", "b")) {
                float[] r = d.selectorOutputs(t, Var.constant(x)).value().data();
                for (int row = 0; row < r.length / n; row++) {
                    double sum = 0;
                    for (int l = 0; l < n; l++) {
                        double v = r[row * n + l];
                        want -= 0.5 * v * Math.log(v + 1e-6);
                        sum += v;
                    }
                    if (n == 5) {
                        want += 1 / sum;
                    }
                }
            }
            assertEquals(want, d.regularization().value().item(), 1e-5 * Math.abs(want), "n = " + n);
            // it reaches the gates' z logits and not the experts
            d.zeroGrad();
            d.regularization().backward();
            assertTrue(gate(d, "a", "z").weight().grad() != null);
            assertNull(d.sharedParameters().get("experts.0.0.weight").grad());
        }
    }

    @Test
    void gradientsOfEveryParameterAndTheInputMatchFiniteDifferences() {
        Random rng = new Random(3);
        for (int n : new int[] {4, 3}) {
            DSelectK d = new DSelectK(dense(3, 2, rng), n, 2, 3, 1.0, 0, tasks(2, rng), rng);
            ArchitectureContract.assertGradients(d, Tensor.randn(5, 3, 3));
            ArchitectureContract.assertPartition(d);
            ArchitectureContract.assertOwnParametersReachOnlyTheirTask(d, Tensor.randn(6, 4, 3));
        }
        // and of the regularizer, with respect to the gates (the z logits stay inside the smooth step's ramp)
        DSelectK d = new DSelectK(dense(3, 2, rng), 5, 2, 3, 1.0, 0.3, tasks(2, rng), rng);
        Tensor x = Tensor.randn(7, 3, 3);
        GradCheck.assertParameterGradients(() -> {
            d.outputs(Var.constant(x));
            return d.regularization();
        }, List.copyOf(d.taskParameters().get("a").values()));
    }

    @Test
    void badSettingsAreRefusedInOneLine() {
        Random rng = new Random(4);
        assertEquals("DSelect-k needs experts >= 2, selectors >= 1 and input features >= 1, got experts=1, selectors=1, "
                + "inputFeatures=3", assertThrows(IllegalArgumentException.class,
                () -> new DSelectK(dense(3, 2, rng), 1, 1, 3, 1.0, 0, tasks(2, rng), rng)).getMessage());
        assertEquals("DSelect-k needs gamma > 0 and entropyWeight >= 0 (finite), got gamma=0.0, entropyWeight=0.0",
                assertThrows(IllegalArgumentException.class,
                        () -> new DSelectK(dense(3, 2, rng), 4, 1, 3, 0, 0, tasks(2, rng), rng)).getMessage());
    }
}
