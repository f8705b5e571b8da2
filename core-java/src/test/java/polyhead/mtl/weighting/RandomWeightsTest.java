package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Random loss weighting (Lin et al., RLW): λ = softmax(z), z ~ N(0, I), from the context's generator; Σλ = 1. */
class RandomWeightsTest {
    @Test
    void weightsAreTheSoftmaxOfStandardNormalDrawsAndSumToOne() {
        Random r = new Random(42);
        double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double sum = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
        double[] expected = {Math.exp(z[0]) / sum, Math.exp(z[1]) / sum, Math.exp(z[2]) / sum};
        double[] w = RandomWeights.draw(3, new Random(42));
        assertArrayEquals(expected, w, 1e-15);
        assertEquals(1, Arrays.stream(w).sum(), 1e-15);
    }

    @Test
    void theObjectiveIsReproducibleFromTheSeed() {
        RandomWeights rlw = Weightings.randomLossWeighting();
        Map<String, Var> losses = new LinkedHashMap<>();
        losses.put("a", Var.constant(Tensor.scalar(1f)));
        losses.put("b", Var.constant(Tensor.scalar(10f)));
        losses.put("c", Var.constant(Tensor.scalar(100f)));
        float x = rlw.combine(losses, Grads.ctx(7)).value().item();
        float y = rlw.combine(losses, Grads.ctx(7)).value().item();
        float z = rlw.combine(losses, Grads.ctx(8)).value().item();
        assertEquals(x, y, 0f, "same seed, same weights");
        assertFalse(x == z, "another seed, other weights");
        double[] w = RandomWeights.draw(3, new Random(7));
        assertEquals(w[0] + 10 * w[1] + 100 * w[2], x, 1e-4);
    }

    @Test
    void everyStepDrawsAfreshAndTasksAreTreatedAlike() {
        Random rng = new Random(1);
        double[] mean = new double[4];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double[] w = RandomWeights.draw(4, rng);
            for (int t = 0; t < 4; t++) {
                assertTrue(w[t] > 0);
                mean[t] += w[t] / n;
            }
        }
        for (double m : mean) {
            assertEquals(0.25, m, 0.01);
        }
    }
}
