package polyhead.loss;

/**
 * The loss functions. Each matches the PyTorch function named in its documentation, for the given reduction;
 * masks ({@link Loss#apply(polyhead.autodiff.Var, polyhead.tensor.Tensor, polyhead.tensor.Tensor)}) add missing
 * labels, which PyTorch does not have: masked samples are left out of the loss, of the gradient and of the count
 * that {@link Reduction#MEAN} divides by.
 *
 * <p>Every loss is a fused primitive: one graph node whose backward rule is the closed-form gradient, evaluated in
 * double and rounded once to float.
 */
public final class Losses {
    /** The reduction of every factory that takes none: {@link Reduction#MEAN}, as in PyTorch. */
    public static final Reduction DEFAULT_REDUCTION = Reduction.MEAN;
    /** No label smoothing, as in PyTorch. */
    public static final float DEFAULT_LABEL_SMOOTHING = 0f;
    /** The Huber threshold δ = 1, as in PyTorch's {@code HuberLoss}. */
    public static final float DEFAULT_HUBER_DELTA = 1f;

    private Losses() {
    }

    /** Cross-entropy with the default label smoothing and reduction. */
    public static Loss crossEntropy() {
        return crossEntropy(DEFAULT_LABEL_SMOOTHING, DEFAULT_REDUCTION);
    }

    /** Cross-entropy with the default label smoothing. */
    public static Loss crossEntropy(Reduction reduction) {
        return crossEntropy(DEFAULT_LABEL_SMOOTHING, reduction);
    }

    /**
     * Softmax cross-entropy on class indices, PyTorch's {@code cross_entropy(logits, target,
     * label_smoothing=ε)}. Logits are [N, C] with targets [N], or [N, C, d1, …, dk] with targets [N, d1, …, dk]
     * (per pixel); targets are floats holding class indices, which must be integral and in [0, C) for every
     * labelled sample. Per position, with p = softmax(logits) over C and y the target class:
     * <pre>
     * ℓ = (1−ε)·(−log p_y) + (ε/C)·Σ_c (−log p_c)        ∂ℓ/∂logit_c = p_c − (1−ε)·[c = y] − ε/C
     * </pre>
     * evaluated through log-sum-exp, so finite for any finite logits. {@link Reduction#NONE} gives [N] or
     * [N, d1, …, dk]; {@link Reduction#MEAN} divides by (labelled samples)·d1·…·dk. Class weights and
     * {@code ignore_index} are not supported (a mask marks missing labels).
     *
     * @param labelSmoothing ε in [0, 1]
     * @throws IllegalArgumentException if ε is outside [0, 1]
     */
    public static Loss crossEntropy(float labelSmoothing, Reduction reduction) {
        return new CrossEntropy(labelSmoothing, reduction);
    }

    /** BCE with logits with the default reduction. */
    public static Loss bceWithLogits() {
        return bceWithLogits(DEFAULT_REDUCTION);
    }

    /**
     * Binary cross-entropy on logits, PyTorch's {@code binary_cross_entropy_with_logits}: logits and targets of
     * equal shape, targets usually 0 or 1 (any real is accepted, as in PyTorch). Per element, in the form that
     * cannot overflow:
     * <pre>
     * ℓ = −y·log σ(x) − (1−y)·log(1−σ(x)) = max(x, 0) − x·y + log(1 + e^{−|x|})        ∂ℓ/∂x = σ(x) − y
     * </pre>
     * {@code weight} and {@code pos_weight} are not supported.
     */
    public static Loss bceWithLogits(Reduction reduction) {
        return new BceWithLogits(reduction);
    }

    /** MSE with the default reduction. */
    public static Loss mse() {
        return mse(DEFAULT_REDUCTION);
    }

    /**
     * Squared error, PyTorch's {@code mse_loss}: ℓ = (x − y)², ∂ℓ/∂x = 2(x − y), for predictions and targets of
     * equal shape (PyTorch would broadcast different shapes with a warning; here they are an error).
     */
    public static Loss mse(Reduction reduction) {
        return new Mse(reduction);
    }

    /** MAE with the default reduction. */
    public static Loss mae() {
        return mae(DEFAULT_REDUCTION);
    }

    /**
     * Absolute error, PyTorch's {@code l1_loss}: ℓ = |x − y|, ∂ℓ/∂x = sign(x − y) with sign(0) = 0, for
     * predictions and targets of equal shape.
     */
    public static Loss mae(Reduction reduction) {
        return new Mae(reduction);
    }

    /** Huber loss with the default δ and reduction. */
    public static Loss huber() {
        return huber(DEFAULT_HUBER_DELTA, DEFAULT_REDUCTION);
    }

    /**
     * Huber loss, PyTorch's {@code huber_loss(delta=δ)} (not {@code smooth_l1_loss}, which divides by δ). With
     * d = x − y, for predictions and targets of equal shape:
     * <pre>
     * ℓ = ½d²              if |d| &lt; δ        ∂ℓ/∂x = d
     *     δ·(|d| − ½δ)     otherwise         ∂ℓ/∂x = δ·sign(d)
     * </pre>
     *
     * @param delta δ &gt; 0
     * @throws IllegalArgumentException if δ is not positive
     */
    public static Loss huber(float delta, Reduction reduction) {
        return new Huber(delta, reduction);
    }
}
