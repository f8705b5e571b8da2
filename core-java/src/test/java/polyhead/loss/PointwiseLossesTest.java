package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.loss.CrossEntropyTest.assertShapeError;

import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** BCE with logits, MSE, MAE and Huber: the losses of one prediction element against one target element. */
class PointwiseLossesTest {
    private static final Tensor X = Tensor.of(new float[] {2, -1, 0.5f, -3}, 2, 2);
    private static final Tensor Y = Tensor.of(new float[] {1, 1, 0, -1}, 2, 2);

    @Test
    void bceWithLogitsMatchesTheFormula() {
        Var x = Var.parameter(X.copy());
        Var loss = Losses.bceWithLogits(Reduction.NONE).apply(x, Y);
        loss.backward(Tensor.ones(2, 2));
        for (int i = 0; i < 4; i++) {
            double xi = X.data()[i];
            double yi = Y.data()[i];
            double s = 1 / (1 + Math.exp(-xi));
            assertEquals(-yi * Math.log(s) - (1 - yi) * Math.log(1 - s), loss.value().data()[i], 1e-6, "loss " + i);
            assertEquals(s - yi, x.grad().data()[i], 1e-6, "grad " + i);
        }
    }

    @Test
    void bceWithLogitsIsExactForHugeLogits() {
        Var x = Var.parameter(Tensor.of(new float[] {100, -100, 100, -100}, 4));
        Var loss = Losses.bceWithLogits(Reduction.NONE).apply(x, Tensor.of(new float[] {1, 0, 0, 1}, 4));
        assertArrayEquals(new float[] {0, 0, 100, 100}, loss.value().data(), 1e-6f);
        loss.backward(Tensor.ones(4));
        assertArrayEquals(new float[] {0, 0, 1, -1}, x.grad().data(), 1e-6f);
    }

    @Test
    void regressionLossesMatchTheirFormulas() {
        // d = x − y = {1, −2, 0.5, −2}
        assertArrayEquals(new float[] {1, 4, 0.25f, 4}, none(Losses.mse(Reduction.NONE)), 1e-6f);
        assertArrayEquals(new float[] {1, 2, 0.5f, 2}, none(Losses.mae(Reduction.NONE)), 1e-6f);
        // δ = 1: ½d² inside, δ(|d| − ½δ) outside; |d| = δ takes the linear branch (equal values there)
        assertArrayEquals(new float[] {0.5f, 1.5f, 0.125f, 1.5f}, none(Losses.huber(1f, Reduction.NONE)), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 2f, 0.125f, 2f}, none(Losses.huber(2f, Reduction.NONE)), 1e-6f);
        assertEquals((1 + 4 + 0.25f + 4) / 4, Losses.mse().apply(Var.constant(X), Y).value().item(), 1e-6);
        assertEquals(1 + 4 + 0.25f + 4, Losses.mse(Reduction.SUM).apply(Var.constant(X), Y).value().item(), 1e-6);
    }

    @Test
    void regressionGradientsFollowPyTorchAtTheKinks() {
        // d = {0, 1, −1, 3}: MAE's sign(0) = 0; Huber δ=1 has gradient d up to |d| = δ and ±δ beyond
        Tensor x = Tensor.of(new float[] {1, 2, -1, 3}, 4);
        Tensor y = Tensor.of(new float[] {1, 1, 0, 0}, 4);
        assertArrayEquals(new float[] {0, 1, -1, 1}, grad(Losses.mae(Reduction.SUM), x, y), 0f);
        assertArrayEquals(new float[] {0, 1, -1, 1}, grad(Losses.huber(1f, Reduction.SUM), x, y), 0f);
        assertArrayEquals(new float[] {0, 1, -1, 2}, grad(Losses.huber(2f, Reduction.SUM), x, y), 0f);
        assertArrayEquals(new float[] {0, 2, -2, 6}, grad(Losses.mse(Reduction.SUM), x, y), 0f);
    }

    @Test
    void gradientsCheckForEveryLossReductionAndMask() {
        Tensor x = Tensor.randn(21, 5, 3);
        Tensor regression = TestInputs.awayFromKinks(x);
        Tensor binary = TestInputs.binary(22, Shape.of(5, 3));
        for (Reduction r : Reduction.values()) {
            List<Loss> losses = List.of(Losses.bceWithLogits(r), Losses.mse(r), Losses.mae(r), Losses.huber(1f, r),
                    Losses.huber(0.5f, r));
            for (Loss loss : losses) {
                Tensor y = loss.name().equals("bceWithLogits") ? binary : regression;
                for (Tensor mask : new Tensor[] {null, TestInputs.mask(1, 0, 1, 1, 0)}) {
                    GradCheck.Result res = GradCheck.defaults().check(v -> loss.apply(v[0], y, mask), x);
                    assertTrue(res.passed(), loss + " mask " + (mask != null) + ": " + res.worst());
                }
            }
        }
    }

    @Test
    void higherRankAndScalarPredictionsWork() {
        Tensor x = Tensor.randn(23, 2, 3, 4);
        Tensor y = TestInputs.awayFromKinks(x);
        GradCheck.assertGradients(v -> Losses.huber().apply(v[0], y, TestInputs.mask(0, 1)), x);
        Var scalar = Losses.mse().apply(Var.parameter(Tensor.scalar(3)), Tensor.scalar(1));
        assertEquals(4f, scalar.value().item());
        assertEquals(Shape.scalar(), Losses.mae(Reduction.NONE).apply(Var.constant(Tensor.scalar(3)),
                Tensor.scalar(1)).shape());
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Var p = Var.constant(Tensor.zeros(6, 3));
        assertShapeError("bceWithLogits: logits [6, 3] and targets [6, 2] do not match",
                () -> Losses.bceWithLogits().apply(p, Tensor.zeros(6, 2)));
        assertShapeError("mse: predictions [6, 3] and targets [6] do not match",
                () -> Losses.mse().apply(p, Tensor.zeros(6)));
        assertShapeError("mae: predictions [6, 3] and targets [3, 6] do not match",
                () -> Losses.mae().apply(p, Tensor.zeros(3, 6)));
        // no broadcasting, even where PyTorch would broadcast with a warning
        assertShapeError("huber: predictions [6, 3] and targets [1, 3] do not match",
                () -> Losses.huber().apply(p, Tensor.zeros(1, 3)));
    }

    private static float[] none(Loss loss) {
        return loss.apply(Var.constant(X), Y).value().data();
    }

    private static float[] grad(Loss loss, Tensor x, Tensor y) {
        Var p = Var.parameter(x.copy());
        loss.apply(p, y).backward();
        return p.grad().data();
    }
}
