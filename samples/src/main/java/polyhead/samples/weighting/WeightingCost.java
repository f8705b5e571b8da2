package polyhead.samples.weighting;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.samples.SampleCommand;
import polyhead.tensor.Tensor;
import polyhead.train.GradientSource;
import polyhead.train.Trainer;

/**
 * The extra cost per training step of each weighting strategy, measured on the W1 model (BENCHMARKS.md) at batch
 * 128 (or {@code --batch N}) with random inputs: for every strategy and gradient source, the median time of one epoch of {@code steps} steps over
 * {@code reps} repetitions, run round-robin so that a noisy phase of the machine hits all alike, reported as ms per
 * step and as a ratio to equal weighting measured in the same run. The gradient methods over the shared parameters
 * whose update follows from the Gram matrix run twice: the trainer's default one-pass step ("parameters") and the
 * per-task gradient rows ("parameters, per task": {@code Trainer.Builder.layerwiseGram(false)}). With {@code --tasks
 * 4} the trunk feeds four heads (two more classification tasks on random labels) instead of two.
 */
public final class WeightingCost {
    /** W1's batch, the default of {@code --batch}. */
    static final int DEFAULT_BATCH = 128;

    @Command(name = "WeightingCost",
            description = {"The extra cost per training step of each weighting strategy on the W1 model at batch 128,",
                    "as ms per step and as a ratio to equal weighting measured in the same run."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
                description = "measurements of each strategy, round-robin; the median is reported (default ${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "40",
                description = "training steps per measurement (default ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--tasks", paramLabel = "N", defaultValue = "2",
                description = "heads on the trunk: 2 (item, group) or 4 (and two more on random labels) "
                        + "(default ${DEFAULT-VALUE})")
        int tasks;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "" + DEFAULT_BATCH,
                description = "batch size (default ${DEFAULT-VALUE}, W1's)")
        int batch;

        @Option(names = "--only", paramLabel = "LIST",
                description = "measure only these weightings (comma-separated names as printed; equal is always "
                        + "measured, as the base of the ratios)")
        String only;

