/**
 * Multi-Fashion with MultiLeNet: single-task baselines against one shared model under each weighting strategy, built
 * on the core's weightings and {@link polyhead.datasets.MultiFashion}.
 */
package polyhead.samples.multifashion;
