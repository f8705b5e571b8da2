/**
 * MMoE against OMoE and a shared bottom on the synthetic data of Ma et al. (KDD 2018) at several task correlations,
 * built on the core's architectures and {@link polyhead.datasets.MmoeSynthetic}.
 */
package polyhead.samples.mmoe;
