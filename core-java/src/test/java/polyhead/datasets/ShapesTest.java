package polyhead.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import polyhead.data.Dataset;
import polyhead.tensor.Shape;

class ShapesTest {
    @Test
    void maskIsExactlyTheDrawnPixelsLabelledOnePlusTheClass() {
        int n = 500;
        Dataset d = Shapes.generate(n, new Shapes.Options(32, 24, 0.0), 4);
        assertEquals(Shape.of(n, 1, 32, 24), d.inputs().shape());
        assertEquals(Shape.of(n, 32, 24), d.targets(Shapes.MASK).shape());
        assertEquals(Shape.of(n), d.targets(Shapes.SHAPE).shape());
        float[] img = d.inputs().data();
        float[] mask = d.targets(Shapes.MASK).data();
        int px = 32 * 24;
        for (int i = 0; i < n; i++) {
            int cls = (int) d.targets(Shapes.SHAPE).data()[i];
            int drawn = 0;
            int top = 32;
            int bottom = -1;
            for (int p = 0; p < px; p++) {
                float m = mask[i * px + p];
                float v = img[i * px + p];
                assertEquals(v > 0, m > 0, "image " + i + " pixel " + p);
                if (m > 0) {
                    assertEquals(1 + cls, m);
                    assertTrue(v >= 0.5f && v < 1f);
                    drawn++;
                    top = Math.min(top, p / 24);
                    bottom = Math.max(bottom, p / 24);
                }
            }
            assertTrue(drawn >= 9, "a shape covers at least 9 pixels");
            assertTrue(top >= 0 && bottom < 32);
        }
    }

    @Test
    void coverageRulesAtRadiusFour() {
        int[] area = new int[Shapes.CLASSES];
        for (Shapes.Kind k : Shapes.Kind.values()) {
            for (int dy = -6; dy <= 6; dy++) {
                for (int dx = -6; dx <= 6; dx++) {
                    area[k.ordinal()] += Shapes.covers(k, dy, dx, 4) ? 1 : 0;
                }
            }
        }
        // circle 49 lattice points, square 7x7, triangle rows 1,1,3,3,5,5,7,7,9, cross two 3x9 bars
        assertArrayEquals(new int[] {49, 49, 41, 45}, area);
        assertTrue(Shapes.covers(Shapes.Kind.TRIANGLE, 4, -4, 4));
        assertFalse(Shapes.covers(Shapes.Kind.TRIANGLE, -4, 1, 4));
        assertFalse(Shapes.covers(Shapes.Kind.CROSS, 2, 2, 4));
    }

    @Test
    void classesAreRoughlyBalancedAndNoiseIsPresent() {
        int n = 4_000;
        Dataset d = Shapes.generate(n, 8);
        int[] counts = new int[Shapes.CLASSES];
        for (float c : d.targets(Shapes.SHAPE).data()) {
            counts[(int) c]++;
        }
        // binomial(4000, 1/4): mean 1000, sd about 27
        for (int c : counts) {
            assertTrue(Math.abs(c - 1000) < 120, Arrays.toString(counts));
        }
        float[] img = d.inputs().data();
        float[] mask = d.targets(Shapes.MASK).data();
        double sum = 0;
        double sq = 0;
        int bg = 0;
        for (int p = 0; p < img.length; p++) {
            if (mask[p] == 0) {
                sum += img[p];
                sq += img[p] * img[p];
                bg++;
            }
        }
        double sd = Math.sqrt(sq / bg - (sum / bg) * (sum / bg));
        assertEquals(0.1, sd, 0.005, "background is N(0, 0.1^2) noise");
    }

    @Test
    void sameSeedSameImages() {
        Dataset a = Shapes.generate(20, 1);
        Dataset b = Shapes.generate(20, 1);
        assertArrayEquals(a.inputs().data(), b.inputs().data());
        assertArrayEquals(a.targets(Shapes.MASK).data(), b.targets(Shapes.MASK).data());
        assertFalse(Arrays.equals(a.inputs().data(), Shapes.generate(20, 2).inputs().data()));
    }
}
