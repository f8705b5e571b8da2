package polyhead.train;

/**
 * Where a gradient-level weighting reads the task gradients: the shared parameters' gradients (exact, one row of
 * the size of all shared parameters) or the gradients of the shared representation, the trunk's output (cheaper:
 * the per-task backward passes stop at the representation; Sener &amp; Koltun's MGDA-UB, 2018, Sec. 3.3).
 */
public enum GradientSource {
    PARAMETERS,
    REPRESENTATION
}
