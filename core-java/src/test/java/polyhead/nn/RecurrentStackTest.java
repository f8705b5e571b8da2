package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** {@link Lstm} and {@link Gru} as modules: PyTorch's parameter names, shapes and initialization; errors; shapes. */
class RecurrentStackTest {
    @Test
    void parametersHavePyTorchsNamesOrderAndShapes() {
        Lstm lstm = new Lstm(5, 4, 2, true, new Random(1));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(lstm.stateDict().keySet()));
        assertEquals(Shape.of(16, 5), lstm.stateDict().get("weight_ih_l0").shape());
        assertEquals(Shape.of(16, 8), lstm.stateDict().get("weight_ih_l1_reverse").shape());
        assertEquals(Shape.of(16, 4), lstm.stateDict().get("weight_hh_l1").shape());
        Gru gru = new Gru(5, 4, 1, false, new Random(1));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"),
                List.copyOf(gru.stateDict().keySet()));
        assertEquals(Shape.of(12, 5), gru.stateDict().get("weight_ih_l0").shape());
        // as torch.nn.LSTM(5, 4, 2, bidirectional=True): 4·4·(5 + 4 + 2) + 4·4·(8 + 4 + 2) per direction
        assertEquals(2 * (16 * 11 + 16 * 14), lstm.parameterCount());
    }

    @Test
    void defaultInitializationIsUniformWithinOneOverSqrtHidden() {
        Gru gru = new Gru(30, 25, 1, false, new Random(2));
        float bound = 1f / 5f;
        gru.stateDict().forEach((name, t) -> {
            float max = t.maxAbs();
            assertTrue(max <= bound && max > 0.9f * bound, name + ": max |w| " + max);
        });
    }

    @Test
    void shapesOfOutputAndFinalStates() {
        Lstm lstm = new Lstm(3, 4, 2, true, new Random(3));
        Lstm.Output r = lstm.run(Var.constant(Tensor.randn(4, 2, 5, 3)), new int[] {5, 2}, null, null);
        assertEquals(Shape.of(2, 5, 8), r.output().shape());
        assertEquals(Shape.of(4, 2, 4), r.h().shape());
        assertEquals(Shape.of(4, 2, 4), r.c().shape());
        // the top layer's final h: forward half of the output at each sequence's last valid step, reverse half at 0
        for (int j = 0; j < 4; j++) {
            assertEquals(r.output().value().get(1, 1, j), r.h().value().get(2, 1, j), 0f);
            assertEquals(r.output().value().get(1, 0, 4 + j), r.h().value().get(3, 1, j), 0f);
        }
        try (var scope = GradMode.noGrad()) {
            assertArrayEquals(lstm.run(Var.constant(Tensor.randn(5, 2, 5, 3)), null, null, null).output().value().data(),
                    lstm.call(Var.constant(Tensor.randn(5, 2, 5, 3))).value().data(), 0f);
        }
        Gru gru = new Gru(3, 4, 3, false, new Random(3));
        Gru.Output g = gru.run(Var.constant(Tensor.randn(6, 2, 5, 3)), null, Var.constant(Tensor.zeros(3, 2, 4)));
        assertEquals(Shape.of(2, 5, 4), g.output().shape());
        assertEquals(Shape.of(3, 2, 4), g.h().shape());
    }

    @Test
    void badInputsNameTheShapeAndTheLayer() {
        Lstm lstm = new Lstm(3, 4, 2, true, new Random(4));
        Var x = Var.constant(Tensor.zeros(2, 5, 3));
        ShapeException e = assertThrows(ShapeException.class, () -> lstm.call(Var.constant(Tensor.zeros(2, 5, 6))));
        assertEquals("in Lstm: lstm: input [2, 5, 6] is not [batch, time, 3]", e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> lstm.run(x, null, Var.constant(Tensor.zeros(2, 2, 4)), null));
        assertEquals("in Lstm: lstm: initial state [2, 2, 4] is not [4, 2, 4] (layers·directions, batch, hidden) "
                + "for input [2, 5, 3]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> lstm.run(x, new int[] {6, 1}, null, null));
        assertEquals("in Lstm: lstm: lengths[0] = 6 is outside [1, 5] for input [2, 5, 3]", e.getMessage());
        Gru gru = new Gru(3, 4, 1, false, new Random(4));
        e = assertThrows(ShapeException.class, () -> gru.run(x, new int[] {5}, null));
        assertEquals("in Gru: gru: lengths has 1 values for input [2, 5, 3] (one per sequence: 2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Gru(3, 0, 1, false, new Random(4)));
    }
}
