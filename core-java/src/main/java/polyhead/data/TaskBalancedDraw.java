package polyhead.data;

import java.util.List;
import java.util.Random;

/**
 * The rows of one task-balanced epoch ({@link Batching#taskBalanced}), computed from which rows are labelled for which
 * task alone: N rows drawn with replacement, row i with probability proportional to w_i = Σ_{t labelled in i} 1/n_t
 * (n_t = rows labelled for t), so that every task contributes about the same number of labels per epoch; rows with
 * no label are never drawn. Kept apart from the data so that a data-parallel replica, which holds only its shard of
 * the rows but knows every row's labels, draws the same rows one process draws from the same generator.
 */
public final class TaskBalancedDraw {
    private final double[] cumulative;
    private final double total;

    /**
     * @param masks one mask per task, in the data's task order, each [N] with 1 where the row is labelled
     * @throws IllegalArgumentException if no row has a label ({@code what} names the data in the message)
     */
    public TaskBalancedDraw(List<float[]> masks, int rows, String what) {
        int[] counts = new int[masks.size()];
        for (int t = 0; t < counts.length; t++) {
            float[] m = masks.get(t);
            if (m.length != rows) {
                throw new IllegalArgumentException("task-balanced sampling: mask " + t + " has " + m.length
                        + " rows, the data " + rows);
            }
            for (float v : m) {
                counts[t] += v != 0 ? 1 : 0;
            }
        }
        cumulative = new double[rows];
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double w = 0;
            for (int t = 0; t < counts.length; t++) {
                if (masks.get(t)[i] != 0) {
                    w += 1.0 / counts[t];
                }
            }
            sum += w;
            cumulative[i] = sum;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("task-balanced sampling: no row of " + what + " has a label");
        }
        total = sum;
    }

    /** The draw over {@code data}'s masks. */
    public static TaskBalancedDraw of(Dataset data) {
        return new TaskBalancedDraw(data.tasks().stream().map(t -> data.mask(t).data()).toList(), data.size(),
                data.toString());
    }

    /** N, the rows of the data and of each epoch's draw. */
    public int rows() {
        return cumulative.length;
    }

    /** One epoch's N row indices, in draw order, each from one {@code rng.nextDouble()}. */
    public int[] draw(Random rng) {
        int[] idx = new int[cumulative.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = firstAbove(cumulative, rng.nextDouble() * total);
        }
        return idx;
    }

    /** The first index whose cumulative weight exceeds u (rows of weight 0 are never chosen). */
    private static int firstAbove(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
