package polyhead.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.datasets.MultiFashion.Placement;
import polyhead.datasets.MultiFashion.Recipe;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

class MultiFashionTest {
    private static final int PX = 28 * 28;

    /** 30 random "items" with every pixel in (0, 1], classes i mod 10. */
    private static FashionMnist.Split synthetic(int m) {
        Random rng = new Random(5);
        float[] px = new float[m * PX];
        for (int i = 0; i < px.length; i++) {
            px[i] = 1f - rng.nextFloat();
        }
        float[] items = new float[m];
        for (int i = 0; i < m; i++) {
            items[i] = i % 10;
        }
        return new FashionMnist.Split(Tensor.wrap(Shape.of(m, PX), px), Tensor.wrap(Shape.of(m), items),
                Tensor.zeros(m));
    }

    /** The item pixel a canvas pixel (r, c) sees of an item with its corner at (row, col), 0 outside it. */
    private static float item(FashionMnist.Split s, int index, int row, int col, int r, int c) {
        int y = r - row;
        int x = c - col;
        return y < 0 || y >= 28 || x < 0 || x >= 28 ? 0f : s.images().data()[index * PX + y * 28 + x];
    }

    @Test
    void paretoMtlPlacesLeftItemUpLeftAndRightItemDownRightWithMaxOverlap() {
        FashionMnist.Split s = synthetic(30);
        int n = 300;
        Placement[] p = MultiFashion.placements(s.items(), Recipe.PARETO_MTL, n, 9);
        Dataset d = MultiFashion.build(s, Recipe.PARETO_MTL, n, 9);
        assertEquals(Shape.of(n, 1, 36, 36), d.inputs().shape());
        float[] in = d.inputs().data();
        boolean[] leftShifts = new boolean[5];
        boolean[] rightShifts = new boolean[5];
        for (int i = 0; i < n; i++) {
            Placement q = p[i];
            assertEquals(s.items().data()[q.left()], d.targets(MultiFashion.LEFT).data()[i]);
            assertEquals(s.items().data()[q.right()], d.targets(MultiFashion.RIGHT).data()[i]);
            assertNotEquals(d.targets(MultiFashion.LEFT).data()[i], d.targets(MultiFashion.RIGHT).data()[i]);
            // centred corner is (4, 4): left item moves up-left by 0..4, right item down-right by 0..4
            for (int shift : new int[] {4 - q.leftRow(), 4 - q.leftCol()}) {
                assertTrue(shift >= 0 && shift <= 4, q.toString());
                leftShifts[shift] = true;
            }
            for (int shift : new int[] {q.rightRow() - 4, q.rightCol() - 4}) {
                assertTrue(shift >= 0 && shift <= 4, q.toString());
                rightShifts[shift] = true;
            }
            for (int r = 0; r < 36; r++) {
                for (int c = 0; c < 36; c++) {
                    float a = item(s, q.left(), q.leftRow(), q.leftCol(), r, c);
                    float b = item(s, q.right(), q.rightRow(), q.rightCol(), r, c);
                    float got = in[i * 36 * 36 + r * 36 + c];
                    assertEquals(Math.max(a, b), got);
                    boolean inRight = r >= q.rightRow() && r < q.rightRow() + 28 && c >= q.rightCol() && c < q.rightCol() + 28;
                    if (a > 0 && !inRight) {
                        assertEquals(a, got, "left item recoverable outside the overlap");
                    }
                }
            }
        }
        for (int k = 0; k <= 4; k++) {
            assertTrue(leftShifts[k] && rightShifts[k], "every shift 0..4 occurs");
        }
        // left items cycle through permutations: 300 samples over 30 images use each exactly 10 times
        int[] uses = new int[30];
        for (Placement q : p) {
            uses[q.left()]++;
        }
        int[] ten = new int[30];
        Arrays.fill(ten, 10);
        assertArrayEquals(ten, uses);
    }

