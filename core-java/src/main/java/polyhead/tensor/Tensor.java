package polyhead.tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * A dense, row-major, n-dimensional array of float32 values.
 *
 * <p>A tensor owns a flat {@code float[]} of exactly {@code shape.size()} elements. Operations in
 * {@code polyhead.autodiff.ops} return new tensors; the few in-place methods here ({@link #fill}, {@link #addInPlace},
 * {@link #copyFrom}) exist for gradient accumulation and optimizer updates and say so.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    private Tensor(Shape shape, float[] data) {
        if (data.length != shape.size()) {
            throw new ShapeException("data of length " + data.length + " does not fit shape " + shape
                    + " (" + shape.size() + " elements)");
        }
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data} without copying; it must hold exactly {@code shape.size()} elements. */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(shape, data);
    }

    /** A tensor holding a copy of {@code data} in the given shape. */
    public static Tensor of(float[] data, int... dims) {
        return new Tensor(Shape.of(dims), data.clone());
    }

    public static Tensor scalar(float value) {
        return new Tensor(Shape.scalar(), new float[] {value});
    }

    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new float[shape.size()]);
    }

    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    public static Tensor ones(int... dims) {
        return full(1f, Shape.of(dims));
    }

    public static Tensor full(float value, Shape shape) {
        float[] d = new float[shape.size()];
        Arrays.fill(d, value);
        return new Tensor(shape, d);
    }

    /** Standard normal samples from {@link Random#nextGaussian()}, whose algorithm Java specifies exactly. */
    public static Tensor randn(long seed, int... dims) {
        return randn(new Random(seed), Shape.of(dims));
    }

    public static Tensor randn(Random rng, Shape shape) {
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new Tensor(shape, d);
    }

    /** Uniform samples in {@code [low, high)}. */
    public static Tensor uniform(Random rng, Shape shape, float low, float high) {
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = low + (high - low) * rng.nextFloat();
        }
        return new Tensor(shape, d);
    }

    /** {@code 0, 1, ..., n-1} as floats, in the given shape. */
    public static Tensor arange(int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return new Tensor(s, d);
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    public int size() {
        return data.length;
    }

    /** The backing array (not a copy): row-major, {@code size()} elements. */
    public float[] data() {
        return data;
    }

    /** The single value of a tensor with one element. */
    public float item() {
        if (data.length != 1) {
            throw new ShapeException("item() needs a tensor with one element, got shape " + shape);
        }
        return data[0];
    }

    /** The element at a full multi-index. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Sets one element in place. */
    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    private int offset(int[] index) {
        if (index.length != shape.rank()) {
            throw new ShapeException("index of rank " + index.length + " for tensor of shape " + shape);
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            int d = shape.dim(i);
            if (index[i] < 0 || index[i] >= d) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape " + shape);
            }
            off = off * d + index[i];
        }
        return off;
    }

    /** The same data seen in another shape of equal size (shares the array). */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != data.length) {
            throw new ShapeException("cannot reshape " + shape + " to " + newShape);
        }
        return new Tensor(newShape, data);
    }

    public Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    /** In place: sets every element to {@code value}. */
    public Tensor fill(float value) {
        Arrays.fill(data, value);
        return this;
    }

    /** In place: {@code this += other}; shapes must be equal. */
    public Tensor addInPlace(Tensor other) {
        requireSameShape(other, "addInPlace");
        float[] o = other.data;
        for (int i = 0; i < data.length; i++) {
            data[i] += o[i];
        }
        return this;
    }

    /** In place: copies {@code other}'s values; shapes must be equal. */
    public Tensor copyFrom(Tensor other) {
        requireSameShape(other, "copyFrom");
        System.arraycopy(other.data, 0, data, 0, data.length);
        return this;
    }

    /** Throws a {@link ShapeException} naming both shapes unless {@code other} has this tensor's shape. */
    public void requireSameShape(Tensor other, String what) {
        if (!shape.equals(other.shape)) {
            throw new ShapeException(what + ": shapes " + shape + " and " + other.shape + " differ");
        }
    }

    /** Largest absolute element, 0 for an empty tensor. */
    public float maxAbs() {
        float m = 0;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** True if every element is finite. */
    public boolean isFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        int n = Math.min(data.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(" [");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return sb.append(data.length > n ? ", ...]" : "]").toString();
    }
}
