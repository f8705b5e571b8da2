package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;

/** The lengths vector of a batch of padded sequences x [B, T, ...]: checked, and filled in when absent. */
final class Lengths {
    private Lengths() {
    }

    /**
     * A copy of {@code lengths}, or T for every sequence when it is null.
     *
     * @throws ShapeException naming the op and x's shape unless there are B lengths, each in [1, T]
     */
    static int[] check(String op, Shape x, int[] lengths) {
        int b = x.dim(0);
        int t = x.dim(1);
        if (lengths == null) {
            int[] all = new int[b];
            Arrays.fill(all, t);
            return all;
        }
        if (lengths.length != b) {
            throw new ShapeException(op + ": lengths has " + lengths.length + " values for input " + x
                    + " (one per sequence: " + b + ")");
        }
        for (int i = 0; i < b; i++) {
            if (lengths[i] < 1 || lengths[i] > t) {
                throw new ShapeException(op + ": lengths[" + i + "] = " + lengths[i] + " is outside [1, " + t
                        + "] for input " + x);
            }
        }
        return lengths.clone();
    }
}
