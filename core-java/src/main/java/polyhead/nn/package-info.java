/**
 * Layers: {@link polyhead.nn.Module} with explicitly registered children and parameters named by dotted paths
 * ({@code trunk.0.weight}), and the layers built on it ({@code Linear}, {@code Conv2d}, pooling, normalization,
 * {@code Embedding}, {@code Dropout}, {@code Sequential}, activations; over padded sequences [batch, time, features]
 * with lengths or masks, the recurrent stacks {@code Lstm} and {@code Gru}, {@code SequencePool},
 * {@code MultiheadAttention}, {@code TransformerEncoderLayer} and {@code TransformerEncoder}, and positional
 * embeddings; {@code SequenceLengths}, the scope through which a padded batch's lengths reach them in a model's forward
 * pass), seeded initializers and a summary of a module's layers and parameter counts. Builds on {@code tensor}, {@code autodiff} and
 * {@code autodiff.ops}.
 */
package polyhead.nn;
