/**
 * Checkpoints: a model's and an optimizer's state dicts, the weighting's state and training counters, written as
 * safetensors plus JSON metadata (the spec that produced them, the description that rebuilds the model, the library and format versions, the random
 * state)
 * and checked by digest on reading; the {@link polyhead.checkpoint.CheckpointStore} that keeps the last few; and
 * import/export of weights from other tools' files; checkpoints of older names are read under the current ones. Faults are {@link polyhead.checkpoint.CheckpointException}s.
 * Builds on {@code io} and on what it saves: {@code nn}, {@code optim}, {@code mtl.weighting} and {@code tensor}.
 */
package polyhead.checkpoint;
