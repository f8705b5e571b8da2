package polyhead.tensor;

/**
 * One call's operands of {@link VectorGemm}: {@code C (+)= op(A)·op(B)} with op(A) m×k, op(B) k×n and C m×n, each
 * row-major from its offset (see {@link Gemm}). Each kernel family of the vector GEMM is a subclass that holds the
 * loops over them: {@link PackedProduct}, {@link DotProduct}, {@link InPlaceProduct}, and
 * {@link ConvolutionTiles} for {@link VectorDirectConvolution}.
 */
class Product {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final float[] a;
    final int aOffset;
    final float[] b;
    final int bOffset;
    final float[] c;
    final int cOffset;
    final boolean accumulate;

    Product(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset,
            float[] c, int cOffset, boolean accumulate) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.aOffset = aOffset;
        this.b = b;
        this.bOffset = bOffset;
        this.c = c;
        this.cOffset = cOffset;
        this.accumulate = accumulate;
    }

    /** The same operands, for another kernel family. */
    Product(Product p) {
        this(p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOffset, p.b, p.bOffset, p.c, p.cOffset, p.accumulate);
    }

    /**
     * The rows that {@link InPlaceProduct}'s and {@link ConvolutionTiles}' 6- and 4-row tiles cover: all but at most
     * 3.
     */
    int tiledRows() {
        int tiled = 0;
        for (int rem = m; rem >= 4; rem = m - tiled) {
            tiled += rem >= 6 && rem != 8 ? 6 : 4;
        }
        return tiled;
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
