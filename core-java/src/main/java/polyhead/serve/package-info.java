/**
 * Serving a trained multi-task network: a {@link polyhead.serve.Predictor} runs a built
 * {@link polyhead.mtl.arch.Architecture} on one sample or a batch and gives each task's output (raw values, class
 * probabilities and predicted classes), with no autodiff graph, no trainer and no shared mutable state, so that one
 * predictor serves any number of threads at once. It builds on {@code mtl.arch} (the network), {@code nn}
 * ({@link polyhead.nn.Inference}: evaluation behaviour per thread) and {@code tensor}; nothing in the core below
 * {@code experiment} depends on it.
 */
package polyhead.serve;
