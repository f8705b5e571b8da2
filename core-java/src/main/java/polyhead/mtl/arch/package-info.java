/**
 * Architectures: an {@link polyhead.mtl.arch.Architecture} says which parameters are shared and produces one output
 * per task — hard sharing, soft sharing, cross-stitch networks, mixtures of experts (MMoE, OMoE, DSelect-k; CGC and
 * PLE), multi-task attention (MTAN), learning to branch. Any architecture combines with any weighting. Builds on
 * {@code mtl}, {@code nn}, {@code autodiff} and {@code tensor}.
 */
package polyhead.mtl.arch;
