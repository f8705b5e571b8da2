package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

class EmaTest {

    /** a ← d·a + (1 − d)·p from the starting values, worked by hand with d = 0.75. */
    @Test
    void averagesByHand() {
        Var p = Var.parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Var q = Var.parameter(Tensor.of(new float[] {-4f}, 1));
        Ema ema = Ema.create(named(p, q), 0.75);
        p.value().data()[0] = 5f;      // p = [5, 2]
        q.value().data()[0] = 0f;      // q = [0]
        ema.update();                  // a = 0.75·[1, 2] + 0.25·[5, 2] = [2, 2]; 0.75·(−4) + 0 = −3
        assertArrayEquals(new float[] {2f, 2f}, ema.averages().get("p").data());
        assertArrayEquals(new float[] {-3f}, ema.averages().get("q").data());
        p.value().data()[1] = 6f;      // p = [5, 6]
        ema.update();                  // a = 0.75·[2, 2] + 0.25·[5, 6] = [2.75, 3]; 0.75·(−3) = −2.25
        assertArrayEquals(new float[] {2.75f, 3f}, ema.averages().get("p").data());
        assertArrayEquals(new float[] {-2.25f}, ema.averages().get("q").data());
        assertEquals(2, ema.updateCount());
    }

    @Test
    void swapInPutsTheAveragesIntoTheModelUntilClosed() {
        Var p = Var.parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Var q = Var.parameter(Tensor.of(new float[] {3f}, 1));
        Ema ema = Ema.create(named(p, q), 0.5);
        p.value().data()[0] = 3f;
        ema.update();                                           // a_p = [2, 2]
        try (Ema.Swap s = ema.swapIn()) {
            assertArrayEquals(new float[] {2f, 2f}, p.value().data());
            assertThrows(IllegalStateException.class, ema::update);
            assertThrows(IllegalStateException.class, ema::swapIn);
        }
        assertArrayEquals(new float[] {3f, 2f}, p.value().data());
        assertArrayEquals(new float[] {2f, 2f}, ema.averages().get("p").data());
    }

    @Test
    void stateRoundTripsBitExactly() {
        Var p = Var.parameter(Tensor.of(new float[] {0.1f, 0.2f, 0.3f}, 3));
        Var q = Var.parameter(Tensor.of(new float[] {7f}, 1));
        Ema ema = Ema.create(named(p, q), 0.9);
        for (int i = 0; i < 5; i++) {
            p.value().data()[i % 3] += 0.37f;
            ema.update();
        }
        Ema restored = Ema.create(named(Var.parameter(Tensor.zeros(3)), Var.parameter(Tensor.zeros(1))), 0.9);
        restored.loadStateDict(ema.stateDict());
        assertEquals(5, restored.updateCount());
        assertArrayEquals(ema.averages().get("p").data(), restored.averages().get("p").data());
        assertArrayEquals(ema.averages().get("q").data(), restored.averages().get("q").data());
    }

    @Test
    void decayMustBeInZeroOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ema.create(named(Var.parameter(Tensor.zeros(1)), Var.parameter(Tensor.zeros(1))), 1.0));
        assertEquals("ema: decay must be in [0, 1), got 1.0", e.getMessage());
    }

    static Map<String, Var> named(Var p, Var q) {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("p", p);
        m.put("q", q);
        return m;
    }
}
