package polyhead.autodiff;

import polyhead.tensor.Tensor;

/**
 * The local backward rule of one operation: given the gradient of the root with respect to the operation's output,
 * it adds the vector-Jacobian product into each parent that {@link Var#requiresGrad() requires a gradient}, with
 * {@link Var#addGrad(Tensor)}. It must not modify {@code gradOutput}.
 */
@FunctionalInterface
public interface Backward {
    void propagate(Tensor gradOutput);
}
