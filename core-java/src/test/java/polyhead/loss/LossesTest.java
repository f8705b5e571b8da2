package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

class LossesTest {
    @Test
    void defaultsAreThoseOfPyTorch() {
        assertEquals(Reduction.MEAN, Losses.DEFAULT_REDUCTION);
        assertEquals(Losses.crossEntropy(0f, Reduction.MEAN), Losses.crossEntropy());
        assertEquals(Losses.crossEntropy(0f, Reduction.SUM), Losses.crossEntropy(Reduction.SUM));
        assertEquals(Losses.bceWithLogits(Reduction.MEAN), Losses.bceWithLogits());
        assertEquals(Losses.mse(Reduction.MEAN), Losses.mse());
        assertEquals(Losses.mae(Reduction.MEAN), Losses.mae());
        assertEquals(Losses.huber(1f, Reduction.MEAN), Losses.huber());
        assertNotEquals(Losses.huber(0.5f, Reduction.MEAN), Losses.huber());
    }

    @Test
    void namesAndReductions() {
        assertEquals("crossEntropy", Losses.crossEntropy(0.1f, Reduction.NONE).name());
        assertEquals(Reduction.NONE, Losses.crossEntropy(0.1f, Reduction.NONE).reduction());
        assertEquals("bceWithLogits", Losses.bceWithLogits(Reduction.SUM).name());
        assertEquals(Reduction.SUM, Losses.bceWithLogits(Reduction.SUM).reduction());
        assertEquals("mse", Losses.mse().name());
        assertEquals("mae", Losses.mae().name());
        assertEquals("huber", Losses.huber(2f, Reduction.SUM).name());
        assertEquals(Reduction.SUM, Losses.huber(2f, Reduction.SUM).reduction());
        assertTrue(Losses.huber(2f, Reduction.SUM).toString().contains("delta=2.0"));
        assertTrue(Losses.crossEntropy(0.1f, Reduction.NONE).toString().contains("labelSmoothing=0.1"));
    }

    @Test
    void badArgumentsAreNamed() {
        for (float eps : new float[] {-0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Losses.crossEntropy(eps, Reduction.MEAN));
            assertEquals("crossEntropy: labelSmoothing must be in [0, 1], got " + eps, e.getMessage());
        }
        Losses.crossEntropy(1f, Reduction.MEAN); // both ends are allowed, as in PyTorch
        for (float delta : new float[] {0f, -1f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Losses.huber(delta, Reduction.MEAN));
            assertEquals("huber: delta must be positive, got " + delta, e.getMessage());
        }
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Losses.mse(null));
        assertEquals("reduction", npe.getMessage());
        assertThrows(NullPointerException.class, () -> Losses.crossEntropy(null));
        assertThrows(NullPointerException.class, () -> Losses.mse().apply(null, Tensor.zeros(1)));
        assertThrows(NullPointerException.class,
                () -> Losses.crossEntropy().apply(Var.constant(Tensor.zeros(1, 2)), null));
    }

    @Test
    void onlyThePredictionIsDifferentiatedAndNoGradBuildsNoGraph() {
        Var p = Var.parameter(Tensor.of(new float[] {1, 2}, 2));
        assertTrue(Losses.mse().apply(p, Tensor.zeros(2)).requiresGrad());
        assertFalse(Losses.mse().apply(Var.constant(p.value()), Tensor.zeros(2)).requiresGrad());
        try (var scope = GradMode.noGrad()) {
            assertFalse(Losses.crossEntropy().apply(Var.parameter(Tensor.zeros(2, 3)), Tensor.zeros(2)).requiresGrad());
        }
    }
}
