package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BinaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class ArithmeticTest {
    /** Shape pairs covering equal shapes, scalars, row and column broadcasts, rank differences and 1s on both sides. */
    static Stream<Arguments> shapePairs() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {3, 4}),
                Arguments.of(new int[] {3, 4}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {2, 3}),
                Arguments.of(new int[] {3, 4}, new int[] {4}),
                Arguments.of(new int[] {3, 1}, new int[] {1, 4}),
                Arguments.of(new int[] {2, 1, 3}, new int[] {4, 1}),
                Arguments.of(new int[] {5}, new int[] {2, 3, 5}));
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void gradientsOfAllFourOperatorsUnderBroadcasting(int[] sa, int[] sb) {
        Tensor a = Tensor.randn(1, sa);
        Tensor b = positive(Tensor.randn(2, sb)); // divisor kept away from 0
        GradCheck.assertGradients(v -> Arithmetic.add(v[0], v[1]), a, b);
        GradCheck.assertGradients(v -> Arithmetic.sub(v[0], v[1]), a, b);
        GradCheck.assertGradients(v -> Arithmetic.mul(v[0], v[1]), a, b);
        GradCheck.assertGradients(v -> Arithmetic.div(v[0], v[1]), a, b);
    }

    @Test
    void negAndScalarOps() {
        Tensor a = Tensor.randn(3, 2, 3);
        GradCheck.assertGradients(v -> Arithmetic.neg(v[0]), a);
        GradCheck.assertGradients(v -> Arithmetic.addScalar(v[0], 2.5f), a);
        GradCheck.assertGradients(v -> Arithmetic.mulScalar(v[0], -1.5f), a);
    }

    @Test
    void broadcastForwardMatchesNaiveIndexing() {
        Tensor a = Tensor.randn(4, 2, 1, 3);
        Tensor b = Tensor.randn(5, 4, 1);
        Tensor out = Arithmetic.mul(Var.constant(a), Var.constant(b)).value();
        assertArrayEquals(new int[] {2, 4, 3}, out.shape().dims());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(a.get(i, 0, k) * b.get(j, 0), out.get(i, j, k), 0f);
                }
            }
        }
    }

    @Test
    void broadcastGradientSumsOverRepeatedDimensions() {
        Var a = Var.parameter(Tensor.ones(2, 3));
        Var b = Var.parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        Arithmetic.mul(a, b).sum().backward();
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().data());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, a.grad().data());
    }

    @Test
    void incompatibleShapesNameBoth() {
        BinaryOperator<Var> add = Arithmetic::add;
        ShapeException e = assertThrows(ShapeException.class,
                () -> add.apply(Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(4))));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    static Tensor positive(Tensor t) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.5f + Math.abs(d[i]);
        }
        return t;
    }
}
