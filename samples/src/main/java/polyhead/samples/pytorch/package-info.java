/**
 * What the PyTorch peers of the samples ({@code samples/pytorch/*.py}) read from the Java side so that they train on
 * exactly the data Polyhead trains on: {@link polyhead.samples.pytorch.BrownSplitFile} writes the Brown sample's
 * document split, label orders and vocabulary rule. Builds on {@link polyhead.datasets.Brown}.
 */
package polyhead.samples.pytorch;
