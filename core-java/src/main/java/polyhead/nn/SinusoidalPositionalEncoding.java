package polyhead.nn;

import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Fixed sinusoidal positions (Vaswani et al. 2017, "Attention Is All You Need", Sec. 3.5) added to the input:
 * x [B, T, dim] → x + PE[0…T−1] with {@code PE(pos, 2i) = sin(pos / 10000^(2i/dim))} and
 * {@code PE(pos, 2i+1) = cos(pos / 10000^(2i/dim))}. No parameters, any length. For an odd dim the last column is a
 * sine (the paper assumes an even dim). No scaling of x (the paper multiplies the embeddings by √dim, Sec. 3.4; do
 * that before this layer if wanted).
 */
public final class SinusoidalPositionalEncoding extends Module {
    private final int dim;

    public SinusoidalPositionalEncoding(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding needs a positive dim, got " + dim);
        }
        this.dim = dim;
    }

    /** The table PE [length, dim] of the paper's Sec. 3.5, computed in double and rounded to float. */
    public static Tensor table(int length, int dim) {
        float[] pe = new float[length * dim];
        for (int pos = 0; pos < length; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, (double) (j - j % 2) / dim);
                pe[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return Tensor.wrap(Shape.of(length, dim), pe);
    }

    /**
     * x + PE.
     *
     * @throws ShapeException naming the input shape unless it is [B, T, dim]
     */
    @Override
    protected Var forward(Var x) {
        Shape s = x.shape();
        if (s.rank() != 3 || s.dim(2) != dim) {
            throw new ShapeException("positional encoding: input must be [B, T, " + dim + "], got " + s);
        }
        return x.add(Var.constant(table(s.dim(1), dim)));
    }
}
