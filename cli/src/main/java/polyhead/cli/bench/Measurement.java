package polyhead.cli.bench;

import java.util.Map;

/** One benchmark configuration: measured several times (round-robin with the others), each time after a warm-up. */
interface Measurement {
    /** The key in reports, e.g. {@code "W1 mlp-mtl b128 fwd+bwd"}. */
    String name();

    /** The GEMM it runs on (its {@code Gemm.name()}). */
    String gemm();

    /** Samples per step (the batch size), or 0 where it does not apply (a bare matrix product). */
    int batch();

    /** Floating-point operations of one step (matrix products only), for GFLOPS. */
    double flops();

    /**
     * Runs {@code warmup} untimed steps, then {@code steps} individually timed ones; returns the median step time
     * in seconds under {@code "step"}, and the median of each phase it times separately under its phase name.
     */
    Map<String, Double> measure(int warmup, int steps);
}
