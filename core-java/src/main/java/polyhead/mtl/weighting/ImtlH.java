package polyhead.mtl.weighting;

import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * IMTL-H, the hybrid of impartial multi-task learning (Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang, "Towards
 * Impartial Multi-task Learning", ICLR 2021, Sec. 3, hybrid balance and Alg. 1): {@link ImtlL}'s learned loss scales
 * and {@link ImtlG}'s gradient balance together, as LibMTL's {@code IMTL.py} (commit 4336804) implements it.
 *
 * <p>Each task's objective is the IMTL-L term e^{s_t} L_t − s_t ({@link #taskObjective}); the trainer
 * differentiates it per task, so task t's row is the scaled gradient e^{s_t} g_t, its head's gradient is
 * e^{s_t} ∇L_t, and s_t gets e^{s_t} L_t − 1. The shared update is IMTL-G's on the scaled rows,
 * d = Σ_t α_t e^{s_t} g_t with α = {@link ImtlG#weights} of their Gram matrix; heads keep their scaled gradients
 * ({@link Combination#taskWeights()} = 1), as in LibMTL, where the per-task backward passes leave them in place. The
 * scales are {@link #parameters()} named {@code lossScale.<task>} that the trainer gives to the optimizer, from
 * s_t = 0. Deviations: those of {@link ImtlG} (α through the pseudo-inverse of the Gram matrix, where LibMTL inverts
 * D Uᵀ; equal for independent gradients).
 *
 * <p>{@link #combine} alone is IMTL-G on the rows it is given: the scaling happens in the task objectives, which only
 * the trainer's backward pass applies. Reading the gradients only, it works over the shared parameters and over the
 * shared representation alike (LibMTL sums the representation gradient over the batch first; we flatten it whole).
 */
public final class ImtlH extends GramWeighting {
    static final String NAME = "imtlH";

    private final LearnedScalars scales;

    ImtlH(List<String> tasks) {
        super(NAME);
        scales = new LearnedScalars(NAME, ImtlL.PREFIX, "loss scale", tasks, 0, Map.of());
    }

    /** e^{s_t}·L_t − s_t, {@link ImtlL#objective}. */
    @Override
    public Var taskObjective(String task, Var loss) {
        return ImtlL.objective(loss, scales.of(task));
    }

    @Override
    double[] taskWeights(double[][] gram) {
        return ImtlG.weights(gram);
    }

    /** {@code lossScale.<task>} → the learned s_t (the live parameter, not a copy). */
    @Override
    public Map<String, Var> parameters() {
        return scales.parameters();
    }

    /** The current factor e^{s_t} of every task. */
    public Map<String, Double> weights() {
        return ImtlL.exponentials(scales);
    }

    /** {@code lossScale.<task>} → a copy of s_t. */
    @Override
    public Map<String, Tensor> stateDict() {
        return scales.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        scales.loadStateDict(state);
    }
}
