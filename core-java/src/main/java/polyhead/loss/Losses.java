package polyhead.loss;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

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
     * [N, d1, …, dk]; {@link Reduction#MEAN} divides by (labelled samples)·d1·…·dk. Class weights: see
     * {@link #crossEntropy(float, Reduction, float[])}; {@code ignore_index} is not supported (a mask marks missing
     * labels).
     *
     * <p>Per token of padded sequences: logits [N, T, C] (classes last, a head applied at every step) with targets
     * [N, T] and a mask [N, T] of the targets' shape (0 at padding and missing labels) — the mask's shape is what
     * tells this form from the per-pixel one. The loss is then that of the tokens laid end to end (logits [N·T, C],
     * targets and mask [N·T], a sample weight repeated over its sequence's tokens), so {@link Reduction#MEAN} is the
     * mean over the labelled tokens of the batch, PyTorch's {@code cross_entropy(logits.reshape(-1, C),
     * target.reshape(-1), ignore_index=i)} with the padding labelled {@code i} (with class weights, Σ ℓ / Σ w_y over
     * the labelled tokens), and {@link Reduction#NONE} gives [N, T] (0 at masked tokens).
     *
     * @param labelSmoothing ε in [0, 1]
     * @throws IllegalArgumentException if ε is outside [0, 1]
     */
    public static Loss crossEntropy(float labelSmoothing, Reduction reduction) {
        return new CrossEntropy(labelSmoothing, reduction, null);
    }

    /**
     * {@link #crossEntropy(float, Reduction)} with class weights w, PyTorch's {@code cross_entropy(weight=w)}: per
     * position ℓ = (1−ε)·w_y·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c), and {@link Reduction#MEAN} is PyTorch's weighted
     * mean, Σ ℓ / Σ w_y over the labelled positions (0, not NaN, when that sum is 0). Masks and sample weights
     * combine with it as {@link Loss#apply(polyhead.autodiff.Var, Tensor, Tensor, Tensor)} says: a masked sample is
     * left out of both sums; a sample weight multiplies the sample's ℓ but not its w_y in the divisor.
     *
     * @param classWeights one finite weight &gt;= 0 per class (a copy is kept); null for none
     * @throws IllegalArgumentException if a weight is negative or not finite, or there are none
     */
    public static Loss crossEntropy(float labelSmoothing, Reduction reduction, float[] classWeights) {
        return new CrossEntropy(labelSmoothing, reduction, classWeights);
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
     * For {@code pos_weight} see {@link #bceWithLogits(Reduction, float[])}; {@code weight} is not supported (sample
     * weights are {@link Loss#apply(polyhead.autodiff.Var, Tensor, Tensor, Tensor)}'s).
     */
    public static Loss bceWithLogits(Reduction reduction) {
        return new BceWithLogits(reduction, null);
    }

    /**
     * BCE with logits weighting each label's positive class by p, PyTorch's
     * {@code binary_cross_entropy_with_logits(pos_weight=p)}: ℓ = −p·y·log σ(x) − (1−y)·log(1−σ(x)),
     * ∂ℓ/∂x = (1−y)·σ(x) − p·y·σ(−x); the mean divides by the element count as without p.
     *
     * @param posWeight one finite weight &gt;= 0 per label (the prediction's last dimension), or one for every label
     *                  (a copy is kept); null for none
     * @throws IllegalArgumentException if a weight is negative or not finite, or there are none
     */
    public static Loss bceWithLogits(Reduction reduction, float[] posWeight) {
        return new BceWithLogits(reduction, posWeight);
    }

    /**
     * The labels the built-in loss named {@code name} ({@link Loss#name()}) fits — the one statement of which loss
     * fits which labels; every label type for a name that is not a built-in loss.
     */
    public static Set<LabelType> labelTypes(String name) {
        Set<LabelType> fits = LABEL_TYPES.get(name);
        return fits != null ? fits : EnumSet.allOf(LabelType.class);
    }

    /** The built-in losses' names, in the order messages list them. */
    public static List<String> names() {
        return List.copyOf(LABEL_TYPES.keySet());
    }

    private static final Map<String, Set<LabelType>> LABEL_TYPES = labelTable();

    private static Map<String, Set<LabelType>> labelTable() {
        Map<String, Set<LabelType>> m = new LinkedHashMap<>();
        m.put(CrossEntropy.NAME, Collections.unmodifiableSet(EnumSet.of(LabelType.CLASS_INDEX, LabelType.PIXEL_CLASS_MAP,
                LabelType.TOKEN_CLASS)));
        m.put(BceWithLogits.NAME, Collections.unmodifiableSet(EnumSet.of(LabelType.BINARY)));
        m.put(Mse.NAME, Collections.unmodifiableSet(EnumSet.of(LabelType.REAL_VECTOR)));
        m.put(Mae.NAME, Collections.unmodifiableSet(EnumSet.of(LabelType.REAL_VECTOR)));
        m.put(Huber.NAME, Collections.unmodifiableSet(EnumSet.of(LabelType.REAL_VECTOR)));
        return Collections.unmodifiableMap(m);
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
