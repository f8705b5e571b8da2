package polyhead.mtl.arch;

import java.util.List;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.ShapeException;

/**
 * The gated sum at the heart of the mixture-of-experts architectures (MMoE, CGC, PLE, DSelect-k): experts' outputs
 * stacked along axis 1, and their combination Σ_k w_k · e_k with per-sample weights w.
 */
final class ExpertMixture {
    private ExpertMixture() {
    }

    /** The outputs [N, …] of the experts, all of one shape, stacked to [N, K, …]; {@code who} names the caller. */
    static Var stack(List<Var> outputs, String who) {
        Var[] rows = new Var[outputs.size()];
        int[] first = outputs.get(0).shape().dims();
        for (int k = 0; k < rows.length; k++) {
            int[] dims = outputs.get(k).shape().dims();
            if (!java.util.Arrays.equals(dims, first)) {
                throw new ShapeException(who + ": expert " + k + " outputs " + outputs.get(k).shape()
                        + ", expert 0 " + outputs.get(0).shape() + "; the experts it mixes must agree");
            }
            int[] withAxis = new int[dims.length + 1];
            withAxis[0] = dims[0];
            withAxis[1] = 1;
            System.arraycopy(dims, 1, withAxis, 2, dims.length - 1);
            rows[k] = outputs.get(k).reshape(withAxis);
        }
        return rows.length == 1 ? rows[0] : Shaping.concat(1, rows);
    }

    /** Each expert of {@code experts} (in order) on {@code x}, each output [N, d], stacked to [N, K, d]. */
    static Var vectors(polyhead.nn.ModuleDict experts, Var x, String who) {
        List<Var> outs = new java.util.ArrayList<>();
        int k = 0;
        for (polyhead.nn.Module e : experts.children().values()) {
            Var o = e.call(x);
            if (o.shape().rank() != 2) {
                throw new ShapeException(who + ": expert " + k + " must output [N, d], got " + o.shape());
            }
            outs.add(o);
            k++;
        }
        return stack(outs, who);
    }

    /**
     * Σ_k weights[:, k] · stacked[:, k, …] for weights [N, K] and stacked experts [N, K, …]: [N, …]. Computed as the
     * batched product [N, 1, K]·[N, K, m] (m the values of one expert's output): one small product per sample and its
     * two backward products, instead of a broadcast multiply [N, K, m] and a sum over K, whose backward (a broadcast
     * sum back to [N, K, 1]) went element by element and made PLE on a convolutional trunk 20× an equal-weighting step.
     */
    static Var mix(Var weights, Var stacked) {
        int n = stacked.shape().dim(0);
        int k = stacked.shape().dim(1);
        int[] dims = stacked.shape().dims();
        int[] out = new int[dims.length - 1];
        out[0] = n;
        System.arraycopy(dims, 2, out, 1, dims.length - 2);
        return weights.reshape(n, 1, k).matmul(stacked.reshape(n, k, -1)).reshape(out);
    }
}
