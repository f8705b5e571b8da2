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
 * one label per task (NaN where it is missing). What a replica's shard and the validation data travel as.
 */
final class SampleTable implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int width;
    private final List<String> tasks;
    private final float[][] rows;

    SampleTable(int width, List<String> tasks, List<float[]> rows) {
        this.width = width;
        this.tasks = List.copyOf(tasks);
        this.rows = rows.toArray(new float[0][]);
    }

    int size() {
        return rows.length;
    }

    /**
     * The samples as a dataset with inputs of shape [N, ...input] ({@code input} holds {@code width} values); a
     * missing label has mask 0 and target 0.
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
        for (int t = 0; t < tasks.size(); t++) {
            float[] y = new float[n];
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                float v = rows[i][width + t];
                if (!Float.isNaN(v)) {
                    y[i] = v;
                    m[i] = 1;
                }
            }
            targets.put(tasks.get(t), Tensor.wrap(Shape.of(n), y));
            masks.put(tasks.get(t), Tensor.wrap(Shape.of(n), m));
        }
        return Dataset.of(Tensor.wrap(Shape.of(dims), x), targets, masks);
    }
}
