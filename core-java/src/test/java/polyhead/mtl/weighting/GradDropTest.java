package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * GradDrop (Chen et al., NeurIPS 2020): a case worked out by hand, LibMTL's own {@code GradDrop.py} under a fixed
 * uniform draw ({@code reference/generate_libmtl_methods_reference.py}), and reproducible draws from the context.
 */
class GradDropTest {
    /** Two tasks over a representation z of shape [2, 2]. */
    private static TaskGradients twoByTwo(double[] a, double[] b, float[] z) {
        TaskGradients g = Grads.of(a, b);
        return new TaskGradients(g.tasks(), g.grads(), g.losses(), Tensor.of(z, 2, 2));
    }

    @Test
    void masksBySignPurityByHand() {
        // z = [[1, −1], [2, 0]]: sign(z) = [[1, −1], [1, 0]]. Task a: ∇ = [[1, 2], [3, 4]] → s_a = (1 + 3, −2 + 0) =
        // (4, −2); task b: ∇ = [[−1, 1], [−1, 1]] → s_b = (−1 − 1, −1 + 0) = (−2, −1).
        // Feature 0: P = ½(1 + 2/6) = ⅔; feature 1: P = ½(1 − 3/3) ≈ 0 (1e-7 in the denominator).
        // U = (0.5, 0.5): feature 0 keeps the positive side (a), feature 1 (P < U) the negative side (a and b).
        TaskGradients g = twoByTwo(new double[] {1, 2, 3, 4}, new double[] {-1, 1, -1, 1}, new float[] {1, -1, 2, 0});
        Combination c = Weightings.gradDrop().combine(g, f -> new float[] {0.5f, 0.5f});
        Grads.assertVector(new double[] {1, 2 + 1, 3, 4 + 1}, c.shared(), 1e-6, "d");
        Grads.assertVector(new double[] {1, 1}, c.taskWeights(), 0, "heads");
        // U = (0.9, 0.5): feature 0 now keeps the negative side (b); with leak ½ a dropped gradient keeps half
        Combination leaky = Weightings.gradDrop(0.5).combine(g, f -> new float[] {0.9f, 0.5f});
        Grads.assertVector(new double[] {0.5 * 1 - 1, 2 + 1, 0.5 * 3 - 1, 4 + 1}, leaky.shared(), 1e-6, "d, leak ½");
    }

    @Test
    void matchesLibMtlUnderTheSameUniformDraw() {
        // LibMTL sums in float32, we in double before rounding: within 1e-6 of the largest element
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_methods.json").get("graddrop"), "graddrop");
        assertEquals(2, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            Tensor z = Fixtures.tensor(Fixtures.get(c, "representation"));
            double[][] rows = GradVacTest.rows(Fixtures.get(c, "grads"));
            TaskGradients g = Grads.of(Grads.names(tasks), rows, Fixtures.doubles(Fixtures.get(c, "losses")));
            g = new TaskGradients(g.tasks(), g.grads(), g.losses(), z);
            float[] u = GradientRows.toFloat(Fixtures.doubles(Fixtures.get(c, "uniform")));
            Combination out = Weightings.gradDrop(Fixtures.number(Fixtures.get(c, "leak"), "leak"))
                    .combine(g, f -> u.clone());
            double[] expected = Fixtures.doubles(Fixtures.get(c, "direction"));
            double scale = Grads.maxAbs(expected);
            Grads.assertVector(expected, out.shared(), 1e-6 * scale, tasks + " tasks");
        }
    }

    @Test
    void drawsComeFromTheContextsGeneratorOnePerFeature() {
        TaskGradients g = twoByTwo(new double[] {1, 2, 3, 4}, new double[] {-1, 1, -1, 1}, new float[] {1, -1, 2, 0});
        Random rng = new Random(42);
        float[] u = {rng.nextFloat(), rng.nextFloat()};
        Combination fromContext = Weightings.gradDrop().combine(g, new WeightingContext(0, 0, new Random(42)));
        Combination fromDraw = Weightings.gradDrop().combine(g, f -> u);
        assertArrayEquals(fromDraw.shared(), fromContext.shared());
    }

    @Test
    void refusesParameterGradientsAndBadSettingsInOneLine() {
        assertFalse(Weightings.gradDrop().acceptsParameterGradients());
        assertEquals("gradDrop: needs the shared representation's values (gradients of the shared representation); "
                + "it masks per feature of the representation", assertThrows(IllegalArgumentException.class,
                        () -> Weightings.gradDrop().combine(new TaskGradients(List.of("a"), new float[][] {{1}},
                                new double[] {1}), Grads.ctx(0))).getMessage());
        assertEquals("gradDrop: leak must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Weightings.gradDrop(1.5)).getMessage());
        assertEquals("task gradients: representation of shape [2, 2] does not fit gradient rows of length 3",
                assertThrows(IllegalArgumentException.class, () -> new TaskGradients(List.of("a"),
                        new float[][] {{1, 2, 3}}, new double[] {1}, Tensor.zeros(2, 2))).getMessage());
    }
}
