package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * GradVac (Wang et al., 2021): two steps worked out by hand, and LibMTL's own {@code GradVac.py} over sequences of
 * six steps with the same partner orders ({@code reference/generate_libmtl_sequences_reference.py}).
 */
class GradVacTest {
    private static final List<String> AB = List.of("a", "b");

    private static TaskGradients ab(double[] a, double[] b) {
        return Grads.of(AB, new double[][] {a, b}, new double[] {1, 1});
    }

    @Test
    void twoStepsByHand() {
        GradVac gradVac = Weightings.gradVac(0.5);
        // step 1: g_a = (1, 0), g_b = (1, 1): φ = 1/√2 ≥ the targets 0, nothing changes; d = g_a + g_b = (2, 1).
        // Both targets become 0.5·0 + 0.5/√2 = √2/4.
        Combination s1 = gradVac.combine(ab(new double[] {1, 0}, new double[] {1, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {2, 1}, s1.shared(), 1e-7, "d at step 1");
        double target = Math.sqrt(2) / 4;
        assertEquals(target, gradVac.targets().get("a.b"), 1e-7);
        assertEquals(target, gradVac.targets().get("b.a"), 1e-7);
        // step 2: g_a = (1, 0), g_b = (0, 1): φ = 0 < √2/4 for both pairs.
        // w = ‖g_a‖ (φ̂·√1 − 0) / (‖g_b‖ √(1 − φ̂²)) = (√2/4) / √(7/8) = 1/√7;
        // g_a' = (1, 1/√7) (its cosine with g_b is (1/√7)/√(8/7) = √2/4, the target), g_b' = (1/√7, 1) alike;
        // d = (1 + 1/√7, 1 + 1/√7). Targets become 0.5·√2/4 + 0.5·0 = √2/8.
        Combination s2 = gradVac.combine(ab(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(1));
        double d = 1 + 1 / Math.sqrt(7);
        Grads.assertVector(new double[] {d, d}, s2.shared(), 1e-6, "d at step 2");
        Grads.assertVector(new double[] {1, 1}, s2.taskWeights(), 0, "heads");
        assertEquals(Math.sqrt(2) / 8, gradVac.targets().get("a.b"), 1e-7);
    }

    @Test
    void firstStepProjectsLikePcGrad() {
        // targets 0: a conflicting pair is made orthogonal, as PCGrad does
        TaskGradients g = ab(new double[] {1, 0}, new double[] {-1, 0.5});
        Grads.assertVector(Grads.toDouble(Weightings.pcGrad().combine(g, Grads.ctx(0)).shared()),
                Weightings.gradVac().combine(g, Grads.ctx(0)).shared(), 1e-6, "d");
    }

    @Test
    void matchesLibMtlOverSequencesOfSteps() {
        // LibMTL computes in float32, we in double: agreement within 2e-5 relative to the largest gradient norm
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_sequences.json").get("gradvac"), "gradvac");
        assertEquals(3, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            GradVac gradVac = Weightings.gradVac(Fixtures.number(Fixtures.get(c, "beta"), "beta"));
            List<String> names = Grads.names(tasks);
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                double[][] g = rows(Fixtures.get(step, "grads"));
                List<Object> orders = Fixtures.list(Fixtures.get(step, "orders"), "orders");
                Combination out = gradVac.combine(Grads.of(names, g, Fixtures.doubles(Fixtures.get(step, "losses"))),
                        i -> ints(Fixtures.list(orders.get(i), "order")));
                double scale = 0;
                for (double[] row : g) {
                    scale = Math.max(scale, Grads.norm(row));
                }
                Grads.assertVector(Fixtures.doubles(Fixtures.get(step, "direction")), out.shared(), 2e-5 * scale,
                        tasks + " tasks, step " + s);
            }
            double[] targets = Fixtures.doubles(Fixtures.get(c, "targets"));
            for (int i = 0; i < tasks; i++) {
                for (int j = 0; j < tasks; j++) {
                    if (i != j) {
                        assertEquals(targets[i * tasks + j], gradVac.targets().get("t" + i + ".t" + j), 2e-6,
                                "target " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void stateRoundTripsAndARestoredCopyContinuesAlike() {
        Random rng = new Random(5);
        GradVac first = Weightings.gradVac(0.3);
        List<TaskGradients> steps = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            steps.add(Grads.of(Grads.names(3), Grads.random(rng, 3, 5), new double[] {1, 1, 1}));
        }
        first.combine(steps.get(0), Grads.ctx(0));
        first.combine(steps.get(1), Grads.ctx(1));
        Map<String, Tensor> saved = first.stateDict();
        assertEquals(6, saved.size());
        GradVac second = Weightings.gradVac(0.3);
        second.loadStateDict(saved);
        for (int s = 2; s < 4; s++) {
            Grads.assertVector(Grads.toDouble(first.combine(steps.get(s), Grads.ctx(s)).shared()),
                    second.combine(steps.get(s), Grads.ctx(s)).shared(), 0, "step " + s);
        }
        assertEquals(first.targets(), second.targets());
    }

    @Test
    void badSettingsAndStateAreOneLine() {
        assertEquals("gradVac: beta must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Weightings.gradVac(1.5)).getMessage());
        GradVac g = Weightings.gradVac();
        assertEquals("gradVac: state entry 'target.a' must name two different tasks, as target.<task>.<other task>",
                assertThrows(IllegalArgumentException.class,
                        () -> g.loadStateDict(Map.of("target.a", Tensor.scalar(0.5f)))).getMessage());
        assertEquals("gradVac: state entry 'target.a.b' is a cosine similarity and must be in [-1, 1], got 2.0",
                assertThrows(IllegalArgumentException.class,
                        () -> g.loadStateDict(Map.of("target.a.b", Tensor.scalar(2f)))).getMessage());
        TaskGradients three = Grads.of(new double[] {1, 0}, new double[] {0, 1}, new double[] {1, 1});
        assertEquals("gradVac: needs ctx.rng() to draw the order of 3 tasks", assertThrows(
                IllegalArgumentException.class, () -> g.combine(three, new WeightingContext(0, 0, null))).getMessage());
    }

    /** The rows of a [T, P] tensor node. */
    static double[][] rows(Object node) {
        int tasks = Fixtures.shape(node).dim(0);
        double[] flat = Fixtures.doubles(node);
        int p = flat.length / tasks;
        double[][] r = new double[tasks][];
        for (int t = 0; t < tasks; t++) {
            r[t] = java.util.Arrays.copyOfRange(flat, t * p, (t + 1) * p);
        }
        return r;
    }

    private static int[] ints(List<Object> v) {
        int[] r = new int[v.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) Fixtures.number(v.get(i), "order[" + i + "]");
        }
        return r;
    }
}
