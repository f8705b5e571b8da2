/**
 * Training: {@link polyhead.train.Trainer} (fit, evaluate, predict) runs the steps of any architecture with any
 * weighting and any optimizer, and its listeners record the history, show progress, stop early, keep an EMA of the
 * weights and write checkpoints, and through their {@link polyhead.train.TrainingControl} stop the run and set the
 * learning rate ({@link polyhead.train.TrainingListeners} makes such listeners from lambdas);
 * {@link polyhead.train.Trainer#lossesAndGradients} gives one batch's losses and gradients without a step; early stopping's state is an {@code EarlyStoppingTracker} of its own, and
 * {@link polyhead.train.History#higherIsBetter} the one answer to which way a monitored value is better; also the
 * per-task gradient diagnostics; a {@link polyhead.train.GradientExchange} makes a trainer one replica of a
 * data-parallel run (the replicated step sums what the weighting needs over the replicas); a Gram-determined
 * weighting over the shared parameters is served by the one-pass step ({@code LayerwiseGram}). Builds on every package below it: {@code mtl}, {@code optim}, {@code metrics},
 * {@code data}, {@code nn}, {@code autodiff}, {@code tensor} and {@code checkpoint}.
 */
package polyhead.train;
