package polyhead.data;

import java.util.Arrays;

/** A growing float array of rows of a fixed width. */
final class CsvFloats {
    private float[] a;
    private int n;

    CsvFloats(int width) {
        a = new float[Math.max(16, 1024 * width)];
    }

    void add(float v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    float[] toArray(int rows) {
        return n == a.length ? a : Arrays.copyOf(a, n);
    }
}
