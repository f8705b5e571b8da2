/**
 * The performance harness behind {@code polyhead bench}: the workloads of BENCHMARKS.md (W1 mlp-mtl, W2 lenet-mtl,
 * W3 sgemm, W1-epoch, W4 sequence taggers) timed on each GEMM the way the PyTorch peer scripts time PyTorch, with
 * medians over round-robin repetitions and a JSON report ({@link polyhead.io.Json}). It builds on the core only
 * (models, optimizers, GEMMs, {@link polyhead.datasets.FashionMnist}); {@code cli/bench/run_peer.sh} runs it beside
 * PyTorch.
 */
package polyhead.cli.bench;
