package polyhead.loss;

import java.util.Objects;
import java.util.function.DoubleBinaryOperator;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * The shared body of the element-wise losses (BCE with logits, MSE, MAE, Huber): prediction and target of equal
 * shape, a loss ℓ(x, y) per element and its derivative ∂ℓ/∂x, fused into one graph node.
 */
final class Pointwise {
    private Pointwise() {
    }

    /** ℓ(x, y) or ∂ℓ/∂x (x, y) of element {@code e} of the prediction (for rules that vary along a dimension). */
    @FunctionalInterface
    interface ElementRule {
        double at(double x, double y, int e);
    }

    /**
     * @param predictionName how messages call the prediction ("logits", "predictions")
     * @param loss           ℓ(x, y), evaluated in double
     * @param derivative     ∂ℓ/∂x (x, y)
     */
    static Var apply(String name, Reduction reduction, String predictionName, Var prediction, Tensor target,
            Tensor mask, Tensor sampleWeights, DoubleBinaryOperator loss, DoubleBinaryOperator derivative) {
        return apply(name, reduction, predictionName, prediction, target, mask, sampleWeights,
                (x, y, e) -> loss.applyAsDouble(x, y), (x, y, e) -> derivative.applyAsDouble(x, y));
    }

    /** As above, with rules that also see the element's flat index. */
    static Var apply(String name, Reduction reduction, String predictionName, Var prediction, Tensor target,
            Tensor mask, Tensor sampleWeights, ElementRule loss, ElementRule derivative) {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(target, "target");
        String shapes = predictionName + " " + prediction.shape() + " and targets " + target.shape();
        if (!prediction.shape().equals(target.shape())) {
            throw new ShapeException(name + ": " + shapes + " do not match; expected equal shapes");
        }
        float[] x = prediction.value().data();
        float[] y = target.data();
        int rank = prediction.shape().rank();
        int perSample = prediction.shape().sizeBetween(1, rank);
        return MaskedReduction.apply(name, shapes, reduction, prediction, mask, sampleWeights, prediction.shape(),
                new MaskedReduction.Kernel() {
                    @Override
                    public void forward(int from, int to, boolean[] valid, double[] losses) {
                        for (int n = from; n < to; n++) {
                            for (int e = n * perSample; valid[n] && e < (n + 1) * perSample; e++) {
                                losses[e] = loss.at(x[e], y[e], e);
                            }
                        }
                    }

                    @Override
                    public void backward(int from, int to, boolean[] valid, double[] weights, float[] grad) {
                        for (int n = from; n < to; n++) {
                            for (int e = n * perSample; valid[n] && e < (n + 1) * perSample; e++) {
                                grad[e] = (float) (weights[e] * derivative.at(x[e], y[e], e));
                            }
                        }
                    }
                });
    }
}
