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
 * 128 with random inputs: for every strategy and gradient source, the median time of one epoch of {@code steps} steps over
 * {@code reps} repetitions, run round-robin so that a noisy phase of the machine hits all alike, reported as ms per
 * step and as a ratio to equal weighting measured in the same run.
 */
public final class WeightingCost {
    private static final int BATCH = 128;

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

        @Override
        protected Options options() {
            return new Options(atLeast("--reps", reps, 1), atLeast("--steps", steps, 1));
        }
    }

    record Options(int reps, int steps) {
    }

    private WeightingCost() {
    }

    record Config(String name, java.util.function.Supplier<Weighting> weighting, GradientSource source) {
    }

    public static void main(String[] args) {
        new Cli().main(args, o -> run(o, System.out));
    }

    /** Measures and prints every strategy's time per step; returns the ms per step of each, keyed "name/source". */
    static Map<String, Double> run(Options o, PrintStream out) {
        int reps = o.reps();
        Dataset data = randomW1Data(o.steps() * BATCH, 1);
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("equal", Weightings::equal, GradientSource.PARAMETERS));
        configs.add(new Config("uncertainty", () -> Weightings.uncertainty(List.of("item", "group")), GradientSource.PARAMETERS));
        configs.add(new Config("dwa", Weightings::dwa, GradientSource.PARAMETERS));
        configs.add(new Config("famo", () -> Weightings.famo(List.of("item", "group")), GradientSource.PARAMETERS));
        configs.add(new Config("gls", Weightings::gls, GradientSource.PARAMETERS));
        configs.add(new Config("stch", () -> Weightings.stch(1, 0), GradientSource.PARAMETERS));
        for (GradientSource s : GradientSource.values()) {
            configs.add(new Config("pcgrad", Weightings::pcGrad, s));
            configs.add(new Config("mgda", Weightings::mgda, s));
            configs.add(new Config("cagrad", Weightings::caGrad, s));
            configs.add(new Config("nash-mtl", Weightings::nashMtl, s));
            configs.add(new Config("gradnorm", () -> Weightings.gradNorm(0.025), s));
        }
        Map<Config, double[]> times = new LinkedHashMap<>();
        configs.forEach(c -> times.put(c, new double[reps]));
        for (Config c : configs) {
            epochSeconds(c, data); // warm-up
        }
        for (int r = 0; r < reps; r++) {
            for (Config c : configs) {
                times.get(c)[r] = epochSeconds(c, data);
            }
        }
        double base = median(times.get(configs.get(0))) / o.steps() * 1e3;
        out.printf("W1 batch %d, %d steps per measurement, median of %d; gemm %s%n", BATCH, o.steps(), reps,
                polyhead.tensor.Gemms.current().name());
        out.printf("%-12s  %-14s  %9s  %9s%n", "weighting", "gradients of", "ms/step", "× equal");
        Map<String, Double> result = new LinkedHashMap<>();
        for (Config c : configs) {
            double ms = median(times.get(c)) / o.steps() * 1e3;
            String source = c.source().name().toLowerCase(Locale.ROOT);
            out.printf("%-12s  %-14s  %9.2f  %9.2f%n", c.name(), source, ms, ms / base);
            result.put(c.name() + "/" + source, ms);
        }
        return result;
    }

    static double epochSeconds(Config c, Dataset data) {
        Random rng = new Random(0);
        HardSharing model = new HardSharing(new Sequential(new Linear(784, 256, rng), Activation.relu(),
                new Linear(256, 128, rng), Activation.relu()), List.of(
                Task.builder("item").head(new Linear(128, 10, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("group").head(new Linear(128, 5, rng)).loss(Losses.crossEntropy()).weight(0.5).build()));
        Trainer t = Trainer.builder(model).optimizer(Optimizers.adam(1e-3)).weighting(c.weighting().get())
                .gradientSource(c.source()).epochs(1).diagnostics(false).build();
        long t0 = System.nanoTime();
        t.fit(polyhead.data.Batching.sequential(data, BATCH), null);
        return (System.nanoTime() - t0) / 1e9;
    }

    static Dataset randomW1Data(int n, long seed) {
        Random rng = new Random(seed);
        float[] item = new float[n];
        float[] group = new float[n];
        for (int i = 0; i < n; i++) {
            item[i] = rng.nextInt(10);
            group[i] = rng.nextInt(5);
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("item", Tensor.of(item, n));
        targets.put("group", Tensor.of(group, n));
        return Dataset.of(Tensor.uniform(rng, polyhead.tensor.Shape.of(n, 784), 0f, 1f), targets);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
