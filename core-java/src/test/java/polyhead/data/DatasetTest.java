package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class DatasetTest {
    /**
     * gatherRows copies the indexed rows, from a slice of the index array; large enough to run in parallel ranges and
     * small (one range), each checked element by element against the source.
     */
    @Test
    void gatherRowsCopiesTheIndexedRowsInParallelRanges() {
        Random rng = new Random(3);
        // {rows, width, rows gathered}: 300·784 floats are several parallel ranges, 9·7 one
        for (int[] size : new int[][] {{5000, 784, 300}, {50, 7, 9}}) {
            int n = size[0];
            int width = size[1];
            float[] src = new float[n * width];
            for (int i = 0; i < src.length; i++) {
                src[i] = i;
            }
            int[] idx = new int[size[2] + 10];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = rng.nextInt(n);
            }
            float[] dst = new float[size[2] * width + 1];
            dst[dst.length - 1] = -1f;
            Dataset.gatherRows(src, width, idx, 10, idx.length, dst);
            for (int r = 0; r < size[2]; r++) {
                for (int j = 0; j < width; j++) {
                    assertEquals((float) (idx[10 + r] * width + j), dst[r * width + j], "row " + r + " column " + j);
                }
            }
            assertEquals(-1f, dst[dst.length - 1], "nothing written past the rows");
        }
    }

    /** n rows, inputs [n, 2] = (i, −i), targets of task t = i + offset. */
    static Dataset rowsOf(int n, String task, float offset) {
        float[] x = new float[2 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i + offset;
        }
        return Dataset.of(Tensor.of(x, n, 2), Map.of(task, Tensor.of(y, n)));
    }

    @Test
    void mergeConcatenatesRowsAndMasksMissingTasks() {
        Dataset a = rowsOf(3, "item", 0);
        Dataset b = rowsOf(2, "price", 100);
        Dataset m = Dataset.merge(List.of(a, b));
        assertEquals(5, m.size());
        assertEquals(List.of("item", "price"), m.tasks());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0}, m.mask("item").data());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1}, m.mask("price").data());
        assertArrayEquals(new float[] {0, 0, 0, 100, 101}, m.targets("price").data());
        assertEquals(3, m.labelCount("item"));
        assertEquals(1f, m.inputs().get(4, 0));
    }

    @Test
    void mergeRejectsDifferentInputShapesNamingBoth() {
        Dataset a = rowsOf(3, "item", 0);
        Dataset c = Dataset.of(Tensor.zeros(2, 3), Map.of("x", Tensor.zeros(2)));
        ShapeException e = assertThrows(ShapeException.class, () -> Dataset.merge(List.of(a, c)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void badMasksAndRowCountsAreNamed() {
        Map<String, Tensor> tg = Map.of("t", Tensor.zeros(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(Tensor.zeros(3, 2), tg, Map.of("t", Tensor.of(new float[] {1, 0.5f, 0}, 3))));
        assertEquals("dataset: mask of task 't' has 0.5 at row 1 (masks hold 0 or 1)", e.getMessage());
        e = assertThrows(ShapeException.class, () -> Dataset.of(Tensor.zeros(4, 2), tg));
        assertTrue(e.getMessage().contains("'t' [3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        Tensor bad = Tensor.zeros(3, 2);
        bad.set(Float.NaN, 2, 1);
        DataException d = assertThrows(DataException.class, () -> Dataset.of(bad, tg));
        assertEquals("dataset: input row 2 has NaN at feature 1 (features must be finite)", d.getMessage());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Dataset d = rowsOf(20, "t", 0);
        Dataset.Split s = d.split(0.25, 7);
        assertEquals(5, s.validation().size());
        assertEquals(15, s.train().size());
        List<Float> all = new ArrayList<>();
        for (float v : s.train().targets("t").data()) {
            all.add(v);
        }
        for (float v : s.validation().targets("t").data()) {
            assertTrue(!all.contains(v));
            all.add(v);
        }
        assertEquals(20, all.size());
        assertArrayEquals(s.validation().targets("t").data(), d.split(0.25, 7).validation().targets("t").data());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.0, 0));
    }

    @Test
    void shuffledBatchesCoverEveryRowOncePerEpochAndDependOnTheSeed() {
        Dataset d = rowsOf(10, "t", 0);
        BatchSource src = Batching.shuffled(d, 4, false);
        assertEquals(3, src.stepsPerEpoch());
        List<Float> seen = new ArrayList<>();
        Iterator<List<Batch>> it = src.epoch(new Random(1));
        int sizes = 0;
        while (it.hasNext()) {
            Batch b = it.next().get(0);
            sizes += b.size();
            for (float v : b.target("t").data()) {
                seen.add(v);
            }
        }
        assertEquals(10, sizes);
        assertEquals(10, seen.stream().distinct().count());
        List<Float> again = new ArrayList<>();
        src.epoch(new Random(1)).forEachRemaining(s -> {
            for (float v : s.get(0).target("t").data()) {
                again.add(v);
            }
        });
        assertEquals(seen, again);
        List<Float> other = new ArrayList<>();
        src.epoch(new Random(2)).forEachRemaining(s -> {
            for (float v : s.get(0).target("t").data()) {
                other.add(v);
            }
        });
        assertNotEquals(seen, other);
        assertEquals(2, Batching.shuffled(d, 4, true).stepsPerEpoch());
    }

    @Test
    void multiSourceCyclesSmallerSourcesForTheLargestEpoch() {
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        perTask.put("big", rowsOf(10, "big", 0));
        perTask.put("small", rowsOf(3, "small", 0));
        BatchSource src = Batching.multiSource(perTask, 4);
        assertEquals(3, src.stepsPerEpoch());
        int smallSamples = 0;
        Iterator<List<Batch>> it = src.epoch(new Random(0));
        while (it.hasNext()) {
            List<Batch> step = it.next();
            assertEquals(2, step.size());
            assertEquals(List.of("big"), List.copyOf(step.get(0).targets().keySet()));
            assertEquals(List.of("small"), List.copyOf(step.get(1).targets().keySet()));
            smallSamples += step.get(1).size();
        }
        assertEquals(12, smallSamples, "the 3-row source is dealt four times over");
    }

    @Test
    void taskBalancedSamplingEvensOutLabelCounts() {
        // 90 rows labelled for "common", 10 for "rare"
        Dataset d = Dataset.merge(List.of(rowsOf(90, "common", 0), rowsOf(10, "rare", 0)));
        BatchSource src = Batching.taskBalanced(d, 50);
        int rare = 0;
        int total = 0;
        for (int e = 0; e < 20; e++) {
            Iterator<List<Batch>> it = src.epoch(new Random(e));
            while (it.hasNext()) {
                Batch b = it.next().get(0);
                rare += b.labelCount("rare");
                total += b.size();
            }
        }
        // expected share 1/2 (each task gets half the probability mass); 2000 draws: sd ≈ 0.011
        assertEquals(0.5, (double) rare / total, 0.05);
    }
}
