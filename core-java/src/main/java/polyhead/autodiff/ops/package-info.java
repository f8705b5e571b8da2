/**
 * The differentiable primitives, each a forward computation plus its vector-Jacobian product: arithmetic,
 * element-wise functions, activations, reductions, shaping and indexing, matrix products, convolution, pooling
 * (also over the time axis of padded sequences), dropout, and the recurrences of an LSTM or GRU direction over whole
 * sequences. Everything else (softmax, losses, layers) is composed from these or is a fused primitive with its own
 * gradient check. Builds on {@code tensor} and {@code autodiff}.
 */
package polyhead.autodiff.ops;
