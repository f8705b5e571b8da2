/**
 * Multi-task learning's vocabulary: {@link polyhead.mtl.Task} (name, head, loss, weight, label type, metrics). The
 * two orthogonal axes live below it: {@code mtl.arch} (what is shared) and {@code mtl.weighting} (how the tasks'
 * losses or gradients are combined). Builds on {@code nn}, {@code loss}, {@code metrics} and {@code data}.
 */
package polyhead.mtl;
