/**
 * Evaluation metrics over whole data sets, accumulated batch by batch: accuracy, top-k, F1 (macro, micro,
 * weighted), AUC, MSE, MAE, R², pixel accuracy and mean IoU, a confusion matrix, and Δm, the mean relative change
 * against single-task baselines. Each metric says whether higher is better; {@code MetricTable} prints results as an
 * aligned text table. Builds on {@code tensor} and {@code data}.
 */
package polyhead.metrics;
