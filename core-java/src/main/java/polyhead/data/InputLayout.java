package polyhead.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * The named inputs of a multi-input model and their per-sample shapes, in order; packs one tensor per input
 * ({@code [N, shape…]}) into the one input row per sample that datasets, batches and models carry ({@code [N, Σ
 * size]}, the inputs side by side in this order), which {@code polyhead.nn.MultiInput} splits again at the front of
 * the model.
 *
 * <pre>{@code
 * InputLayout layout = InputLayout.of(Map.of("image", new int[] {1, 28, 28})).with("features", 10);
 * Dataset data = Dataset.of(layout.pack(Map.of("image", images, "features", table)), targets);
 * }</pre>
 */
public final class InputLayout {
    private final Map<String, int[]> shapes;

    private InputLayout(Map<String, int[]> shapes) {
        this.shapes = shapes;
    }

    /** The inputs of {@code shapes}, in its iteration order (use a {@link LinkedHashMap} or {@link #with}). */
    public static InputLayout of(Map<String, int[]> shapes) {
        InputLayout l = new InputLayout(new LinkedHashMap<>());
        shapes.forEach((name, shape) -> l.shapes.put(name, shape.clone()));
        return l;
    }

    /** This layout with one more input, last. */
    public InputLayout with(String name, int... shape) {
        Map<String, int[]> s = new LinkedHashMap<>(shapes);
        s.put(name, shape.clone());
        return new InputLayout(s);
    }

    public List<String> names() {
        return List.copyOf(shapes.keySet());
    }

    /** Each input's per-sample shape (copies), in order. */
    public Map<String, int[]> shapes() {
        Map<String, int[]> s = new LinkedHashMap<>();
        shapes.forEach((k, v) -> s.put(k, v.clone()));
        return Collections.unmodifiableMap(s);
    }

    /** The elements of one sample's input of {@code name}. */
    public int size(String name) {
        return Arrays.stream(shapes.get(name)).reduce(1, Math::multiplyExact);
    }

    /** The packed row's width: the sum of the inputs' sizes. */
    public int width() {
        return shapes.keySet().stream().mapToInt(this::size).sum();
    }

    /**
     * One row per sample with every input's values side by side, in this layout's order.
     *
     * @throws IllegalArgumentException naming the input at fault: missing, unknown, a shape that is not
     *                                  {@code [N, shape…]} (both shapes), or sample counts that differ
     */
    public Tensor pack(Map<String, Tensor> inputs) {
        for (String name : inputs.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("input '" + name + "': the model has no such input; its inputs are "
                        + names());
            }
        }
        int n = -1;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            Tensor t = inputs.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' is missing; the model's inputs are "
                        + names());
            }
            int[] dims = t.shape().dims();
            int[] expected = e.getValue();
            boolean fits = dims.length == expected.length + 1
                    && Arrays.equals(Arrays.copyOfRange(dims, 1, dims.length), expected);
            if (!fits) {
                throw new IllegalArgumentException("input '" + e.getKey() + "': shape " + t.shape() + " is not [N, "
                        + Arrays.toString(expected).replaceAll("[\\[\\]]", "") + "]");
            }
            if (n >= 0 && dims[0] != n) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' has " + dims[0] + " samples, the "
                        + "inputs before it " + n);
            }
            n = dims[0];
        }
        int width = width();
        float[] out = new float[n * width];
        int offset = 0;
        for (String name : shapes.keySet()) {
            int size = size(name);
            float[] src = inputs.get(name).data();
            for (int i = 0; i < n; i++) {
                System.arraycopy(src, i * size, out, i * width + offset, size);
            }
            offset += size;
        }
        return Tensor.of(out, n, width);
    }

    @Override
    public String toString() {
        Map<String, String> d = new LinkedHashMap<>();
        shapes.forEach((k, v) -> d.put(k, Arrays.toString(v)));
        return d.toString();
    }
}
