/**
 * Reverse-mode automatic differentiation: {@link polyhead.autodiff.Var} holds a value, its gradient, its parents
 * and a local backward rule; {@code backward()} sorts the graph iteratively (no recursion, so deep graphs do not
 * overflow the stack) and accumulates gradients for fan-out. {@link polyhead.autodiff.GradMode} turns recording
 * off; {@link polyhead.autodiff.GradCheck} checks any backward rule against central differences;
 * {@link polyhead.autodiff.DeferredWeightGradients} lets a caller take over fully connected weight gradients. Builds on {@code
 * tensor}; the differentiable primitives live in {@code autodiff.ops}, which {@code Var}'s methods call (the one
 * permitted cycle between packages).
 */
package polyhead.autodiff;
