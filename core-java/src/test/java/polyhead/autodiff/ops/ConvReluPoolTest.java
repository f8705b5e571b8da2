package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * {@link Convolution#conv2dReluMaxPool2x2}: the values and gradients of conv2d, relu and a 2×2 max pooling as three
 * nodes, bit for bit, on every path the convolution can take.
 */
class ConvReluPoolTest {
    /**
     * {N, C, H, W, O, k, stride, padding}: W2's two layers (the direct convolution and weight gradient; the input
     * gradient through padded rows), a convolution too small to share out, stride 2 with padding (im2col and col2im),
     * odd output sizes (a last row and column no window reads), and 1×1 windows.
     */
    static final int[][] SETTINGS = {{6, 1, 36, 36, 10, 9, 1, 0}, {6, 10, 14, 14, 20, 5, 1, 0},
        {2, 3, 7, 8, 4, 3, 1, 0}, {5, 3, 13, 11, 6, 3, 2, 1}, {3, 2, 9, 11, 5, 2, 1, 0}, {4, 5, 6, 6, 3, 1, 1, 0}};

    @Test
    void givesTheValuesAndGradientsOfTheThreeNodesBitForBit() {
        Random rng = new Random(5);
        for (int[] s : SETTINGS) {
            for (boolean ties : new boolean[] {false, true}) {
                // with ties: small integers, so that windows hold equal maxima (the first must win in both) and
                // many outputs are exactly 0 (ReLU's kink)
                Tensor x = values(rng, ties, s[0], s[1], s[2], s[3]);
                Tensor w = values(rng, ties, s[4], s[1], s[5], s[5]);
                Tensor b = values(rng, ties, s[4]);
                for (boolean bias : new boolean[] {true, false}) {
                    for (boolean inputGrad : new boolean[] {true, false}) {
                        for (int groupFloats : new int[] {Convolution.GROUP_FLOATS, 1}) {
                            String what = Arrays.toString(s) + (ties ? " ties" : "") + (bias ? " bias" : "")
                                    + (inputGrad ? " dx" : "") + " groups of " + (groupFloats == 1 ? "1" : "any");
                            long gSeed = rng.nextLong();
                            Tensor[] fused = run(true, x, w, bias ? b : null, s, inputGrad, groupFloats, gSeed);
                            Tensor[] separate = run(false, x, w, bias ? b : null, s, inputGrad, groupFloats, gSeed);
                            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
                            for (int i = 0; i < names.length; i++) {
                                if (separate[i] == null) {
                                    assertNull(fused[i], what + " " + names[i]);
                                } else {
                                    assertEquals(separate[i].shape(), fused[i].shape(), what + " " + names[i]);
                                    assertBits(separate[i], fused[i], what + " " + names[i]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The groups in parallel, in turn, and everything on one thread: the same values and gradients. */
    @Test
    void parallelAndSequentialGroupsAgreeBitForBit() {
        int[] s = SETTINGS[1];
        Random rng = new Random(6);
        Tensor x = values(rng, false, 16, s[1], s[2], s[3]);
        Tensor w = values(rng, false, s[4], s[1], s[5], s[5]);
        Tensor b = values(rng, false, s[4]);
        Tensor[] parallel = fusedAndGradients(x, w, b, s, true);
        Tensor[] inTurn = fusedAndGradients(x, w, b, s, false);
        Tensor[] oneThread = Parallel.sequentially(() -> fusedAndGradients(x, w, b, s, true));
        for (int i = 0; i < parallel.length; i++) {
            assertBits(oneThread[i], parallel[i], "parallel, output " + i);
            assertBits(oneThread[i], inTurn[i], "in turn, output " + i);
        }
    }

    @Test
    void finiteDifferenceGradients() {
        long seed = 31;
        // {N, C, H, W, O, k, stride, padding}: the direct path, im2col with stride and padding. A step of 1e-3: a
        // weight's step moves every output, and at 1e-2 some window's two largest values swapped places
        GradCheck check = GradCheck.defaults().withEps(1e-3).withTolerance(2e-3, 1e-2);
        for (int[] s : new int[][] {{1, 1, 4, 18, 2, 3, 1, 0}, {2, 2, 7, 6, 3, 3, 2, 1}}) {
            GradCheck.Result r = check.check(v -> Convolution.conv2dReluMaxPool2x2(v[0], v[1], v[2], s[6], s[7]),
                    Tensor.randn(seed++, s[0], s[1], s[2], s[3]), Tensor.randn(seed++, s[4], s[1], s[5], s[5]),
                    Tensor.randn(seed++, s[4]));
            assertTrue(r.passed(), Arrays.toString(s) + ": " + r.worst());
        }
    }

    /** A convolution output smaller than a window: the error the separate pooling node gives. */
    @Test
    void tooSmallForAWindowFailsAsTheSeparateNodes() {
        Var x = Var.constant(Tensor.zeros(1, 1, 3, 4));
        Var w = Var.constant(Tensor.zeros(2, 1, 3, 3));
        ShapeException fused = assertThrows(ShapeException.class,
                () -> Convolution.conv2dReluMaxPool2x2(x, w, null, 1, 0));
        ShapeException separate = assertThrows(ShapeException.class,
                () -> Pooling.reluMaxPool2d(Convolution.conv2d(x, w, null, 1, 0), 2, 2, 2, 2, 0, 0));
        assertEquals(separate.getMessage(), fused.getMessage());
        ShapeException channels = assertThrows(ShapeException.class, () -> Convolution.conv2dReluMaxPool2x2(
                Var.constant(Tensor.zeros(1, 2, 6, 6)), w, null, 1, 0));
        assertTrue(channels.getMessage().startsWith("conv2d: input [1, 2, 6, 6] has 2 channels"), channels.getMessage());
    }

    private static Tensor[] run(boolean fused, Tensor x, Tensor w, Tensor b, int[] s, boolean inputGrad,
                                int groupFloats, long gSeed) {
        Var xv = inputGrad ? Var.parameter(x.copy()) : Var.constant(x);
        Var wv = Var.parameter(w.copy());
        Var bv = b == null ? null : Var.parameter(b.copy());
        Var y = fused
                ? Convolution.conv2dReluMaxPool2x2(xv, wv, bv, s[6], s[7], groupFloats, Convolution.PARALLEL_GROUPS)
                : Pooling.maxPool2d(Convolution.conv2d(xv, wv, bv, s[6], s[6], s[7], s[7], groupFloats).relu(), 2);
        y.backward(Tensor.randn(gSeed, y.shape().dims()));
        return new Tensor[] {y.value(), inputGrad ? xv.grad() : null, wv.grad(), bv == null ? null : bv.grad()};
    }

    private static Tensor[] fusedAndGradients(Tensor x, Tensor w, Tensor b, int[] s, boolean parallel) {
        Var xv = Var.parameter(x.copy());
        Var wv = Var.parameter(w.copy());
        Var bv = Var.parameter(b.copy());
        Var y = Convolution.conv2dReluMaxPool2x2(xv, wv, bv, s[6], s[7], Convolution.GROUP_FLOATS, parallel);
        y.backward(Tensor.randn(77, y.shape().dims()));
        return new Tensor[] {y.value(), xv.grad(), wv.grad(), bv.grad()};
    }

    private static Tensor values(Random rng, boolean ties, int... dims) {
        Tensor t = Tensor.randn(rng, Shape.of(dims));
        if (ties) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = rng.nextInt(3) - 1;
            }
        }
        return t;
    }

    private static void assertBits(Tensor expected, Tensor got, String what) {
        float[] e = expected.data();
        float[] g = got.data();
        assertEquals(e.length, g.length, what + " size");
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(g[i])) {
                throw new AssertionError(what + " differs at " + i + ": " + e[i] + " against " + g[i]);
            }
        }
    }

}
