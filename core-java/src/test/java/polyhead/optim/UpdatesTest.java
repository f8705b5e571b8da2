package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;

/** The flat layout of {@link Params} and {@link Updates}, and the runs the element loops go over. */
class UpdatesTest {

    /** Four parameters of 2, 3, 1 and 4 values: offsets 0, 2, 5, 6, flat size 10. */
    static Params four() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.zeros(2));
        m.put("b", Tensor.zeros(3, 1));
        m.put("c", Tensor.zeros(1));
        m.put("d", Tensor.zeros(2, 2));
        return Params.of(m);
    }

    @Test
    void rootAndSubsetLayouts() {
        Params root = four();
        assertEquals(10, root.flatSize());
        assertArrayEquals(new int[] {0, 2, 5, 6}, new int[] {root.offset(0), root.offset(1), root.offset(2), root.offset(3)});
        assertEquals(10, root.extent(0, 4));
        assertEquals(4, root.extent(1, 3));
        Params sub = root.subset(1, 3);
        assertEquals(10, sub.flatSize(), "a group's slots keep the root's layout");
        assertEquals(2, sub.offset(0));
        assertEquals(6, sub.offset(1));
        assertEquals(10, sub.newFlatSlot().length);
    }

    @Test
    void gradientsLandAtTheirOffsetsAndDeactivationZeroesOnlyItsSegment() {
        Params root = four();
        Updates u = new Updates(root);
        u.setGradient(0, Tensor.of(new float[] {1, 2}, 2));
        u.setGradient(1, Tensor.of(new float[] {3, 4, 5}, 3, 1));
        u.setGradient(2, Tensor.of(new float[] {6}, 1));
        u.setGradient(3, Tensor.of(new float[] {7, 8, 9, 10}, 2, 2));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, u.buffer());
        u.deactivate(1);
        assertArrayEquals(new float[] {1, 2, 0, 0, 0, 6, 7, 8, 9, 10}, u.buffer());
        assertFalse(u.isActive(1));
        assertArrayEquals(new float[] {7, 8, 9, 10}, u.copyOf(3).data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> u.setGradient(3, Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("'d'"), e.getMessage());
    }

    @Test
    void runsStopAtInactiveParametersGapsInTheRootAndUnequalCounts() {
        Params root = four();
        Updates u = new Updates(root);
        for (int k = 0; k < 4; k++) {
            u.activate(k);
        }
        assertEquals(4, u.runEnd(root, 0, null), "all active: one run over the whole buffer");
        assertEquals(4, u.runEnd(root, 0, new long[] {3, 3, 3, 3}));
        assertEquals(2, u.runEnd(root, 0, new long[] {3, 3, 2, 3}), "count of c differs");
        assertEquals(4, u.runEnd(root, 2, new long[] {3, 3, 2, 2}));
        u.deactivate(2);
        assertEquals(2, u.runEnd(root, 0, null), "c inactive");
        assertEquals(4, u.runEnd(root, 3, null));
        u.activate(2);
        Params sub = root.subset(1, 3);
        assertEquals(1, u.runEnd(sub, 0, null), "b and d are not adjacent in the root");
        Params adjacent = root.subset(1, 2);
        assertEquals(2, u.runEnd(adjacent, 0, null));
    }

    @Test
    void applyToAddsEachActiveSegmentToItsParameter() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        Tensor a = Tensor.of(new float[] {1, 1}, 2);
        Tensor b = Tensor.of(new float[] {5, 5, 5}, 3);
        m.put("a", a);
        m.put("b", b);
        Params root = Params.of(m);
        Updates u = new Updates(root);
        u.setGradient(0, Tensor.of(new float[] {0.5f, -1}, 2));
        u.setGradient(1, Tensor.of(new float[] {1, 2, 3}, 3));
        u.deactivate(1);
        u.applyTo(root);
        assertArrayEquals(new float[] {1.5f, 0}, a.data());
        assertArrayEquals(new float[] {5, 5, 5}, b.data());
    }
}
