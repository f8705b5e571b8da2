package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * The fused layer norm: by GradCheck (input, weight, bias; with and without the affine part), and against the same
 * function composed from primitives (mean, sub, mul, sqrt, div) in values and gradients. PyTorch's LayerNorm is the
 * reference of {@code TransformerEncoderTest} and {@code NormalizationLayersTest}, which run through this op.
 */
class LayerNormsTest {
    private static final float EPS = 1e-5f;

    @Test
    void gradientsPassGradCheck() {
        Random rng = new Random(4);
        Tensor x = Tensor.randn(rng, Shape.of(3, 4, 6));
        Tensor w = Tensor.randn(rng, Shape.of(6));
        Tensor b = Tensor.randn(rng, Shape.of(6));
        GradCheck.Result affine = GradCheck.defaults().withEps(1e-3)
                .check(v -> LayerNorms.layerNorm(v[0], v[1], v[2], EPS), x, w, b);
        assertTrue(affine.passed(), affine.worst());
        GradCheck.Result plain = GradCheck.defaults().withEps(1e-3)
                .check(v -> LayerNorms.layerNorm(v[0], null, null, EPS), x);
        assertTrue(plain.passed(), plain.worst());
    }

    /** The composed form the op replaces, as nn.Normalization wrote it. */
    private static Var composed(Var x, Var w, Var b) {
        int last = x.shape().rank() - 1;
        Var mean = Reductions.mean(x, new int[] {last}, true);
        Var centered = x.sub(mean);
        Var variance = Reductions.mean(centered.mul(centered), new int[] {last}, true);
        return centered.div(variance.add(EPS).sqrt()).mul(w).add(b);
    }

    @Test
    void equalsTheComposedPrimitives() {
        Random rng = new Random(5);
        Tensor x = Tensor.randn(rng, Shape.of(5, 7, 16));
        float[] xd = x.data();
        for (int i = 0; i < xd.length; i++) {
            xd[i] = 3 * xd[i] + 2; // off zero mean and unit variance
        }
        Tensor w = Tensor.randn(rng, Shape.of(16));
        Tensor b = Tensor.randn(rng, Shape.of(16));
        Tensor r = Tensor.randn(rng, Shape.of(5, 7, 16));
        Var[] fused = {Var.parameter(x.copy()), Var.parameter(w.copy()), Var.parameter(b.copy())};
        Var[] reference = {Var.parameter(x.copy()), Var.parameter(w.copy()), Var.parameter(b.copy())};
        Var y = LayerNorms.layerNorm(fused[0], fused[1], fused[2], EPS);
        Var z = composed(reference[0], reference[1], reference[2]);
        Fixtures.assertClose("output", y.value(), z.value(), 1e-5);
        y.backward(r);
        z.backward(r);
        for (int i = 0; i < 3; i++) {
            Fixtures.assertClose("gradient " + i, fused[i].grad(), reference[i].grad(), 1e-5);
        }
    }

    @Test
    void refusesAWeightOfAnotherWidth() {
        ShapeException e = assertThrows(ShapeException.class, () -> LayerNorms.layerNorm(
                Var.constant(Tensor.zeros(2, 4)), Var.constant(Tensor.zeros(3)), null, EPS));
        assertEquals("layer norm: weight or bias [3] is not [4] for input [2, 4]", e.getMessage());
    }
}
