package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;

/**
 * Initialization statistics against the documented distributions: for U(−b, b) the bounds, mean 0 and variance
 * b²/3; for N(0, σ²) mean 0 and variance σ². Sample sizes make 5-standard-error bounds tight enough to tell a
 * wrong fan or gain apart (a factor √2 in b is a factor 2 in variance).
 */
class InitializersTest {
    private static double[] meanVar(Tensor t) {
        double s = 0;
        double ss = 0;
        for (float v : t.data()) {
            s += v;
            ss += (double) v * v;
        }
        int n = t.size();
        double mean = s / n;
        return new double[] {mean, ss / n - mean * mean};
    }

    private static void assertUniform(Tensor t, double bound) {
        for (float v : t.data()) {
            assertTrue(Math.abs(v) <= bound, "value " + v + " outside ±" + bound);
        }
        double[] mv = meanVar(t);
        double var = bound * bound / 3;
        int n = t.size();
        assertEquals(0, mv[0], 5 * Math.sqrt(var / n), "mean");
        // variance of x² for U(−b,b) is 4b⁴/45
        assertEquals(var, mv[1], 5 * Math.sqrt(4 * Math.pow(bound, 4) / 45 / n), "variance");
    }

    private static void assertNormal(Tensor t, double std) {
        double[] mv = meanVar(t);
        int n = t.size();
        assertEquals(0, mv[0], 5 * std / Math.sqrt(n), "mean");
        assertEquals(std * std, mv[1], 5 * std * std * Math.sqrt(2.0 / n), "variance");
    }

    @Test
    void linearDefaultsMatchPyTorch() {
        Linear l = new Linear(300, 200, new Random(0));
        assertUniform(l.weight().value(), 1 / Math.sqrt(300));
        assertUniform(Tensor.wrap(l.bias().value().shape(), l.bias().value().data()), 1 / Math.sqrt(300));
    }

    @Test
    void conv2dDefaultsMatchPyTorch() {
        Conv2d c = new Conv2d(16, 32, 3, new Random(0));
        assertUniform(c.weight().value(), 1 / Math.sqrt(16 * 9));
    }

    @Test
    void embeddingIsStandardNormal() {
        assertNormal(new Embedding(500, 40, new Random(0)).weight().value(), 1);
    }

    @Test
    void xavierAndKaiming() {
        Random rng = new Random(3);
        Tensor w = Tensor.zeros(256, 128, 3, 3); // fan_in 1152, fan_out 2304
        Initializers.xavierUniform(1f).initialize(w, rng);
        assertUniform(w, Math.sqrt(6.0 / (1152 + 2304)));
        Initializers.xavierNormal(2f).initialize(w, rng);
        assertNormal(w, 2 * Math.sqrt(2.0 / (1152 + 2304)));
        Initializers.kaimingUniform(0f, Initializers.Mode.FAN_IN).initialize(w, rng);
        assertUniform(w, Math.sqrt(2) * Math.sqrt(3.0 / 1152));
        Initializers.kaimingNormal(0f, Initializers.Mode.FAN_OUT).initialize(w, rng);
        assertNormal(w, Math.sqrt(2) / Math.sqrt(2304));
        Initializers.uniform(-0.3f, 0.3f).initialize(w, rng);
        assertUniform(w, 0.3);
        Initializers.normal(0f, 0.02f).initialize(w, rng);
        assertNormal(w, 0.02);
        Initializers.zeros().initialize(w, rng);
        assertEquals(0f, w.maxAbs());
    }

    @Test
    void sameSeedSameWeights() {
        Linear a = new Linear(10, 5, new Random(7));
        Linear b = new Linear(10, 5, new Random(7));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.weight().value().data(), b.weight().value().data());
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializers.uniform(1, 1));
        assertTrue(e.getMessage().contains("low=1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Initializers.fans(polyhead.tensor.Shape.of(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
        assertEquals((float) Math.sqrt(2), Initializers.gain("relu"));
    }
}