    @Test
    void senerKoltunPastesAtZeroAndSixStretchesAndResizesTo28ByNearest() {
        FashionMnist.Split s = synthetic(30);
        int n = 40;
        Placement[] p = MultiFashion.placements(s.items(), Recipe.SENER_KOLTUN, n, 3);
        Dataset d = MultiFashion.build(s, Recipe.SENER_KOLTUN, n, 3);
        assertEquals(Shape.of(n, 1, 28, 28), d.inputs().shape());
        assertEquals(0, MultiFashion.nearest(0, 28));
        assertEquals(17, MultiFashion.nearest(13, 28));
        assertEquals(35, MultiFashion.nearest(27, 28));
        for (int i = 0; i < n; i++) {
            Placement q = p[i];
            assertEquals(new Placement(i % 30, q.right(), 0, 0, 6, 6), q);
            float[] canvas = new float[36 * 36];
            float max = 0;
            for (int r = 0; r < 36; r++) {
                for (int c = 0; c < 36; c++) {
                    canvas[r * 36 + c] = Math.max(item(s, q.left(), 0, 0, r, c), item(s, q.right(), 6, 6, r, c));
                    max = Math.max(max, canvas[r * 36 + c]);
                }
            }
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    float v = canvas[MultiFashion.nearest(r, 28) * 36 + MultiFashion.nearest(c, 28)];
                    float expected = Math.round(v / max * 255f) / 255f;
                    assertEquals(expected, d.inputs().data()[i * 784 + r * 28 + c], 1e-6f);
                }
            }
        }
    }

    @Test
    void sameSeedSameData() {
        FashionMnist.Split s = synthetic(30);
        for (Recipe recipe : Recipe.values()) {
            Dataset a = MultiFashion.build(s, recipe, 50, 1);
            Dataset b = MultiFashion.build(s, recipe, 50, 1);
            Dataset c = MultiFashion.build(s, recipe, 50, 2);
            assertArrayEquals(a.inputs().data(), b.inputs().data());
            assertArrayEquals(a.targets(MultiFashion.RIGHT).data(), b.targets(MultiFashion.RIGHT).data());
            assertFalse(Arrays.equals(a.inputs().data(), c.inputs().data()));
        }
    }

    @Test
    void buildsFromTheShippedFashionSubset() {
        MultiFashion.Data data = MultiFashion.load(Path.of("../samples/data/fashion-mnist"), Recipe.PARETO_MTL, 2_000, 500, 42);
        assertEquals(2_000, data.train().size());
        assertEquals(500, data.test().size());
        assertEquals(Shape.of(500, 1, 36, 36), data.test().inputs().shape());
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            assertTrue(d.inputs().maxAbs() <= 1f);
            for (String task : new String[] {MultiFashion.LEFT, MultiFashion.RIGHT}) {
                assertEquals(d.size(), d.labelCount(task), "both labels present");
                boolean[] seen = new boolean[10];
                for (float v : d.targets(task).data()) {
                    assertTrue(v >= 0 && v <= 9 && v == Math.rint(v));
                    seen[(int) v] = true;
                }
                for (boolean b : seen) {
                    assertTrue(b, "every class appears in " + task);
                }
            }
        }
        assertEquals(Recipe.PARETO_MTL, data.recipe());
        assertEquals(120_000, Recipe.PARETO_MTL.trainSize());
        assertEquals(20_000, Recipe.PARETO_MTL.testSize());
    }

    @Test
    void refusesSourcesThatCannotBePaired() {
        FashionMnist.Split s = synthetic(30);
        Tensor oneClass = Tensor.zeros(30);
        DataException e = assertThrows(DataException.class,
                () -> MultiFashion.placements(oneClass, Recipe.PARETO_MTL, 5, 1));
        assertEquals("Multi-Fashion (PARETO_MTL) pairs items of different classes, but all 30 source images have "
                + "class 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MultiFashion.build(s, Recipe.PARETO_MTL, 0, 1));
    }
}
