package polyhead.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import polyhead.tensor.EjmlGemm;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.VectorGemm;

/**
 * The performance workloads of BENCHMARKS.md (W1 mlp-mtl, W2 lenet-mtl, W3 sgemm) on each GEMM, timed as
 * {@code torch_baseline.py} times PyTorch so that the two can be compared: every configuration is measured
 * {@code --reps} times in round-robin order (slow phases of a shared machine hit all alike), after
 * {@code --warmup-rounds} untimed rounds over all of them (the JIT compiles); a measurement is {@code --warmup}
 * untimed steps and {@code --steps} individually timed steps, and its value is the median step. Reported: the median over reps, the min..max over reps, samples/s, and GFLOPS of the matrix
 * products.
 *
 * <p>W1 and W2 are timed as forward+backward (zero gradients, forward, losses, backward) until the optimizer
 * library exists; {@link TrainingMeasurement.Update} is where its step plugs in. {@code samples/bench/run_peer.sh}
 * runs PyTorch and this bench in the same run and prints the ratios.
 */
public final class Bench {
    record Options(List<String> workloads, List<String> gemms, int reps, int warmup, int steps, int threads,
                   int warmupRounds, Path json) {
        static final String USAGE = """
                usage: Bench [--workloads w1,w2,w3] [--gemms ejml,vector] [--reps N] [--warmup N] [--steps N]
                             [--threads N] [--json FILE]
                  --workloads  which of W1 (mlp-mtl, batch 32/128/512), W2 (lenet-mtl, batch 256) and W3 (sgemm
                               1024^3 and 256x784*784x256) to run (default: all)
                  --gemms      the GEMMs to compare (default: ejml and, if the JVM has the Vector API module, vector)
                  --reps       measurements of each configuration, round-robin (default 3)
                  --warmup     untimed steps before each measurement (default 20; sgemm: at most 5)
                  --steps      timed steps per measurement (default 60; sgemm: max(20, steps/3))
                  --threads    threads of the vector GEMM (default: available processors)
                  --warmup-rounds  untimed rounds over every configuration before the first measured one, so that
                               the JIT has compiled all of them (default 1)
                  --json       also write the results as JSON to FILE
                """;

        static Options parse(String[] args) {
            List<String> workloads = List.of("w1", "w2", "w3");
            List<String> gemms = Gemms.vectorAvailable() ? List.of("ejml", "vector") : List.of("ejml");
            int reps = 3;
            int warmup = 20;
            int steps = 60;
            int threads = Runtime.getRuntime().availableProcessors();
            int warmupRounds = 1;
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value (see --help)");
                }
                String v = args[++i];
                switch (a) {
                    case "--workloads" -> workloads = list(v, "w1", "w2", "w3");
                    case "--gemms" -> gemms = list(v, "ejml", "vector");
                    case "--reps" -> reps = positive(a, v);
                    case "--warmup" -> warmup = nonNegative(a, v);
                    case "--steps" -> steps = positive(a, v);
                    case "--threads" -> threads = positive(a, v);
                    case "--warmup-rounds" -> warmupRounds = nonNegative(a, v);
                    case "--json" -> json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                }
            }
            return new Options(workloads, gemms, reps, warmup, steps, threads, warmupRounds, json);
        }

        private static List<String> list(String v, String... allowed) {
            List<String> out = new ArrayList<>();
            for (String s : v.split(",")) {
                String t = s.trim().toLowerCase(Locale.ROOT);
                if (!List.of(allowed).contains(t)) {
                    throw new IllegalArgumentException("'" + t + "' is not one of " + String.join(", ", allowed));
                }
                out.add(t);
            }
            return out;
        }

        private static int positive(String option, String v) {
            int n = nonNegative(option, v);
            if (n < 1) {
                throw new IllegalArgumentException("option " + option + " must be >= 1, got " + n);
            }
            return n;
        }

        private static int nonNegative(String option, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new IllegalArgumentException("option " + option + " must be >= 0, got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + option + ": '" + v + "' is not a whole number");
            }
        }
    }

    private Bench() {
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
            if (o.gemms().contains("vector") && !Gemms.vectorAvailable()) {
                throw new IllegalArgumentException("the vector GEMM needs the JVM flag --add-modules jdk.incubator.vector"
                        + " (and AVX2); run with it or use --gemms ejml");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(o);
    }

    static void run(Options o) {
        Map<String, Object> info = info(o);
        info.forEach((k, v) -> System.out.println("# " + k + ": " + v));
        List<Gemm> gemms = new ArrayList<>();
        for (String g : o.gemms()) {
            gemms.add(g.equals("ejml") ? new EjmlGemm() : new VectorGemm(o.threads()));
        }
        List<Measurement> ms = new ArrayList<>();
        for (Gemm g : gemms) {
            if (o.workloads().contains("w1")) {
                for (int batch : new int[] {32, 128, 512}) {
                    ms.add(new TrainingMeasurement("W1 mlp-mtl", Models.mlpMtl(new Random(0)), batch, new int[] {784},
                            10, 5, 1.0f, 0.5f, g, null));
                }
            }
            if (o.workloads().contains("w2")) {
                ms.add(new TrainingMeasurement("W2 lenet-mtl", Models.multiLeNet(new Random(0)), 256,
                        new int[] {1, 36, 36}, 10, 10, 1.0f, 1.0f, g, null));
            }
            if (o.workloads().contains("w3")) {
                ms.add(new SgemmMeasurement(g, 1024, 1024, 1024));
                ms.add(new SgemmMeasurement(g, 256, 784, 256));
            }
        }
        List<List<Map<String, Double>>> results = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            results.add(new ArrayList<>());
        }
        long start = System.nanoTime();
        // A JVM compiles as it goes: without these rounds the first configuration measured would still be running
        // partly interpreted or C1-compiled code (W1 b32 measured first was 2-3x slower than later in the run).
        for (int round = 0; round < o.warmupRounds(); round++) {
            for (Measurement m : ms) {
                boolean sgemm = m.batch() == 0;
                m.measure(sgemm ? Math.min(5, o.warmup()) : o.warmup(), sgemm ? 5 : o.steps());
            }
            System.out.printf(Locale.ROOT, "# warm-up round %d done at %.1fs%n", round, (System.nanoTime() - start) * 1e-9);
        }
        for (int rep = 0; rep < o.reps(); rep++) {
            for (int i = 0; i < ms.size(); i++) {
                Measurement m = ms.get(i);
                boolean sgemm = m.batch() == 0;
                int warmup = sgemm ? Math.min(5, o.warmup()) : o.warmup();
                int steps = sgemm ? Math.max(20, o.steps() / 3) : o.steps();
                results.get(i).add(m.measure(warmup, steps));
            }
            System.out.printf(Locale.ROOT, "# rep %d done at %.1fs%n", rep, (System.nanoTime() - start) * 1e-9);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("info", info);
        Map<String, Object> rows = new LinkedHashMap<>();
        out.put("results", rows);
        System.out.printf(Locale.ROOT, "%n%-32s %-10s %11s %23s %10s %8s  %s%n", "workload", "gemm", "ms/step med",
                "(min..max over reps)", "samples/s", "GFLOPS", "fwd / bwd ms, of which in the GEMM (medians)");
        for (int i = 0; i < ms.size(); i++) {
            Measurement m = ms.get(i);
            Map<String, Object> row = summarize(m, results.get(i));
            rows.put(m.name() + " | " + m.gemm(), row);
            double ms0 = (Double) row.get("ms");
            String phases = row.containsKey("fwd_ms")
                    ? String.format(Locale.ROOT, "%.3f (gemm %.3f) / %.3f (gemm %.3f)", row.get("fwd_ms"),
                    row.get("fwd_gemm_ms"), row.get("bwd_ms"), row.get("bwd_gemm_ms")) : "";
            System.out.printf(Locale.ROOT, "%-32s %-10s %11.3f %11.3f..%-11.3f %10s %8.1f  %s%n", m.name(), m.gemm(),
                    ms0, row.get("min_ms"), row.get("max_ms"),
                    m.batch() > 0 ? String.format(Locale.ROOT, "%.0f", m.batch() / ms0 * 1e3) : "-",
                    (Double) row.get("gflops"), phases);
        }
        if (o.json() != null) {
            try {
                Files.writeString(o.json(), Json.write(out) + "\n");
            } catch (IOException e) {
                System.err.println("error: cannot write " + o.json() + ": " + e.getMessage());
                System.exit(1);
            }
        }
    }

    private static Map<String, Object> summarize(Measurement m, List<Map<String, Double>> reps) {
        double[] step = reps.stream().mapToDouble(r -> r.get("step") * 1e3).toArray();
        double med = Stats.median(step);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", m.name());
        row.put("gemm", m.gemm());
        row.put("batch", m.batch());
        row.put("ms", med);
        row.put("min_ms", Stats.min(step));
        row.put("max_ms", Stats.max(step));
        row.put("all_ms", step);
        if (m.batch() > 0) {
            row.put("samples_per_s", m.batch() / med * 1e3);
        }
        row.put("gflops", m.flops() / med * 1e-6);
        for (String phase : List.of("fwd", "bwd", "opt", "fwd_gemm", "bwd_gemm")) {
            if (reps.get(0).containsKey(phase)) {
                row.put(phase + "_ms", Stats.median(reps.stream().mapToDouble(r -> r.get(phase) * 1e3).toArray()));
            }
        }
        return row;
    }

    private static Map<String, Object> info(Options o) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        info.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        info.put("cpu", cpuModel());
        info.put("processors", Runtime.getRuntime().availableProcessors());
        info.put("vector_module", Gemms.vectorAvailable());
        info.put("threads", o.threads());
        info.put("args", "--workloads " + String.join(",", o.workloads()) + " --gemms " + String.join(",", o.gemms())
                + " --reps " + o.reps() + " --warmup " + o.warmup() + " --steps " + o.steps() + " --threads "
                + o.threads() + " --warmup-rounds " + o.warmupRounds());
        info.put("timed", "W1/W2: forward+backward (zero grads + forward + losses + backward), no optimizer step");
        return info;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
