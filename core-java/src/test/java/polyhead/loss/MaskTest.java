package polyhead.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.loss.CrossEntropyTest.assertShapeError;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Missing labels: what a mask does to every loss and every reduction. */
class MaskTest {
    private static final Tensor MASK = TestInputs.mask(1, 0, 1, 1, 0);
    private static final int[] KEPT = {0, 2, 3};

    /** One loss with inputs whose masked samples (1 and 4) hold placeholders that would poison it. */
    private record Case(Loss loss, Tensor prediction, Tensor target) {
    }

    private static List<Case> cases(Reduction r) {
        Tensor logits = Tensor.randn(31, 5, 4);
        Tensor classes = Tensor.of(new float[] {2, -100, 0, 3, 7.5f}, 5); // −100: PyTorch's ignore_index
        Tensor pixelLogits = Tensor.randn(32, 5, 3, 2, 2);
        Tensor pixelClasses = TestInputs.classes(33, 3, 5, 2, 2);
        pixelClasses.set(Float.NaN, 1, 0, 1);
        pixelClasses.set(3, 4, 1, 1);
        Tensor x = Tensor.randn(34, 5, 3);
        Tensor regression = withNaNRows(TestInputs.awayFromKinks(x));
        Tensor binary = withNaNRows(TestInputs.binary(35, Shape.of(5, 3)));
        return List.of(new Case(Losses.crossEntropy(r), logits, classes),
                new Case(Losses.crossEntropy(0.2f, r), logits, classes),
                new Case(Losses.crossEntropy(r), pixelLogits, pixelClasses),
                new Case(Losses.bceWithLogits(r), x, binary),
                new Case(Losses.mse(r), x, regression),
                new Case(Losses.mae(r), x, regression),
                new Case(Losses.huber(0.5f, r), x, regression));
    }

    @Test
    void maskedSamplesAreIgnoredEvenWithPoisonedTargets() {
        for (Reduction r : Reduction.values()) {
            for (Case c : cases(r)) {
                Var p = Var.parameter(c.prediction().copy());
                Var masked = c.loss().apply(p, c.target(), MASK);
                Var kept = Var.parameter(TestInputs.rows(c.prediction(), KEPT));
                Var subset = c.loss().apply(kept, TestInputs.rows(c.target(), KEPT));
                String what = c.loss() + " " + c.prediction().shape();
                assertTrue(masked.value().isFinite(), what);
                if (r == Reduction.NONE) {
                    // masked entries are 0, the others those of the labelled subset
                    assertArrayEquals(subset.value().data(), TestInputs.rows(masked.value(), KEPT).data(), what);
                    assertEquals(0f, TestInputs.rows(masked.value(), 1, 4).maxAbs(), what);
                    Tensor seed = Tensor.randn(36, masked.shape().dims());
                    masked.backward(seed);
                    subset.backward(TestInputs.rows(seed, KEPT));
                } else {
                    // MEAN divides by the labelled elements only: 3 samples × elements per sample
                    assertEquals(subset.value().item(), masked.value().item(), 1e-6, what);
                    masked.backward();
                    subset.backward();
                }
                assertArrayEquals(kept.grad().data(), TestInputs.rows(p.grad(), KEPT).data(), 1e-7f, what);
                assertEquals(0f, TestInputs.rows(p.grad(), 1, 4).maxAbs(), what);
            }
        }
    }

    @Test
    void everySampleMaskedGivesZeroLossAndZeroGradient() {
        Tensor none = Tensor.zeros(5);
        for (Reduction r : Reduction.values()) {
            for (Case c : cases(r)) {
                Var p = Var.parameter(c.prediction().copy());
                Var loss = c.loss().apply(p, c.target(), none);
                assertEquals(0f, loss.value().maxAbs(), c.loss().toString());
                assertTrue(loss.value().isFinite());
                loss.backward(Tensor.ones(loss.shape().dims()));
                assertTrue(p.grad().isFinite(), c.loss().toString());
                assertEquals(0f, p.grad().maxAbs(), c.loss().toString());
            }
        }
        // an empty batch is the same case: MEAN of nothing is 0
        assertEquals(0f, Losses.mse().apply(Var.constant(Tensor.zeros(0, 3)), Tensor.zeros(0, 3)).value().item());
    }

    @Test
    void aMaskOfOnesChangesNothing() {
        for (Reduction r : Reduction.values()) {
            Tensor x = Tensor.randn(37, 4, 2);
            Tensor y = TestInputs.awayFromKinks(x);
            for (Loss loss : List.of(Losses.mse(r), Losses.huber(1f, r), Losses.crossEntropy(0.1f, r))) {
                Tensor t = loss instanceof CrossEntropy ? TestInputs.classes(38, 2, 4) : y;
                assertArrayEquals(loss.apply(Var.constant(x), t).value().data(),
                        loss.apply(Var.constant(x), t, Tensor.ones(4)).value().data(), loss.toString());
            }
        }
    }

    @Test
    void maskShapeErrorsNameEveryShape() {
        Var logits = Var.constant(Tensor.zeros(6, 5));
        assertShapeError("crossEntropy: mask [5] does not match logits [6, 5] and targets [6]; expected mask [6]",
                () -> Losses.crossEntropy().apply(logits, Tensor.zeros(6), Tensor.ones(5)));
        assertShapeError("crossEntropy: mask [6, 1] does not match logits [6, 5, 2, 2] and targets [6, 2, 2]; "
                + "expected mask [6]",
                () -> Losses.crossEntropy().apply(Var.constant(Tensor.zeros(6, 5, 2, 2)), Tensor.zeros(6, 2, 2),
                        Tensor.ones(6, 1)));
        assertShapeError("mse: mask [3] does not match predictions [6, 3] and targets [6, 3]; expected mask [6]",
                () -> Losses.mse().apply(Var.constant(Tensor.zeros(6, 3)), Tensor.zeros(6, 3), Tensor.ones(3)));
        assertShapeError("mae: mask [1] given for predictions [] and targets [], which have no sample dimension",
                () -> Losses.mae().apply(Var.constant(Tensor.scalar(1)), Tensor.scalar(1), Tensor.ones(1)));
    }

    @Test
    void maskValuesMustBeZeroOrOne() {
        Var p = Var.constant(Tensor.zeros(3, 2));
        for (float bad : new float[] {0.5f, 2f, -1f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Losses.bceWithLogits().apply(p, Tensor.zeros(3, 2), Tensor.of(new float[] {1, bad, 0}, 3)));
            assertEquals("bceWithLogits: mask[1] = " + bad + ", expected 0 or 1", e.getMessage());
        }
    }

    /** Samples 1 and 4 of a [5, …] tensor set to NaN: labels that are missing. */
    private static Tensor withNaNRows(Tensor t) {
        Tensor r = t.copy();
        int per = t.shape().sizeBetween(1, t.rank());
        for (int n : new int[] {1, 4}) {
            Arrays.fill(r.data(), n * per, (n + 1) * per, Float.NaN);
        }
        return r;
    }
}
