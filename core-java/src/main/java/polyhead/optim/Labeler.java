package polyhead.optim;

import polyhead.tensor.Shape;

/**
 * Gives each parameter the label of its group for {@link Transforms#partition}, from its dotted name and shape. For
 * example, no weight decay on biases and norm scales (rank ≤ 1):
 * {@code (name, shape) -> shape.rank() <= 1 ? "noDecay" : "decay"}; trunk and heads:
 * {@code (name, shape) -> name.startsWith("trunk.") ? "trunk" : "heads"}.
 */
@FunctionalInterface
public interface Labeler {
    String label(String name, Shape shape);
}
