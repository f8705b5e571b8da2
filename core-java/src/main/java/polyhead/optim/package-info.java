/**
 * Optimizers as composable gradient transformations (after optax): a {@link polyhead.optim.GradientTransformation}
 * is {@code init} + {@code update} over named parameters with immutable state; small blocks ({@code scaleByAdam},
 * {@code trace}, {@code addDecayedWeights}, {@code clipByGlobalNorm}, {@code scaleByLearningRate}, ...) are
 * combined by {@code chain} and {@code partition}, and the finished optimizers of {@link polyhead.optim.Optimizers}
 * are such chains with PyTorch's defaults, each with a settings record (the one place its defaults are stated) and
 * listed once in {@link polyhead.optim.OptimizerCatalogue}, the table that callers knowing optimizers by name (the
 * experiment builder, the DSL's compiler) work from. {@link polyhead.optim.Optimizer} is the thin stateful class
 * that applies one to a model's parameters over a flat buffer; also EMA of weights. Builds on {@code tensor},
 * {@code autodiff} and {@code optim.schedule}.
 */
package polyhead.optim;
