package polyhead.tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 multiply-add throughput this machine reaches from Java: every thread runs independent chains of
 * {@code acc = acc·a + b} on vectors of the preferred width, with nothing loaded from memory. It is the ceiling the
 * matrix products are measured against (the bench's "share of the FMA ceiling"): no product can beat it, and a product
 * that reaches a large share of it spends its time multiplying rather than moving data.
 *
 * <p>Counted as two floating-point operations per lane per multiply-add, as GFLOPS figures of matrix products are.
 */
public final class FmaCeiling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** Independent chains per thread: more than latency × multiply-add units (4 × 2 on current x86 cores). */
    private static final int CHAINS = 12;
    /** Short calls that get each loop compiled as a method before it is timed (see {@link #gflops(int, long, int)}). */
    private static final int WARM_CALLS = 20_000;
    private static final int WARM_ITERATIONS = 256;

    private FmaCeiling() {
    }

    /**
     * GFLOPS of {@code threads} threads each running {@code iterations} rounds of {@value #CHAINS} vector
     * multiply-adds at once (the best of three timings, after an untimed run that lets the JIT compile the loop).
     */
    public static double gflops(int threads, long iterations) {
        return gflops(threads, iterations, S.vectorBitSize());
    }

    /** The width {@link #gflops(int, long)} measures: 512 bits where the JVM prefers them, else 256. */
    public static int defaultBits() {
        return S.vectorBitSize();
    }

    /** {@link #gflops(int, long)} in vectors of {@code bits} bits (256, or 512 where the JIT has them). */
    public static double gflops(int threads, long iterations, int bits) {
        checkBits(bits);
        boolean wide = bits == 512;
        // Compile the loop as a method first, from many short calls: reached only through on-stack replacement in one
        // long call, it sometimes stayed in code that keeps the vectors boxed (one round of the bench measured 30.6
        // GFLOPS against 401-428 in the other four, issue21-run6).
        float warm = 0;
        for (int i = 0; i < WARM_CALLS; i++) {
            warm += wide ? chains512(WARM_ITERATIONS, 1f) : chains256(WARM_ITERATIONS, 1f);
        }
        if (Float.isNaN(warm)) {
            throw new IllegalStateException("FMA ceiling: NaN");
        }
        run(threads, Math.max(1, iterations / 10), wide);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            run(threads, iterations, wide);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            best = Math.max(best, 2.0 * CHAINS * (bits / 32) * iterations * threads / seconds * 1e-9);
        }
        return best;
    }

    /**
     * {@link #gflops(int, long, int)} measured in a JVM of its own (this JVM's {@code java} and class path, the Vector
     * API module and {@code threads} processors): in a JVM that has run other vector code, or vectors of the other
     * width, C2 sometimes compiled the loops with boxed vectors — the bench's rounds measured 12.6–58.9 GFLOPS in 3 of
     * 10 measurements, against 189–441 in the others (issue21-run7), even with the loops compiled first. Falls back
     * to this JVM when the child cannot be started or fails.
     */
    public static double gflopsInFreshJvm(int threads, long iterations, int bits) {
        checkBits(bits);
        return inChildJvm(threads, iterations, bits).orElseGet(() -> gflops(threads, iterations, bits));
    }

    private static void checkBits(int bits) {
        if (bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector bits must be 256 or 512, not " + bits);
        }
    }

    /** The child JVM's measurement for {@link #gflopsInFreshJvm}, or empty when it could not be started or failed. */
    static OptionalDouble inChildJvm(int threads, long iterations, int bits) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:ActiveProcessorCount=" + threads, "-cp", System.getProperty("java.class.path"),
                FmaCeiling.class.getName(), Integer.toString(threads), Long.toString(iterations), Integer.toString(bits));
        try {
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return child.waitFor() == 0 ? OptionalDouble.of(Double.parseDouble(out)) : OptionalDouble.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** Prints {@link #gflops(int, long, int)} for the arguments threads, iterations and bits (for the method above). */
    public static void main(String[] args) {
        System.out.println(gflops(Integer.parseInt(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2])));
    }

    private static void run(int threads, long iterations, boolean wide) {
        CountDownLatch done = new CountDownLatch(threads);
        float[] sink = new float[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                sink[id] = wide ? chains512(iterations, 1f + id * 1e-7f) : chains256(iterations, 1f + id * 1e-7f);
                done.countDown();
            }, "polyhead-fma-ceiling-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the FMA ceiling", e);
        }
        float sum = 0;
        for (float s : sink) {
            sum += s;
        }
        if (Float.isNaN(sum)) { // keeps the JIT from dropping the work; never true for these inputs
            throw new IllegalStateException("FMA ceiling: NaN");
        }
    }

    /** {@value #CHAINS} independent multiply-add chains; the result depends on all of them. */
    private static float chains256(long iterations, float seed) {
        VectorSpecies<Float> s = FloatVector.SPECIES_256;
        FloatVector a = FloatVector.broadcast(s, 0.999999f);
        FloatVector b = FloatVector.broadcast(s, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(s, seed);
        FloatVector c1 = c0.add(1f);
        FloatVector c2 = c0.add(2f);
        FloatVector c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f);
        FloatVector c5 = c0.add(5f);
        FloatVector c6 = c0.add(6f);
        FloatVector c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f);
        FloatVector c9 = c0.add(9f);
        FloatVector c10 = c0.add(10f);
        FloatVector c11 = c0.add(11f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** {@value #CHAINS} independent multiply-add chains in 512-bit vectors (a copy of {@link #chains256}, so that the
     * species is a constant in each loop rather than an argument). */
    private static float chains512(long iterations, float seed) {
        VectorSpecies<Float> s = FloatVector.SPECIES_512;
        FloatVector a = FloatVector.broadcast(s, 0.999999f);
        FloatVector b = FloatVector.broadcast(s, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(s, seed);
        FloatVector c1 = c0.add(1f);
        FloatVector c2 = c0.add(2f);
        FloatVector c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f);
        FloatVector c5 = c0.add(5f);
        FloatVector c6 = c0.add(6f);
        FloatVector c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f);
        FloatVector c9 = c0.add(9f);
        FloatVector c10 = c0.add(10f);
        FloatVector c11 = c0.add(11f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
