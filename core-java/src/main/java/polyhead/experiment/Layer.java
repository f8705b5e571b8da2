package polyhead.experiment;

import java.util.Map;
import java.util.Random;

import polyhead.nn.Module;

/**
 * One layer of a trunk or head, described before it is built: shapes are per sample (no batch dimension) and are
 * inferred from the experiment's input, so a layer states only what it adds (a dense layer its units, not its input
 * features). Made by {@link Layers}; built by {@link ExperimentBuilder#build()}.
 */
public interface Layer {
    /** The type name, as error messages and {@code toString} show it: {@code dense}, {@code conv2d}, … */
    String type();

    /**
     * The per-sample output shape for per-sample input {@code input}.
     *
     * @throws IllegalArgumentException naming the layer and both shapes if it cannot take {@code input} (a
     *                                  {@link LayerFault} naming the setting at fault, for the layers of
     *                                  {@link Layers})
     */
    int[] outputShape(int[] input);

    /**
     * The elements of the layer's weight on per-sample input {@code input} (0 for a layer without one), so that a
     * weight no tensor can hold is reported before it is allocated; past {@link ModelChecks#MAX_ELEMENTS} any value
     * above it.
     */
    default long weightElements(int[] input) {
        return 0;
    }

    /**
     * The core module for per-sample input {@code input}, drawing its parameters (and a dropout layer its seed) from
     * {@code rng}.
     */
    Module create(int[] input, Random rng);

    /**
     * The layer as JSON-ready values: {@code type} and the settings that decide its shapes and computation, named as
     * in the JSON spec ({@code {"type": "dense", "units": 10, "bias": true}}); initializers are left out (a saved
     * model's weights replace them). What {@link ModelDescription} records so that a checkpoint's model can be
     * rebuilt without the code that built it; null (the default, for layers written outside {@link Layers}) if the
     * layer cannot be described.
     */
    default Map<String, Object> settings() {
        return null;
    }

    /**
     * Whether training changes the layer's parameters; {@code false} for a layer made by {@link #trainable(boolean)
     * trainable(false)} (fine-tuning: its parameters get no gradient, no update and no optimizer state, see
     * {@link polyhead.nn.Module#trainable(boolean)}).
     */
    default boolean trainable() {
        return true;
    }

    /**
     * This layer, frozen ({@code false}) or trainable ({@code true}, the default of every layer). A frozen layer
     * without parameters (an activation) is the layer as it was. {@link Layers#frozen} freezes a whole trunk or head.
     */
    default Layer trainable(boolean on) {
        return on ? this : new FrozenLayer(this);
    }

    /**
     * Whether the layer takes a sequence: token ids [{@link Layers#TIME T}] or features [T, F] whose length T varies
     * from batch to batch (the sequence layers, an embedding of ids, and the layers applied at every step: dense,
     * activations, dropout, layer norm). False (the default) for a layer that needs a fixed shape; shape inference
     * refuses it on a sequence.
     */
    default boolean takesSequences() {
        return false;
    }

    /** Whether this is an activation (where a cross-stitch unit goes by default). */
    default boolean isActivation() {
        return false;
    }
}
