package polyhead.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.Dataset;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Samples read from a DataFrame ({@link FrameLayout#read}), in row order: each row's {@code width} features, then
 * each task's label values (NaN where the label is missing). What a replica's shard and the validation data travel
 * as; made by {@link FrameLayout#table}.
 */
final class SampleTable implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int width;
    private final List<String> tasks;
    private final int[] labelSizes;
    private final float[][] rows;

    /** @param labelSizes each task's values per label, in task order */
    SampleTable(int width, List<String> tasks, int[] labelSizes, List<float[]> rows) {
        this.width = width;
        this.tasks = List.copyOf(tasks);
        this.labelSizes = labelSizes.clone();
        this.rows = rows.toArray(new float[0][]);
    }

    int size() {
        return rows.length;
    }

    /**
     * The samples as a dataset with inputs of shape [N, ...input] ({@code input} holds {@code width} values) and
     * each task's targets [N] (one value per label) or [N, K] (K values); a missing label has mask 0 and target 0.
     */
    Dataset dataset(int[] input) {
        int n = rows.length;
        float[] x = new float[n * width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, x, i * width, width);
        }
        int[] dims = new int[input.length + 1];
        dims[0] = n;
        System.arraycopy(input, 0, dims, 1, input.length);
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        int at = width;
        for (int t = 0; t < tasks.size(); t++) {
            int k = labelSizes[t];
            float[] y = new float[n * k];
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                if (!Float.isNaN(rows[i][at])) {
                    System.arraycopy(rows[i], at, y, i * k, k);
                    m[i] = 1;
                }
            }
            targets.put(tasks.get(t), Tensor.wrap(k == 1 ? Shape.of(n) : Shape.of(n, k), y));
            masks.put(tasks.get(t), Tensor.wrap(Shape.of(n), m));
            at += k;
        }
        return Dataset.of(Tensor.wrap(Shape.of(dims), x), targets, masks);
    }
}
