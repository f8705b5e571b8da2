/**
 * Training: {@link polyhead.train.Trainer} (fit, evaluate, predict) runs the steps of any architecture with any
 * weighting and any optimizer, and its listeners record the history, show progress, stop early, keep an EMA of the
 * weights and write checkpoints; also the per-task gradient diagnostics. Builds on every package below it: {@code
 * mtl}, {@code optim}, {@code metrics}, {@code data}, {@code nn}, {@code autodiff}, {@code tensor} and {@code
 * checkpoint}.
 */
package polyhead.train;
