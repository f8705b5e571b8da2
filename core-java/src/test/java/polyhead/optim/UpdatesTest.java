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

    /**
     * A pending factor ({@link Updates#scaleLater}) gives the bits of multiplying first: read through
     * {@link Updates#buffer()} and {@link Updates#copyOf}, and in {@link Updates#applyTo}'s fused pass (the product
     * rounded, then the sum; an FMA would differ), over lengths that take both the vector loop and its tail. Two
     * factors are two roundings; a new gradient or a deactivation drops the factor of its segment only.
     */
    @Test
    void pendingFactorsGiveTheBitsOfScalingFirst() {
        java.util.Random rng = new java.util.Random(3);
        int[] sizes = {37, 1, 64};
        Map<String, Tensor> m = new LinkedHashMap<>();
        float[][] p0 = new float[sizes.length][];
        float[][] g = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            p0[i] = new float[sizes[i]];
            g[i] = new float[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) {
                p0[i][j] = (float) rng.nextGaussian();
                g[i][j] = (float) rng.nextGaussian();
            }
            m.put("p" + i, Tensor.of(p0[i].clone(), sizes[i]));
        }
        Params root = Params.of(m);
        Updates u = new Updates(root);
        for (int i = 0; i < sizes.length; i++) {
            u.setGradient(i, Tensor.of(g[i].clone(), sizes[i]));
        }
        float f1 = -0.3791f;
        float f2 = 0.77f;
        u.scaleLater(root, f1);
        u.scaleLater(root.subset(2), f2); // p2: two factors
        u.applyTo(root);
        boolean fmaDiffers = false;
        for (int i = 0; i < sizes.length; i++) {
            float[] p = root.values(i);
            for (int j = 0; j < sizes[i]; j++) {
                float step = i == 2 ? (g[i][j] * f1) * f2 : g[i][j] * f1;
                assertEquals(Float.floatToIntBits(p0[i][j] + step), Float.floatToIntBits(p[j]),
                        "p" + i + "[" + j + "]");
                float lastFactor = i == 2 ? f2 : f1;
                float before = i == 2 ? g[i][j] * f1 : g[i][j];
                fmaDiffers |= Math.fma(before, lastFactor, p0[i][j]) != p[j];
            }
        }
        assertTrue(fmaDiffers, "the data should tell a fused multiply-add from a product and a sum");
        float[] expected1 = new float[sizes[1]];
        expected1[0] = g[1][0] * f1;
        assertArrayEquals(expected1, u.copyOf(1).data(), 0f);
        u.setGradient(0, Tensor.of(g[0].clone(), sizes[0]));
        u.deactivate(1);
        float[] buffer = u.buffer();
        for (int j = 0; j < sizes[0]; j++) {
            assertEquals(g[0][j], buffer[j], 0f, "a new gradient drops the factor");
        }
        assertEquals(0f, buffer[sizes[0]], 0f);
        for (int j = 0; j < sizes[2]; j++) {
            assertEquals(Float.floatToIntBits((g[2][j] * f1) * f2), Float.floatToIntBits(buffer[sizes[0] + 1 + j]));
        }
    }
}
