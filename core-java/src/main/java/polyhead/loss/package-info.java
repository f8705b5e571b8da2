/**
 * Losses: a {@link polyhead.loss.Loss} maps a prediction, a target and an optional mask of present labels to a
 * scalar {@code Var} (cross-entropy over classes or pixels, binary cross-entropy with logits, MSE, MAE, Huber),
 * with the reductions that skip missing labels. Builds on {@code tensor} and {@code autodiff}.
 */
package polyhead.loss;
