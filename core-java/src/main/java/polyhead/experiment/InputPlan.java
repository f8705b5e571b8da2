package polyhead.experiment;

import java.util.List;
import java.util.Objects;

/**
 * One named input of a multi-input {@link ExperimentBuilder}, immutable: its per-sample shape and its own trunk (the
 * branch that reads it). The branches' outputs are flattened and concatenated, in the order the inputs are declared,
 * before the shared trunk:
 *
 * <pre>{@code
 * .input(InputPlan.named("image").shape(1, 28, 28).trunk(Layers.conv2d(8, 5), Layers.relu(), Layers.flatten()))
 * .input(InputPlan.named("features").shape(10).trunk(Layers.dense(16), Layers.relu()))
 * .trunk(Layers.dense(64), Layers.relu())     // on [8·24·24 + 16]
 * }</pre>
 *
 * <p>Data carries the inputs packed side by side in one row per sample ({@link polyhead.data.InputLayout}, see
 * {@link #layout}). Defaults: no branch layers (the input, flattened, goes to the concatenation as it is); the shape
 * has none.
 */
public record InputPlan(String name, int[] shape, List<Layer> trunk) {
    public InputPlan {
        Objects.requireNonNull(name, "input name");
        shape = shape.clone();
        trunk = List.copyOf(trunk);
    }

    public static InputPlan named(String name) {
        return new InputPlan(name, new int[0], List.of());
    }

    /** The shape of one sample of this input, without the batch dimension. */
    public InputPlan shape(int... dims) {
        return new InputPlan(name, dims, trunk);
    }

    public InputPlan trunk(Layer... layers) {
        return trunk(List.of(layers));
    }

    /** The branch that reads this input; frozen layers ({@link Layers#frozen}) as anywhere. */
    public InputPlan trunk(List<Layer> layers) {
        return new InputPlan(name, shape, layers);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The packing of {@code inputs}' data, in their order. */
    public static polyhead.data.InputLayout layout(List<InputPlan> inputs) {
        java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        inputs.forEach(i -> shapes.put(i.name(), i.shape()));
        return polyhead.data.InputLayout.of(shapes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputPlan p && name.equals(p.name) && java.util.Arrays.equals(shape, p.shape)
                && trunk.equals(p.trunk);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, java.util.Arrays.hashCode(shape), trunk);
    }
}
