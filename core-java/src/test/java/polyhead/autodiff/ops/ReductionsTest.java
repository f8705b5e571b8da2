package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

class ReductionsTest {
    @Test
    void sumAndMeanOverAxesMatchHandComputedValues() {
        Var x = Var.constant(Tensor.arange(2, 3)); // [[0,1,2],[3,4,5]]
        assertArrayEquals(new float[] {3, 5, 7}, Reductions.sum(x, new int[] {0}, false).value().data());
        assertArrayEquals(new float[] {1, 4}, Reductions.mean(x, new int[] {-1}, false).value().data());
        assertEquals(Shape.of(2, 1), Reductions.sum(x, new int[] {1}, true).shape());
        assertEquals(15f, Reductions.sum(x, new int[] {0, 1}, false).value().item());
        assertEquals(2.5f, Reductions.mean(x).value().item());
    }

    @Test
    void maxPicksLargestAndRoutesGradientToIt() {
        Var x = Var.parameter(Tensor.of(new float[] {1, 7, 3, 9, 2, 4}, 2, 3));
        Var m = Reductions.max(x, 1, false);
        assertArrayEquals(new float[] {7, 9}, m.value().data());
        m.sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, x.grad().data());
        assertArrayEquals(new float[] {9, 7, 4}, Reductions.max(Var.constant(x.value()), 0, false).value().data());
    }

    @Test
    void gradients() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        GradCheck.assertGradients(v -> Reductions.sum(v[0]), x);
        GradCheck.assertGradients(v -> Reductions.mean(v[0]), x);
        for (int[] axes : new int[][] {{0}, {1}, {-1}, {0, 2}, {0, 1, 2}}) {
            GradCheck.assertGradients(v -> Reductions.sum(v[0], axes, false), x);
            GradCheck.assertGradients(v -> Reductions.mean(v[0], axes, true), x);
        }
        // distinct values spaced well beyond eps, so the argmax is stable under perturbation
        Tensor spaced = Tensor.wrap(Shape.of(3, 4), new float[] {5, 1, 9, 3, 2, 8, 0, 6, 11, 4, 7, 10});
        for (int axis : new int[] {0, 1, -1}) {
            GradCheck.assertGradients(v -> Reductions.max(v[0], axis, false), spaced);
        }
    }

    @Test
    void badAxisNamesTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reductions.sum(Var.constant(Tensor.zeros(2, 3)), new int[] {2}, false));
        assertEquals("axis 2 is out of range for shape [2, 3]", e.getMessage());
    }
}
