package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The Gram-matrix side of {@link GramDeterminedWeighting}: faults in a {@link TaskGram} are one line naming the
 * entry, and PCGrad's projections on coefficient vectors give the projections of the rows written out here.
 */
class TaskGramTest {
    @Test
    void aNonFiniteEntryIsNamed() {
        TaskGram g = new TaskGram(List.of("a", "b"), new double[][] {{1, Double.NaN}, {Double.NaN, 2}},
                new double[] {1, 1});
        assertEquals("mgda: Gram matrix entry (a, b) is not finite (NaN)", assertThrows(
                IllegalArgumentException.class, () -> Weightings.mgda().combineGram(g, null)).getMessage());
    }

    @Test
    void aRaggedMatrixIsRefused() {
        assertEquals("task Gram matrix: row 1 (b) has 1 entries for 2 tasks", assertThrows(
                IllegalArgumentException.class, () -> new TaskGram(List.of("a", "b"),
                        new double[][] {{1, 0}, {0}}, new double[] {1, 1})).getMessage());
    }

    @Test
    void aTaskTwiceIsRefused() {
        TaskGram g = new TaskGram(List.of("a", "a"), new double[][] {{1, 0}, {0, 1}}, new double[] {1, 1});
        assertEquals("pcGrad: task 'a' appears twice", assertThrows(IllegalArgumentException.class,
                () -> Weightings.pcGrad().combineGram(g, null)).getMessage());
    }

    /** Four conflicting rows, each task's partners in a fixed order; the projections done on the rows in double. */
    @Test
    void pcGradCoefficientsAreTheRowProjections() {
        Random rng = new Random(3);
        int tasks = 4;
        int p = 7;
        double[][] g = new double[tasks][p];
        float[][] rows = new float[tasks][p];
        for (int t = 0; t < tasks; t++) {
            for (int k = 0; k < p; k++) {
                rows[t][k] = (float) rng.nextGaussian();
                g[t][k] = rows[t][k];
            }
        }
        double[] expected = new double[p];
        for (int i = 0; i < tasks; i++) {
            double[] v = g[i].clone();
            for (int j : order(i, tasks)) {
                double dot = 0;
                double nn = 0;
                for (int k = 0; k < p; k++) {
                    dot += v[k] * g[j][k];
                    nn += g[j][k] * g[j][k];
                }
                if (dot < 0) {
                    for (int k = 0; k < p; k++) {
                        v[k] -= dot / nn * g[j][k];
                    }
                }
            }
            for (int k = 0; k < p; k++) {
                expected[k] += v[k];
            }
        }
        // the partners' order: that of PcGrad's draw from ctx.rng() = Random(9), task by task ({@link #order})
        Combination c = Weightings.pcGrad().combine(new TaskGradients(List.of("a", "b", "c", "d"), rows,
                new double[tasks]), new WeightingContext(0, 0, new Random(9)));
        for (int k = 0; k < p; k++) {
            assertEquals(expected[k], c.shared()[k], 1e-5, "element " + k);
        }
    }

    private static int[][] replay;

    /** Task i's partners in the order PcGrad draws from Random(9), drawn for all tasks in turn once. */
    private static int[] order(int i, int tasks) {
        if (replay == null) {
            Random draw = new Random(9);
            replay = new int[tasks][];
            for (int t = 0; t < tasks; t++) {
                replay[t] = PcGrad.otherTasksShuffled(t, tasks, draw);
            }
        }
        return replay[i];
    }
}
