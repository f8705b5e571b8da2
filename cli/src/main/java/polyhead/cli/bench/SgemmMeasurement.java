package polyhead.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.tensor.Gemm;

/** W3: {@code C = A·B} in float32 with A m×k and B k×n (no transposes), through one {@link Gemm}. */
final class SgemmMeasurement implements Measurement {
    private final Gemm gemm;
    private final int m;
    private final int n;
    private final int k;
    private final float[] a;
    private final float[] b;
    private final float[] c;

    SgemmMeasurement(Gemm gemm, int m, int k, int n) {
        this.gemm = gemm;
        this.m = m;
        this.n = n;
        this.k = k;
        Random rng = new Random(0);
        a = gaussian(rng, m * k);
        b = gaussian(rng, k * n);
        c = new float[m * n];
    }

    private static float[] gaussian(Random rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    @Override
    public String name() {
        return "W3 sgemm " + m + "x" + k + "x" + n;
    }

    @Override
    public String gemm() {
        return gemm.name();
    }

    @Override
    public int batch() {
        return 0;
    }

    @Override
    public double flops() {
        return 2.0 * m * n * k;
    }

    @Override
    public Map<String, Double> measure(int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            gemm.gemm(false, false, m, n, k, a, 0, b, 0, c, 0, false);
        }
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            gemm.gemm(false, false, m, n, k, a, 0, b, 0, c, 0, false);
            t[i] = (System.nanoTime() - t0) * 1e-9;
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("step", Stats.median(t));
        return r;
    }
}
