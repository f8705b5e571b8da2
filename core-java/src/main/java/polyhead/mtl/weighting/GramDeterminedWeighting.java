package polyhead.mtl.weighting;

/**
 * A gradient weighting whose update of the shared parameters is a combination d = Σ_t a_t g_t of the task
 * gradients with coefficients a that depend on the gradients only through their Gram matrix M = G Gᵀ (and on the
 * losses, the strategy's own state and its random draws): MGDA, CAGrad, PCGrad, GradVac, Nash-MTL, IMTL-G,
 * IMTL-H, Aligned-MTL, UPGrad, FairGrad, GradNorm.
 *
 * <p>Such a weighting never needs the gradient rows themselves. The trainer can then build M layer by layer
 * without forming each task's gradient of each shared parameter, and apply d in one more weight-gradient pass with
 * the combined output gradients (the one-pass step of {@code polyhead.train}); given rows, {@link #combine} forms M
 * itself and combines the rows, so both paths run the same {@link #combineGram}.
 *
 * <p>PCGrad belongs here because each projected gradient stays in the span of the original ones: g_i^PC = Σ_k c_ik
 * g_k, and every inner product it tests is c_iᵀ M e_j; GradVac's alterations add multiples of the g_j likewise. CAGrad's d = g_0 + (√φ/‖g_w‖) g_w is a combination with
 * coefficients from M. GradNorm reads only the norms ‖g_t‖ = √M_tt.
 *
 * <p>Not here, though their updates are combinations too: SDMGrad, whose 20 projected steps at learning rate 5 on
 * the normalized Gram matrix magnify its float rounding until the two ways of forming M (rows, or layer by layer)
 * give visibly different trajectories. MoCo and DB-MTL keep per-task gradient vectors across steps, which
 * are not in the span of one batch's gradients.
 */
public interface GramDeterminedWeighting extends GradientWeighting {
    /** The coefficients a of d = Σ_t a_t g_t and the heads' factors, from the Gram matrix of the task gradients. */
    GramCombination combineGram(TaskGram gram, WeightingContext ctx);

    /** Checks the rows, forms their Gram matrix, runs {@link #combineGram} and combines the rows with its a. */
    @Override
    default Combination combine(TaskGradients gradients, WeightingContext ctx) {
        return GradientRows.combineThroughGram(name(), gradients, gram -> combineGram(gram, ctx));
    }
}
