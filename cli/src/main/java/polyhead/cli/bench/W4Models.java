package polyhead.cli.bench;

import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.SequencePooling;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Embedding;
import polyhead.nn.Linear;
import polyhead.nn.Lstm;
import polyhead.nn.Module;
import polyhead.nn.MultiheadAttention;
import polyhead.nn.SinusoidalPositionalEncoding;
import polyhead.nn.TransformerEncoder;
import polyhead.nn.TransformerEncoderLayer;

/**
 * The two networks of the W4 workload, layer for layer and parameter name for parameter name as in
 * {@code cli/bench/torch_w4.py}: an embedding, a sequence encoder, and three heads as in the Brown sample — {@code fine}
 * and {@code universal} at every token, {@code genre} on the mean of each sentence's valid tokens. The step's loss is
 * the sum of the three cross-entropies, the token ones averaged over the batch's non-padding tokens (PyTorch:
 * {@code ignore_index}).
 */
final class W4Models {
    private W4Models() {
    }

    /**
     * The workload's sizes: vocabulary (id 0 is the padding), sentence lengths up to {@code maxLength}, the
     * embedding and encoder widths, and the label counts.
     *
     * @param hidden the LSTM's hidden size per direction, or the Transformer's d_model (its embedding size too)
     * @param heads  attention heads (Transformer only)
     * @param feedForward the Transformer's feed-forward size
     */
    record Sizes(int vocabulary, int maxLength, int embedding, int hidden, int heads, int feedForward, int fine,
                 int universal, int genres) {
        /** Issue 17's W4: vocabulary 10,000, sentences up to 50 tokens, the Brown sample's 472, 12 and 15 labels. */
        static final Sizes W4 = new Sizes(10_000, 50, 100, 128, 4, 512, 472, 12, 15);

        /** The Transformer's embedding is d_model wide. */
        Sizes forTransformer() {
            return new Sizes(vocabulary, maxLength, hidden, hidden, heads, feedForward, fine, universal, genres);
        }
    }

    /** Embedding → encoder ([B, T, width]) → the three heads; {@link #loss} is the workload's step loss. */
    abstract static class Tagger extends Module {
        private static final Loss CE = Losses.crossEntropy();
        final Embedding embedding;
        private Linear fine;
        private Linear universal;
        private Linear genre;

        Tagger(Sizes s, Random rng) {
            this.embedding = registerModule("embedding", new Embedding(s.vocabulary(), s.embedding(), rng));
        }

        /** Registers the heads after the encoder, so that names and draws come in torch_w4.py's order. */
        final void heads(Sizes s, int width, Random rng) {
            fine = registerModule("fine", new Linear(width, s.fine(), rng));
            universal = registerModule("universal", new Linear(width, s.universal(), rng));
            genre = registerModule("genre", new Linear(width, s.genres(), rng));
        }

        /** The encoded tokens [B, T, width] of the embedded batch [B, T, embedding]. */
        abstract Var encode(Var embedded, int[] lengths);

        @Override
        protected Var forward(Var x) {
            throw new UnsupportedOperationException("use loss(batch): this model has three outputs");
        }

        /** CE(fine) + CE(universal) over the non-padding tokens, + CE(genre) over the sentences. */
        Var loss(W4Batches.Batch batch) {
            int[] lengths = batch.lengths();
            int rows = lengths.length * batch.time();
            Var h = encode(embedding.call(Var.constant(batch.tokens())), lengths);
            Var fineLogits = fine.call(h).reshape(rows, -1);
            Var universalLogits = universal.call(h).reshape(rows, -1);
            Var genreLogits = genre.call(SequencePooling.mean(h, lengths));
            return CE.apply(fineLogits, batch.fine(), batch.tokenMask())
                    .add(CE.apply(universalLogits, batch.universal(), batch.tokenMask()))
                    .add(CE.apply(genreLogits, batch.genre()));
        }
    }

    /** W4 bilstm: embedding → 1-layer bidirectional LSTM (lengths as {@code pack_padded_sequence}) → heads. */
    static Tagger biLstm(Sizes s, Random rng) {
        return new Tagger(s, rng) {
            private final Lstm lstm = registerModule("lstm", new Lstm(s.embedding(), s.hidden(), 1, true, rng));

            {
                heads(s, 2 * s.hidden(), rng);
            }

            @Override
            Var encode(Var embedded, int[] lengths) {
                return lstm.run(embedded, lengths, null, null).output();
            }
        };
    }

    /**
     * W4 transformer: embedding (d_model wide) + sinusoidal positions → 2 post-norm Transformer encoder layers (ReLU,
     * no dropout, padding hidden from attention) → heads.
     */
    static Tagger transformer(Sizes s, Random rng) {
        Sizes t = s.forTransformer();
        return new Tagger(t, rng) {
            private final SinusoidalPositionalEncoding positions = registerModule("positions",
                    new SinusoidalPositionalEncoding(t.hidden()));
            private final TransformerEncoder encoder = registerModule("encoder", new TransformerEncoder(2, t.hidden(),
                    t.heads(), t.feedForward(), TransformerEncoderLayer.FeedForwardActivation.RELU, false, 1e-5f,
                    false, rng));

            {
                heads(t, t.hidden(), rng);
            }

            @Override
            Var encode(Var embedded, int[] lengths) {
                int time = embedded.shape().dim(1);
                return encoder.run(positions.call(embedded), MultiheadAttention.paddingMask(lengths, time), null);
            }
        };
    }
}
