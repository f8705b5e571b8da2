package polyhead.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import polyhead.datasets.FashionMnist;
import polyhead.io.AtomicFiles;
import polyhead.io.FormatException;
import polyhead.io.Json;
import polyhead.io.NotARegularFileException;
import polyhead.tensor.EjmlGemm;
import polyhead.tensor.Gemm;
import polyhead.tensor.FmaCeiling;
import polyhead.tensor.Gemms;
import polyhead.tensor.VectorGemm;
import polyhead.io.FileFaults;

/**
 * The performance workloads of BENCHMARKS.md (W1 mlp-mtl, W1-predict, W2 lenet-mtl, W3 sgemm, W1-epoch, W4) on each
 * GEMM, timed as {@code torch_baseline.py} times PyTorch so that the two can be compared: every configuration is
 * measured {@code --reps} times in round-robin order (slow phases of a shared machine hit all alike), after
 * {@code --warmup-rounds} untimed rounds over all of them (the JIT compiles); a measurement is {@code --warmup}
 * untimed steps and {@code --steps} individually timed steps, and its value is the median step. Reported: the median
 * over reps, the min..max over reps, samples/s, and GFLOPS of the matrix products.
 *
 * <p>A W1/W2 step is the full training step: zero gradients, forward, losses, backward and the optimizer update
 * ({@link BenchOptimizers}: W1 with each of {@code --optimizers}, W2 with Adam); {@code --optimizers none} times
 * forward+backward alone. W1-epoch ({@link EpochMeasurement}) trains {@code --epochs} epochs on the full
 * Fashion-MNIST per measurement and reports the median epoch and the test accuracy after the last one.
 * W1-predict ({@link PredictMeasurement}) times one serving call of a {@link polyhead.serve.Predictor} on W1's network
 * for 1 and 64 samples. W4 ({@link W4Models}: a BiLSTM tagger and a 2-layer Transformer encoder with three heads, on
 * {@link W4Batches}' sentences) is the full step with Adam ({@code --optimizers none}: forward+backward).
 * {@code cli/bench/run_peer.sh} runs PyTorch and this bench in the same run and prints the ratios.
 */
@Command(name = "bench", synopsisHeading = "",
        header = "the performance workloads of BENCHMARKS.md (polyhead bench --help)",
        customSynopsis = {
                "usage: polyhead bench [--workloads w1,w1-predict,w2,w3,w1-epoch,w4-bilstm,w4-transformer]",
                "                      [--gemms ejml,vector]",
                "                      [--optimizers adam,sgdm,adamw] [--reps N] [--warmup N] [--steps N]",
                "                      [--threads N]",
                "                      [--warmup-rounds N] [--epochs N] [--seed N] [--data DIR] [--json FILE]"},
        descriptionHeading = "%n", description = {
                "Times the workloads of BENCHMARKS.md on each GEMM, as torch_baseline.py times PyTorch.",
                "Training steps run in an Arena (each reuses the previous step's arrays); the JVM property",
                "-Dpolyhead.bench.arena=false makes them allocate instead."},
        optionListHeading = "%noptions:%n", sortOptions = false,
        footerHeading = "%n", footer = "exit codes: 0 ok, 1 a file could not be read or written, 2 bad command line")
public final class Bench implements Callable<Integer> {
    /** W4: sentences per batch, and batches in the pool the steps cycle through (as torch_w4.py). */
    static final int W4_BATCH = 32;
    static final int W4_POOL = 8;
    /** The bench's settings, checked. */
    record Options(List<String> workloads, List<String> gemms, List<String> optimizers, int reps, int warmup,
                   int steps, int threads, int warmupRounds, int epochs, long seed, Path data, Path json,
                   boolean products) {
    }

