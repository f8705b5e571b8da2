/**
 * Weighting strategies, sealed into loss-level ones (combine per-task losses into one scalar: fixed, scheduled,
 * random, uncertainty, DWA, GradNorm's weights, FAMO, GLS, STCH, IMTL-L) and gradient-level ones (combine a tasks ×
 * shared-parameters gradient matrix into one update: PCGrad, MGDA, CAGrad, Nash-MTL, IMTL-G, IMTL-H, Aligned-MTL,
 * UPGrad, GradVac, DB-MTL, MoCo, FairGrad, ExcessMTL, SDMGrad, GradDrop); those whose update follows from the
 * Gram matrix of the task gradients are {@link polyhead.mtl.weighting.GramDeterminedWeighting}s, which the trainer
 * can serve without forming the gradient rows. The trainer dispatches on the sealed type and never names a strategy. Each cites its paper. Builds on
 * {@code tensor}, {@code autodiff} and {@code optim.schedule}.
 */
package polyhead.mtl.weighting;