        @Override
        protected Options options() {
            if (tasks != 2 && tasks != 4) {
                throw new IllegalArgumentException("option --tasks must be 2 or 4, got " + tasks);
            }
            List<String> names = only == null ? null : list("--only", only, ALL);
            return new Options(atLeast("--reps", reps, 1), atLeast("--steps", steps, 1), tasks,
                    atLeast("--batch", batch, 1), names);
        }
    }

    /** {@code only}: the weightings to measure besides equal weighting, or null for all. */
    record Options(int reps, int steps, int tasks, int batch, List<String> only) {
    }

    /** Every weighting measured, by its printed name. */
    static final List<String> ALL = List.of("equal", "uncertainty", "dwa", "famo", "gls", "stch", "pcgrad", "mgda",
            "cagrad", "nash-mtl", "gradnorm");

    /** The task names and class counts of the --tasks 2 and 4 configurations. */
    private static final List<String> NAMES = List.of("item", "group", "parity", "quarter");
    private static final int[] CLASSES = {10, 5, 2, 4};

    private WeightingCost() {
    }

    /** One measured configuration; {@code perTask} turns the one-pass step off (a row per task gradient). */
    record Config(String name, java.util.function.Supplier<Weighting> weighting, GradientSource source,
            boolean perTask) {
        Config(String name, java.util.function.Supplier<Weighting> weighting, GradientSource source) {
            this(name, weighting, source, false);
        }

        String sourceLabel() {
            return source.name().toLowerCase(Locale.ROOT) + (perTask ? ", per task" : "");
        }
    }

    public static void main(String[] args) {
        new Cli().main(args, o -> run(o, System.out));
    }

    /** Measures and prints every strategy's time per step; returns the ms per step of each, keyed "name/source". */
    static Map<String, Double> run(Options o, PrintStream out) {
        int reps = o.reps();
        List<String> names = NAMES.subList(0, o.tasks());
        Dataset data = randomW1Data(o.steps() * o.batch(), 1, o.tasks());
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("equal", Weightings::equal, GradientSource.PARAMETERS));
        configs.add(new Config("uncertainty", () -> Weightings.uncertainty(names), GradientSource.PARAMETERS));
        configs.add(new Config("dwa", Weightings::dwa, GradientSource.PARAMETERS));
        configs.add(new Config("famo", () -> Weightings.famo(names), GradientSource.PARAMETERS));
        configs.add(new Config("gls", Weightings::gls, GradientSource.PARAMETERS));
        configs.add(new Config("stch", () -> Weightings.stch(1, 0), GradientSource.PARAMETERS));
        for (GradientSource s : GradientSource.values()) {
            configs.add(new Config("pcgrad", Weightings::pcGrad, s));
            configs.add(new Config("mgda", Weightings::mgda, s));
            configs.add(new Config("cagrad", Weightings::caGrad, s));
            configs.add(new Config("nash-mtl", Weightings::nashMtl, s));
            configs.add(new Config("gradnorm", () -> Weightings.gradNorm(0.025), s));
        }
        configs.add(new Config("pcgrad", Weightings::pcGrad, GradientSource.PARAMETERS, true));
        configs.add(new Config("mgda", Weightings::mgda, GradientSource.PARAMETERS, true));
        configs.add(new Config("cagrad", Weightings::caGrad, GradientSource.PARAMETERS, true));
        configs.add(new Config("nash-mtl", Weightings::nashMtl, GradientSource.PARAMETERS, true));
        configs.add(new Config("gradnorm", () -> Weightings.gradNorm(0.025), GradientSource.PARAMETERS, true));
        if (o.only() != null) {
            configs.removeIf(c -> !c.name().equals("equal") && !o.only().contains(c.name()));
        }
        Map<Config, double[]> times = new LinkedHashMap<>();
        configs.forEach(c -> times.put(c, new double[reps]));
        for (Config c : configs) {
            epochSeconds(c, data, o.tasks(), o.batch()); // warm-up
        }
        for (int r = 0; r < reps; r++) {
            for (Config c : configs) {
                times.get(c)[r] = epochSeconds(c, data, o.tasks(), o.batch());
            }
        }
        double base = median(times.get(configs.get(0))) / o.steps() * 1e3;
        out.printf("W1 batch %d, %d tasks, %d steps per measurement, median of %d; gemm %s%n", o.batch(), o.tasks(),
                o.steps(), reps, polyhead.tensor.Gemms.current().name());
        out.printf("%-12s  %-20s  %9s  %9s%n", "weighting", "gradients of", "ms/step", "× equal");
        Map<String, Double> result = new LinkedHashMap<>();
        for (Config c : configs) {
            double ms = median(times.get(c)) / o.steps() * 1e3;
            out.printf("%-12s  %-20s  %9.2f  %9.2f%n", c.name(), c.sourceLabel(), ms, ms / base);
            result.put(c.name() + "/" + c.sourceLabel(), ms);
        }
        return result;
    }

    static double epochSeconds(Config c, Dataset data, int tasks, int batch) {
        Random rng = new Random(0);
        List<Task> heads = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            heads.add(Task.builder(NAMES.get(t)).head(new Linear(128, CLASSES[t], rng)).loss(Losses.crossEntropy())
                    .weight(t == 1 ? 0.5 : 1).build());
        }
        HardSharing model = new HardSharing(new Sequential(new Linear(784, 256, rng), Activation.relu(),
                new Linear(256, 128, rng), Activation.relu()), heads);
        Trainer t = Trainer.builder(model).optimizer(Optimizers.adam(1e-3)).weighting(c.weighting().get())
                .gradientSource(c.source()).layerwiseGram(!c.perTask()).epochs(1).diagnostics(false).build();
        long t0 = System.nanoTime();
        t.fit(polyhead.data.Batching.sequential(data, batch), null);
        return (System.nanoTime() - t0) / 1e9;
    }

    static Dataset randomW1Data(int n, long seed, int tasks) {
        Random rng = new Random(seed);
        float[][] labels = new float[tasks][n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < tasks; t++) {
                labels[t][i] = rng.nextInt(CLASSES[t]);
            }
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        for (int t = 0; t < tasks; t++) {
            targets.put(NAMES.get(t), Tensor.of(labels[t], n));
        }
        return Dataset.of(Tensor.uniform(rng, polyhead.tensor.Shape.of(n, 784), 0f, 1f), targets);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
