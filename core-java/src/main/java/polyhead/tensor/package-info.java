/**
 * Dense float32 tensors and the kernels under them: {@link polyhead.tensor.Tensor} (row-major, n-d) and
 * {@link polyhead.tensor.Shape}, broadcasting, seeded factories, the {@link polyhead.tensor.Gemm} matrix-product
 * interface with its Vector API and EJML implementations, im2col and the {@link polyhead.tensor.DirectConvolution}
 * kernels that skip it, the worker pool that parallel kernels share, and the {@link polyhead.tensor.Arena} that
 * lets a training step reuse the previous step's arrays. Shape errors name both shapes. The bottom of the core:
 * builds on the JDK and EJML only, and is the one package that sees EJML types.
 */
package polyhead.tensor;
