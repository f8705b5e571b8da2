package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The draws kept apart from the data ({@link TaskBalancedDraw}, {@link MultiSourceDraw}, {@link Dataset#heldOut})
 * name the rows the samplers and the split take from the same generator — what a data-parallel replica, which holds
 * only its shard, relies on. Each row's input is its own index, so a batch's inputs list the rows it holds.
 */
class DrawsTest {
    /** n rows whose input is the row index; task t labelled where {@code labelled[t]} says. */
    private static Dataset indexed(int n, Map<String, boolean[]> labelled) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        labelled.forEach((t, l) -> {
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                m[i] = l[i] ? 1 : 0;
            }
            targets.put(t, Tensor.zeros(Shape.of(n)));
            masks.put(t, Tensor.wrap(Shape.of(n), m));
        });
        return Dataset.of(Tensor.wrap(Shape.of(n, 1), x), targets, masks);
    }

    private static int[] rowsOf(Batch b) {
        float[] x = b.inputs().data();
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (int) x[i];
        }
        return r;
    }

    private static boolean[] every(int n, int k) {
        boolean[] l = new boolean[n];
        for (int i = 0; i < n; i += k) {
            l[i] = true;
        }
        return l;
    }

    @Test
    void theTaskBalancedDrawNamesTheRowsOfTheTaskBalancedBatches() {
        Map<String, boolean[]> labelled = new LinkedHashMap<>();
        labelled.put("common", every(23, 1));
        labelled.put("rare", every(23, 5));
        Dataset d = indexed(23, labelled);
        int[] drawn = TaskBalancedDraw.of(d).draw(new Random(4));
        List<Integer> batched = new ArrayList<>();
        Iterator<List<Batch>> it = Batching.taskBalanced(d, 8).epoch(new Random(4));
        while (it.hasNext()) {
            for (int r : rowsOf(it.next().get(0))) {
                batched.add(r);
            }
        }
        assertArrayEquals(drawn, batched.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void theMultiSourceDrawNamesTheRowsOfEachSourcesBatches() {
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        perTask.put("big", indexed(10, Map.of("big", every(10, 1))));
        perTask.put("small", indexed(3, Map.of("small", every(3, 1))));
        Iterator<List<int[]>> drawn = new MultiSourceDraw(List.of(10, 3), 4).epoch(new Random(9));
        Iterator<List<Batch>> batched = Batching.multiSource(perTask, 4).epoch(new Random(9));
        int steps = 0;
        while (batched.hasNext()) {
            List<Batch> step = batched.next();
            List<int[]> rows = drawn.next();
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(rows.get(k), rowsOf(step.get(k)), "step " + steps + ", source " + k);
            }
            steps++;
        }
        assertEquals(3, steps);
        assertFalse(drawn.hasNext());
    }

    @Test
    void heldOutNamesTheRowsTheSplitHoldsOut() {
        Dataset d = indexed(37, Map.of("t", every(37, 1)));
        Dataset validation = d.split(0.25, 11).validation();
        int[] rows = rowsOf(validation.batch(java.util.stream.IntStream.range(0, validation.size()).toArray()));
        assertArrayEquals(rows, Dataset.heldOut(37, 0.25, 11));
        assertEquals(9, rows.length);
    }
}