    @Option(names = "--workloads", paramLabel = "LIST", defaultValue = "w1,w1-predict,w2,w3",
            description = "which of W1 (mlp-mtl, batch 32/128/512), W1-predict (a Predictor's call on W1's network, "
            + "1 and 64 samples), W2 (lenet-mtl, batch 256), W3 (sgemm 1024^3 and 256x784*784x256) and W1-epoch (one "
            + "epoch of W1 on the 60k Fashion-MNIST, batch 128, Adam), W4-bilstm and W4-transformer (sequence "
            + "taggers with three heads, batch 32, sentences up to 50 tokens, Adam) to run (default: ${DEFAULT-VALUE})")
    String workloads;

    @Option(names = "--gemms", paramLabel = "LIST",
            description = "the GEMMs to compare (default: vector if the JVM has the Vector API module, else ejml)")
    String gemms;

    @Option(names = "--optimizers", paramLabel = "LIST", description = "the optimizers of W1 steps: adam (lr 1e-3), "
            + "sgdm (SGD lr 1e-2, momentum 0.9), adamw (lr 1e-3, weight decay 1e-2), or none for forward+backward "
            + "alone (default: all three)")
    String optimizers;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "3",
            description = "measurements of each configuration, round-robin (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20",
            description = "untimed steps before each measurement (default ${DEFAULT-VALUE}; sgemm: at most 5)")
    int warmup;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "60",
            description = "timed steps per measurement (default ${DEFAULT-VALUE}; sgemm: max(20, steps/3))")
    int steps;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads of the vector GEMM (default: available processors)")
    Integer threads;

    @Option(names = "--warmup-rounds", paramLabel = "N", defaultValue = "1", description = "untimed rounds over every "
            + "configuration before the first measured one, so that the JIT has compiled all of them (default "
            + "${DEFAULT-VALUE}; W1-epoch: one epoch; W1-predict: " + PredictMeasurement.WARMUP_SECONDS
            + " s and at least " + PredictMeasurement.WARMUP_CALLS + " calls)")
    int warmupRounds;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "W1-epoch: epochs per measurement; its value is their median (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "W1-epoch: seed of the model and the shuffling (default ${DEFAULT-VALUE})")
    int seed;

    @Option(names = "--data", paramLabel = "DIR",
            description = "W1-epoch: the Fashion-MNIST folder (default: Debian's /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--products", description = "after the timed rounds, each training workload's matrix products "
            + "one by one (shape, calls per step, median time per call inside the step and alone on fresh operands) "
            + "and its optimizer update inside the step and alone: where the step's time goes")
    boolean products;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    /** The bench command, reporting to {@code out}. */
    public Bench(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the bench. A bad option value is a {@link ParameterException} (exit code 2); a file that cannot be read or
     * written is a {@link FormatException} (exit code 1).
     */
    @Override
    public Integer call() {
        Options o = options();
        try {
            if (o.json() != null) {
                AtomicFiles.requireReplaceable(o.json()); // before the measurements, not after
            }
            run(o, out);
        } catch (IllegalArgumentException e) {
            // data the workloads cannot use, e.g. W1-epoch on a subset: a fault of the inputs, not of the bench
            throw new FormatException(e.getMessage());
        } catch (NotARegularFileException e) {
            throw new FormatException("--json " + e.getMessage() + "; give a file path");
        } catch (IOException e) {
            throw FileFaults.writeFault(o.json(), e);
        }
        return 0;
    }

    /** The options given, checked; a {@link ParameterException} naming the fault otherwise. */
    Options options() {
        try {
            List<String> g = gemms == null ? (Gemms.vectorAvailable() ? List.of("vector") : List.of("ejml"))
                    : list(gemms, "ejml", "vector");
            if (g.contains("vector") && !Gemms.vectorAvailable()) {
                throw new IllegalArgumentException("the vector GEMM needs the JVM flag --add-modules "
                        + "jdk.incubator.vector (and AVX2); run with it or use --gemms ejml");
            }
            List<String> opts = optimizers == null ? BenchOptimizers.NAMES : optimizers.trim().equals("none")
                    ? List.of() : list(optimizers, BenchOptimizers.NAMES.toArray(new String[0]));
            return new Options(list(workloads, "w1", "w1-predict", "w2", "w3", "w1-epoch", "w4-bilstm",
                    "w4-transformer"), g, opts,
                    positive("--reps", reps),
                    nonNegative("--warmup", warmup), positive("--steps", steps),
                    threads == null ? Runtime.getRuntime().availableProcessors() : positive("--threads", threads),
                    nonNegative("--warmup-rounds", warmupRounds), positive("--epochs", epochs),
                    nonNegative("--seed", seed), data, json, products);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
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

    private static int positive(String option, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("option " + option + " must be >= 1, got " + n);
        }
        return n;
    }

    private static int nonNegative(String option, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("option " + option + " must be >= 0, got " + n);
        }
        return n;
    }

    static void run(Options o, PrintStream out) throws IOException {
        Map<String, Object> info = info(o);
        info.forEach((k, v) -> out.println("# " + k + ": " + v));
        FashionMnist.Data fashion = o.workloads().contains("w1-epoch") ? FashionMnist.load(o.data()) : null;
        List<Gemm> gemms = new ArrayList<>();
        for (String g : o.gemms()) {
            gemms.add(g.equals("ejml") ? new EjmlGemm() : new VectorGemm(o.threads()));
        }
        List<Measurement> ms = new ArrayList<>();
        for (Gemm g : gemms) {
            if (o.workloads().contains("w1")) {
                for (int batch : new int[] {32, 128, 512}) {
                    List<String> opts = o.optimizers().isEmpty() ? Collections.singletonList(null)
                            : o.optimizers();
                    for (String opt : opts) {
                        ms.add(TrainingMeasurement.withShapeChange("W1 mlp-mtl", Models.mlpMtl(new Random(0)),
                                batch, new int[] {784}, 10, 5, 1.0f, 0.5f, g, opt));
                    }
                }
            }
            if (o.workloads().contains("w1-predict")) {
                for (int batch : new int[] {1, 64}) {
                    ms.add(new PredictMeasurement(g, batch));
                }
            }
            if (o.workloads().contains("w2")) {
                ms.add(TrainingMeasurement.withShapeChange("W2 lenet-mtl", Models.multiLeNet(new Random(0)), 256,
                        new int[] {1, 36, 36}, 10, 10, 1.0f, 1.0f, g, o.optimizers().isEmpty() ? null : "adam"));
            }
            if (o.workloads().contains("w3")) {
                ms.add(new SgemmMeasurement(g, 1024, 1024, 1024));
                ms.add(new SgemmMeasurement(g, 256, 784, 256));
            }
            if (fashion != null) {
                ms.add(new EpochMeasurement(fashion, g, o.epochs(), o.seed()));
            }
            String w4Optimizer = o.optimizers().isEmpty() ? null : "adam";
            if (o.workloads().contains("w4-bilstm")) {
                ms.add(w4("W4 bilstm", W4Models.biLstm(W4Models.Sizes.W4, new Random(0)), g, w4Optimizer));
            }
            if (o.workloads().contains("w4-transformer")) {
                ms.add(w4("W4 transformer", W4Models.transformer(W4Models.Sizes.W4, new Random(0)), g, w4Optimizer));
            }
        }
        List<List<Map<String, Double>>> results = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            results.add(new ArrayList<>());
        }
        long start = System.nanoTime();
        // A JVM compiles as it goes: without these rounds the first configuration measured would still be running
        // partly interpreted or C1-compiled code, and slower than the same configuration later in the run.
        for (int round = 0; round < o.warmupRounds(); round++) {
            for (Measurement m : ms) {
                if (m instanceof EpochMeasurement e) {
                    e.warmUp();
                } else if (m instanceof PredictMeasurement p) {
                    p.warmUp();
                } else {
                    boolean sgemm = m.batch() == 0;
                    m.measure(sgemm ? Math.min(5, o.warmup()) : o.warmup(), sgemm ? 5 : o.steps());
                }
            }
            out.printf(Locale.ROOT, "# warm-up round %d done at %.1fs%n", round, (System.nanoTime() - start) * 1e-9);
        }
        for (int rep = 0; rep < o.reps(); rep++) {
            for (int i = 0; i < ms.size(); i++) {
                Measurement m = ms.get(i);
                boolean sgemm = m.batch() == 0;
                int warmup = sgemm ? Math.min(5, o.warmup()) : o.warmup();
                int steps = sgemm ? Math.max(20, o.steps() / 3) : o.steps();
                results.get(i).add(m.measure(warmup, steps));
            }
            out.printf(Locale.ROOT, "# rep %d done at %.1fs%n", rep, (System.nanoTime() - start) * 1e-9);
        }
        Map<String, Object> profiles = new LinkedHashMap<>();
        if (o.products()) {
            for (Measurement m : ms) {
                if (m instanceof TrainingMeasurement t) {
                    profiles.put(m.name() + " | " + m.gemm(), t.productProfile(o.warmup(), o.steps(), out));
                }
            }
        }
        if (Gemms.vectorAvailable()) {
            // The ceiling the products' GFLOPS are read against: multiply-adds alone, on the bench's threads, at both
            // widths, each in a JVM of its own: here, after the workloads, C2 sometimes compiled the loops with boxed
            // vectors (FmaCeiling.gflopsInFreshJvm). Measured last all the same, so that the children do not share
            // the cores with a workload.
            info.put("fma_ceiling_gflops", Math.round(FmaCeiling.gflopsInFreshJvm(o.threads(), 50_000_000L,
                    FmaCeiling.defaultBits()) * 10) / 10.0);
            info.put("fma_ceiling_256bit_gflops",
                    Math.round(FmaCeiling.gflopsInFreshJvm(o.threads(), 50_000_000L, 256) * 10) / 10.0);
            out.printf(Locale.ROOT, "# fma ceiling: %.1f GFLOPS (%d-bit vectors), %.1f (256-bit), %d threads%n",
                    info.get("fma_ceiling_gflops"), info.get("vector_bits"), info.get("fma_ceiling_256bit_gflops"),
                    o.threads());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("info", info);
        Map<String, Object> rows = new LinkedHashMap<>();
        report.put("results", rows);
        if (o.products()) {
            report.put("products", profiles);
        }
        out.printf(Locale.ROOT, "%n%-38s %-10s %11s %23s %10s %8s  %s%n", "workload", "gemm", "ms/step med",
                "(min..max over reps)", "samples/s", "GFLOPS", "fwd / bwd / opt ms, fwd and bwd in the GEMM (medians)");
        for (int i = 0; i < ms.size(); i++) {
            Measurement m = ms.get(i);
            Map<String, Object> row = summarize(m, results.get(i));
            rows.put(m.name() + " | " + m.gemm(), row);
            double ms0 = (Double) row.get("ms");
            String phases = "";
            if (row.containsKey("fwd_ms")) {
                phases = String.format(Locale.ROOT, "%.3f (gemm %.3f) / %.3f (gemm %.3f)", row.get("fwd_ms"),
                        row.get("fwd_gemm_ms"), row.get("bwd_ms"), row.get("bwd_gemm_ms"))
                        + (row.containsKey("opt_ms") ? String.format(Locale.ROOT, " / %.3f", row.get("opt_ms")) : "")
                        + (row.containsKey("after_change_first_ms") ? String.format(Locale.ROOT,
                        "; after a change of shape: first step %.3f, first %d %.3f", row.get("after_change_first_ms"),
                        TrainingMeasurement.AFTER_CHANGE, row.get("after_change_mean_ms")) : "");
            } else if (row.containsKey("acc10")) {
                phases = String.format(Locale.ROOT, "test accuracy after %d epochs: 10-class %.4f, 5-class %.4f",
                        o.epochs(), row.get("acc10"), row.get("acc5"));
            }
            out.printf(Locale.ROOT, "%-38s %-10s %11.3f %11.3f..%-11.3f %10s %8.1f  %s%n", m.name(), m.gemm(),
                    ms0, row.get("min_ms"), row.get("max_ms"),
                    m.batch() > 0 ? String.format(Locale.ROOT, "%.0f", m.batch() / ms0 * 1e3) : "-",
                    (Double) row.get("gflops"), phases);
        }
        if (o.json() != null) {
            byte[] json = (Json.pretty(report) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(o.json(), ch -> {
                ByteBuffer buf = ByteBuffer.wrap(json);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            });
        }
    }

    /** A W4 step on a pool of {@value #W4_POOL} batches of {@value #W4_BATCH} sentences ({@link W4Batches}, seed 0). */
    static TrainingMeasurement w4(String name, W4Models.Tagger model, Gemm gemm, String optimizer) {
        W4Batches rule = new W4Batches(0);
        W4Batches.Batch[] pool = new W4Batches.Batch[W4_POOL];
        for (int i = 0; i < W4_POOL; i++) {
            pool[i] = rule.next(W4_BATCH, W4Models.Sizes.W4);
        }
        return new TrainingMeasurement(name, model, i -> model.loss(pool[i % W4_POOL]), W4_BATCH, gemm, optimizer);
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
        row.put("all_ms", Arrays.stream(step).boxed().toList());
        if (m.batch() > 0) {
            row.put("samples_per_s", m.batch() / med * 1e3);
        }
        row.put("gflops", m.flops() / med * 1e-6);
        for (String phase : List.of("fwd", "bwd", "opt", "fwd_gemm", "bwd_gemm")) {
            if (reps.get(0).containsKey(phase)) {
                row.put(phase + "_ms", Stats.median(reps.stream().mapToDouble(r -> r.get(phase) * 1e3).toArray()));
            }
        }
        for (String after : List.of("after_change_first", "after_change_mean")) {
            if (reps.get(0).containsKey(after)) {
                row.put(after + "_ms", Stats.median(reps.stream().mapToDouble(r -> r.get(after) * 1e3).toArray()));
            }
        }
        for (String score : List.of("acc10", "acc5")) {
            if (reps.get(0).containsKey(score)) {
                row.put(score, Stats.median(reps.stream().mapToDouble(r -> r.get(score)).toArray()));
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
        info.put("cpu_flags", cpuFlags());
        info.put("vector_bits", Gemms.vectorAvailable() ? VectorGemm.preferredVectorBits() : 0);

        info.put("processors", Runtime.getRuntime().availableProcessors());
        info.put("vector_module", Gemms.vectorAvailable());
        info.put("threads", o.threads());
        info.put("args", "--workloads " + String.join(",", o.workloads()) + " --gemms " + String.join(",", o.gemms())
                + " --reps " + o.reps() + " --warmup " + o.warmup() + " --steps " + o.steps() + " --threads "
                + o.threads() + " --warmup-rounds " + o.warmupRounds() + " --optimizers "
                + (o.optimizers().isEmpty() ? "none" : String.join(",", o.optimizers())) + " --epochs " + o.epochs()
                + " --seed " + o.seed());
        info.put("timed", o.optimizers().isEmpty()
                ? "W1/W2/W4: forward+backward (zero grads + forward + losses + backward), no optimizer step"
                : "W1/W2/W4: full step (zero grads + forward + losses + backward + optimizer update)");
        info.put("arena", TrainingMeasurement.ARENA ? "on: steps reuse their arrays (Arena)"
                : "off (-Dpolyhead.bench.arena=false): steps allocate");
        return info;
    }

    /** Which of the vector extensions that decide the kernels' width the CPU reports (Linux), e.g. "avx2 fma avx512f". */
    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    List<String> shown = new ArrayList<>();
                    for (String f : List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                            "avx512_bf16")) {
                        if (flags.contains(f)) {
                            shown.add(f);
                        }
                    }
                    return String.join(" ", shown);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown";
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
