package polyhead.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class VarTest {
    @Test
    void tenThousandOpChainDoesNotOverflowTheStack() {
        Var x = Var.parameter(Tensor.scalar(1f));
        Var y = x;
        for (int i = 0; i < 10_000; i++) {
            y = y.mul(1.0001f);
        }
        y.backward();
        assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-3);
    }

    @Test
    void gradientsAccumulateWhereAValueFansOut() {
        Var x = Var.parameter(Tensor.of(new float[] {3f}, 1));
        // y = x·x + x: dy/dx = 2x + 1 = 7
        Var y = x.mul(x).add(x).sum();
        y.backward();
        assertEquals(7f, x.grad().item(), 0f);
    }

    @Test
    void leafGradientsAddUpOverBackwardCallsUntilZeroed() {
        Var x = Var.parameter(Tensor.scalar(2f));
        x.mul(3f).backward();
        x.mul(3f).backward();
        assertEquals(6f, x.grad().item(), 0f);
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void innerGradientsAreReleasedUnlessRetained() {
        Var x = Var.parameter(Tensor.scalar(2f));
        Var h = x.mul(3f);
        Var kept = x.mul(5f).retainGrad();
        h.add(kept).mul(2f).backward();
        assertNull(h.grad());
        assertEquals(2f, kept.grad().item(), 0f);
        assertEquals(16f, x.grad().item(), 0f);
    }

    @Test
    void noGradScopeRecordsNothing() {
        Var x = Var.parameter(Tensor.scalar(2f));
        Var y;
        try (var scope = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            y = x.mul(3f);
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void detachStopsTheGradient() {
        Var x = Var.parameter(Tensor.scalar(2f));
        // y = x·detach(x): dy/dx = detach(x) = 2, not 2x = 4
        x.mul(x.detach()).backward();
        assertEquals(2f, x.grad().item(), 0f);
    }

    @Test
    void nonScalarRootTakesASeedGradient() {
        Var x = Var.parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        Var y = x.mul(x);
        assertThrows(ShapeException.class, y::backward);
        y.backward(Tensor.of(new float[] {1, 10, 100}, 3));
        assertArrayEquals(new float[] {2, 40, 600}, x.grad().data());
        ShapeException e = assertThrows(ShapeException.class, () -> y.backward(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void constantsReceiveNoGradient() {
        Var x = Var.parameter(Tensor.scalar(2f));
        Var c = Var.constant(Tensor.scalar(5f));
        x.mul(c).backward();
        assertNull(c.grad());
        assertEquals(5f, x.grad().item(), 0f);
    }

    /** A released gradient tensor is refilled by the next backward pass (no new tensor), with the right values. */
    @Test
    void releasedGradientTensorsAreReusedByTheNextBackward() {
        Var w = Var.parameter(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Var x = Var.constant(Tensor.of(new float[] {1, -1, 2}, 1, 3));
        polyhead.autodiff.ops.MatMul.linear(x, w, null).sum().backward();
        Tensor first = w.grad();
        assertArrayEquals(new float[] {1, -1, 2, 1, -1, 2}, first.data(), 0f);
        w.releaseGrad();
        assertNull(w.grad());
        Var x2 = Var.constant(Tensor.of(new float[] {3, 0, 1}, 1, 3));
        polyhead.autodiff.ops.MatMul.linear(x2, w, null).sum().backward();
        assertTrue(first == w.grad(), "the released tensor is written, not a new one");
        assertArrayEquals(new float[] {3, 0, 1, 3, 0, 1}, w.grad().data(), 0f);
        // zeroGrad does not recycle: a gradient read before it stays as it was
        Tensor kept = w.grad();
        w.zeroGrad();
        polyhead.autodiff.ops.MatMul.linear(x, w, null).sum().backward();
        assertFalse(kept == w.grad());
        assertArrayEquals(new float[] {3, 0, 1, 3, 0, 1}, kept.data(), 0f);
    }

    /** A fresh gradient becomes the node's gradient; a second one is added into it, and the first stays intact. */
    @Test
    void freshGradientsAreTakenWithoutACopyAndAccumulate() {
        Var x = Var.parameter(Tensor.zeros(2));
        Tensor g1 = Tensor.of(new float[] {1, 2}, 2);
        x.addFreshGrad(g1);
        assertTrue(g1 == x.grad());
        x.addFreshGrad(Tensor.of(new float[] {10, 20}, 2));
        assertArrayEquals(new float[] {11, 22}, x.grad().data(), 0f);
        assertThrows(IllegalStateException.class, () -> x.addFreshGrad(Tensor.zeros(3)));
    }
}
