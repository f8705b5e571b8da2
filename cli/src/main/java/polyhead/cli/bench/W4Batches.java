package polyhead.cli.bench;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The W4 workload's batches of random sentences, drawn by a rule that {@code cli/bench/torch_w4.py} follows to the
 * same numbers, so that both sides train on the same token ids, lengths and labels.
 *
 * <p>The rule: Knuth's 64-bit linear congruential generator (MMIX: {@code s ← s·6364136223846793005 +
 * 1442695040888963407 mod 2⁶⁴}, starting from the seed), {@code draw(n) = (s >>> 33) mod n} after each step. Batch by
 * batch, sentence by sentence: the length {@code 1 + draw(maxLength)}; then for each of its tokens the id
 * {@code 1 + draw(vocabulary − 1)} (id 0 is the padding), its fine tag {@code draw(fine)} and its universal tag
 * {@code draw(universal)}; then the sentence's genre {@code draw(genres)}. A batch is padded to its longest sentence
 * (as {@code pad_packed_sequence}), padding with id 0 and label 0 under a token mask of 0.
 */
final class W4Batches {
    private static final long MULTIPLIER = 6364136223846793005L;
    private static final long INCREMENT = 1442695040888963407L;

    /**
     * One batch: token ids [B, T] (as floats, 0 at padding), each sentence's length, the per-token labels and token
     * mask flattened over [B·T] (row b·T + t), and the genres [B].
     */
    record Batch(Tensor tokens, int[] lengths, Tensor fine, Tensor universal, Tensor tokenMask, Tensor genre) {
        int time() {
            return tokens.shape().dim(1);
        }
    }

    private long state;

    /** A generator of the rule starting from {@code seed}. */
    W4Batches(long seed) {
        this.state = seed;
    }

    /** The next value of the rule in [0, n). */
    int draw(int n) {
        state = state * MULTIPLIER + INCREMENT;
        return (int) ((state >>> 33) % n);
    }

    /** The next batch of {@code batch} sentences of the sizes of {@code s}. */
    Batch next(int batch, W4Models.Sizes s) {
        int[] lengths = new int[batch];
        int[][] ids = new int[batch][];
        int[][] fine = new int[batch][];
        int[][] universal = new int[batch][];
        float[] genre = new float[batch];
        int time = 0;
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + draw(s.maxLength());
            ids[b] = new int[lengths[b]];
            fine[b] = new int[lengths[b]];
            universal[b] = new int[lengths[b]];
            for (int t = 0; t < lengths[b]; t++) {
                ids[b][t] = 1 + draw(s.vocabulary() - 1);
                fine[b][t] = draw(s.fine());
                universal[b][t] = draw(s.universal());
            }
            genre[b] = draw(s.genres());
            time = Math.max(time, lengths[b]);
        }
        float[] tokens = new float[batch * time];
        float[] fineLabels = new float[batch * time];
        float[] universalLabels = new float[batch * time];
        float[] mask = new float[batch * time];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                tokens[b * time + t] = ids[b][t];
                fineLabels[b * time + t] = fine[b][t];
                universalLabels[b * time + t] = universal[b][t];
                mask[b * time + t] = 1;
            }
        }
        return new Batch(Tensor.wrap(Shape.of(batch, time), tokens), lengths,
                Tensor.wrap(Shape.of(batch * time), fineLabels), Tensor.wrap(Shape.of(batch * time), universalLabels),
                Tensor.wrap(Shape.of(batch * time), mask), Tensor.wrap(Shape.of(batch), genre));
    }
}
