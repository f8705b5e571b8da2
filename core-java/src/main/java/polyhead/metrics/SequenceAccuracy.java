package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/**
 * The fraction of sequences whose labelled tokens are all right. See {@link Metrics#sequenceAccuracy()}.
 */
record SequenceAccuracy() implements Score {
    static final String NAME = "sequence_accuracy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.TOKEN_CLASS);
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long right;
            private long sequences;

            @Override
            public void add(Tensor logits, Tensor targets, Tensor mask) {
                if (!Tokens.marksTokens(logits, targets, mask)) {
                    throw new polyhead.tensor.ShapeException(NAME + ": mask " + (mask == null ? "null"
                            : mask.shape().toString()) + " does not mark tokens; expected logits [N, T, C], targets "
                            + "[N, T] and mask [N, T]");
                }
                Tokens.check(NAME, logits, targets, mask);
                int n = logits.shape().dim(0);
                int t = logits.shape().dim(1);
                int c = logits.shape().dim(2);
                float[] x = logits.data();
                float[] m = mask.data();
                // validate the whole batch before counting, so that a rejected batch leaves the counts as they were
                int[] target = new int[n * t];
                for (int e = 0; e < n * t; e++) {
                    if (m[e] != 0f && m[e] != 1f) {
                        throw new IllegalArgumentException(NAME + ": mask at " + Inputs.where(mask.shape(), e) + " = "
                                + m[e] + ", expected 0 or 1");
                    }
                    target[e] = m[e] == 1f ? Inputs.classIndex(NAME, targets, e, c) : -1;
                }
                for (int i = 0; i < n; i++) {
                    boolean labelled = false;
                    boolean allRight = true;
                    for (int j = 0; j < t; j++) {
                        int e = i * t + j;
                        if (target[e] >= 0) {
                            labelled = true;
                            allRight &= Inputs.argmax(x, e * c, 1, c) == target[e];
                        }
                    }
                    if (labelled) {
                        sequences++;
                        right += allRight ? 1 : 0;
                    }
                }
            }

            @Override
            public double result() {
                return sequences == 0 ? Double.NaN : (double) right / sequences;
            }
        };
    }
}
