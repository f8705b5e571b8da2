package polyhead.metrics;

import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Per-token inputs of padded sequences — logits [N, T, C] (classes last), class-index targets [N, T] and a mask
 * [N, T] (0 at padding and missing labels) — told apart from per-sample inputs by the mask's shape, and laid end to
 * end as N·T samples, so that a metric on class indices scores each labelled token once (padding never counts).
 */
final class Tokens {
    /** Logits [N·T, C], targets [N·T], mask [N·T]. */
    record Flat(Tensor logits, Tensor targets, Tensor mask) {
    }

    private Tokens() {
    }

    /**
     * Whether these are per-token inputs: logits of rank 3 and targets and a mask of rank 2 (a per-sample mask is
     * [N]); any other mask is checked as a per-sample one.
     */
    static boolean marksTokens(Tensor logits, Tensor targets, Tensor mask) {
        return mask != null && mask.rank() == 2 && logits.rank() == 3 && targets.rank() == 2;
    }

    /** Checks the shapes of per-token inputs ({@code metric} names the metric in the message). */
    static void check(String metric, Tensor logits, Tensor targets, Tensor mask) {
        Shape ls = logits.shape();
        if (ls.rank() != 3 || !targets.shape().equals(Shape.of(ls.dim(0), ls.dim(1)))
                || !mask.shape().equals(targets.shape()) || ls.dim(2) == 0) {
            throw new ShapeException(metric + ": logits " + ls + ", targets " + targets.shape() + " and mask "
                    + mask.shape() + " do not match; a mask [N, T] marks tokens: expected logits [N, T, C] with C >= 1, "
                    + "targets [N, T] and mask [N, T]");
        }
    }

    /** The tokens laid end to end, after {@link #check}. */
    static Flat flatten(String metric, Tensor logits, Tensor targets, Tensor mask) {
        check(metric, logits, targets, mask);
        int tokens = targets.size();
        return new Flat(logits.reshape(tokens, logits.shape().dim(2)), targets.reshape(tokens), mask.reshape(tokens));
    }
}
