package polyhead.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.nn.Module;

/** A layer whose built module is frozen ({@link Layer#trainable(boolean) trainable(false)}); all else is the layer's. */
record FrozenLayer(Layer layer) implements Layer {
    /** The layer under any number of freezes. */
    static Layer base(Layer l) {
        return l instanceof FrozenLayer f ? base(f.layer()) : l;
    }

    @Override
    public String type() {
        return layer.type();
    }

    @Override
    public int[] outputShape(int[] input) {
        return layer.outputShape(input);
    }

    @Override
    public long weightElements(int[] input) {
        return layer.weightElements(input);
    }

    @Override
    public Module create(int[] input, Random rng) {
        return layer.create(input, rng).trainable(false);
    }

    /** The layer's settings with {@code "trainable": false}, as the JSON spec writes a frozen layer. */
    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = layer.settings();
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>(s);
        m.put("trainable", false);
        return m;
    }

    @Override
    public boolean takesSequences() {
        return layer.takesSequences();
    }

    @Override
    public boolean isActivation() {
        return layer.isActivation();
    }

    @Override
    public boolean trainable() {
        return false;
    }

    @Override
    public Layer trainable(boolean on) {
        return on ? layer : this;
    }

    @Override
    public String toString() {
        return layer + ".trainable(false)";
    }
}
