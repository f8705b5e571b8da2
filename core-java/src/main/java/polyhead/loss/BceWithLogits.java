package polyhead.loss;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Binary cross-entropy on logits, fused and stable, with optional positive-class weights. See
 * {@link Losses#bceWithLogits(Reduction, float[])}.
 *
 * @param posWeight null, or one weight per label (the prediction's last dimension), or one for every label
 */
record BceWithLogits(Reduction reduction, float[] posWeight) implements Loss {
    static final String NAME = "bceWithLogits";

    BceWithLogits {
        Objects.requireNonNull(reduction, "reduction");
        posWeight = posWeight == null ? null : ClassWeights.check(NAME, "posWeight", posWeight);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = Loss.super.settings();
        if (posWeight != null) {
            m.put("posWeight", ClassWeights.list(posWeight));
        }
        return m;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Losses.labelTypes(NAME);
    }

    @Override
    public String outputFault(int[] output) {
        int labels = output.length == 0 ? 1 : output[output.length - 1];
        return posWeight == null || posWeight.length == 1 || posWeight.length == labels ? null
                : posWeight.length + " positive weights, but the head outputs " + labels + " labels (one per label, or "
                + "one for all)";
    }

    @Override
    public float[] posWeight() {
        return posWeight == null ? null : posWeight.clone();
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask) {
        return apply(logits, targets, mask, null);
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask, Tensor sampleWeights) {
        if (posWeight == null) {
            return Pointwise.apply(NAME, reduction, "logits", logits, targets, mask, sampleWeights,
                    // −y·log σ(x) − (1−y)·log(1−σ(x)), written so that no exponential can overflow
                    (x, y) -> Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
                    (x, y) -> sigmoid(x) - y);
        }
        int rank = logits.shape().rank();
        int labels = rank < 2 ? 1 : logits.shape().dim(rank - 1);
        if (posWeight.length != 1 && posWeight.length != labels) {
            throw new ShapeException(NAME + ": posWeight has " + posWeight.length + " values, but logits "
                    + logits.shape() + " have " + labels + " label(s) per sample (give one per label, or one for all)");
        }
        float[] p = posWeight;
        return Pointwise.apply(NAME, reduction, "logits", logits, targets, mask, sampleWeights,
                // PyTorch's form: −p·y·log σ(x) − (1−y)·log(1−σ(x)) = (1−y)·x + (1 + (p−1)·y)·(log(1 + e^{−|x|}) + max(−x, 0))
                (x, y, e) -> (1 - y) * x + (1 + (weight(p, e, labels) - 1) * y)
                        * (Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0)),
                (x, y, e) -> (1 - y) * sigmoid(x) - weight(p, e, labels) * y * sigmoid(-x));
    }

    /** The positive weight of element {@code e}: its label's, along the last dimension. */
    private static double weight(float[] p, int e, int labels) {
        return p.length == 1 ? p[0] : p[e % labels];
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BceWithLogits b && b.reduction == reduction && Arrays.equals(b.posWeight, posWeight);
    }

    @Override
    public int hashCode() {
        return 31 * reduction.hashCode() + Arrays.hashCode(posWeight);
    }

    @Override
    public String toString() {
        return "BceWithLogits[reduction=" + reduction + ", posWeight=" + Arrays.toString(posWeight) + "]";
    }
}
