package polyhead.samples.results;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.datasets.MmoeSynthetic;
import polyhead.datasets.MultiFashion;
import polyhead.experiment.Algorithm;
import polyhead.experiment.ArchitecturePlan;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.Layer;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TrainedModel;
import polyhead.experiment.TrainingPlan;
import polyhead.experiment.WeightingPlan;
import polyhead.loss.Losses;
import polyhead.metrics.DeltaM;
import polyhead.metrics.Metrics;
import polyhead.mtl.weighting.MoCo;
import polyhead.optim.Optimizers.Adam;
import polyhead.samples.EpochTimes;
import polyhead.samples.SampleCommand;

/**
 * The results table of every weighting with hard sharing and every architecture with equal weighting, on Multi-Fashion
 * and on the MMoE synthetic tasks at two task correlations: per task the test metric's mean ± standard deviation over
 * seeds, Δm against single-task models of the same seed ({@link DeltaM}: mean relative loss of performance in percent,
 * positive = worse than single-task), the parameter count and the median seconds per epoch. Written as Markdown to
 * {@code --out} (replaced whole at the end, never half-written) and printed.
 *
 * <p>Every model of one dataset has the same trunk layers and heads, built by {@link ExperimentBuilder}; an
 * architecture that copies the trunk (towers, experts) copies those layers, so its parameter count (in the table)
 * grows with its copies — the architectures are compared at their own sizes, not at equal parameters.
 * <ul>
 *   <li>Multi-Fashion ({@link MultiFashion.Recipe#PARETO_MTL}, 36×36; the canvases of seed 42 for every seed, which
 *   varies initialization and batch order): MultiLeNet's trunk (conv 10k9, ReLU, pool 2, conv 20k5, ReLU, pool 2,
 *   flatten, dense 50, ReLU), heads dense 10 with cross-entropy; metric test accuracy. Budget by default 6,000
 *   training and 2,000 test images, 2 epochs, batch 32, Adam 2e-3 — the budget of {@code MultiFashionComparison}'s
 *   default, far below the published protocol (its Javadoc gives the gap), so that the whole table runs in a few
 *   hours on 2 cores.</li>
 *   <li>MMoE synthetic ({@link MmoeSynthetic}, Ma et al. 2018), at each correlation of {@code --rhos}: a new generator
 *   and new data per seed, as the paper averages over random data; trunk dense 64, ReLU, dense 16, ReLU, heads dense 8,
 *   ReLU, dense 1 with MSE; metric test R² (1 − MSE / variance of the targets: each seed's generator has its own
 *   label scale, so MSEs of different seeds are not comparable, R²s are). 10,000 training and 2,000 test samples, 20 epochs,
 *   batch 128, Adam 5e-3 ({@code MmoeComparison}'s budget).</li>
 * </ul>
 * Architecture settings: soft sharing λ = 1e-3; cross-stitch, PLE, MTAN and learning to branch cut the trunk at its
 * activations; MMoE and OMoE 4 experts on Multi-Fashion and 8 on MMoE (the paper's), CGC and PLE 2 shared experts
 * and 1 per task, DSelect-k 4 experts (8 on MMoE) selecting 2. Gradient weightings read the gradients of the shared
 * parameters, LibMTL's default, except GradDrop, which reads only the shared representation's.
 *
 * <p>Run from the repository's root (options: {@code -Dexec.args=--help}):
 * <pre>
 * mvn -B -ntp -q -DskipTests package exec:java -Dexec.mainClass=polyhead.samples.results.ResultsTable \
 *     -Dexec.args="--out results-table.md"
 * </pre>
 */
public final class ResultsTable {
    /** Every weighting with its default settings, by its JSON spec name. */
    static final Map<String, Supplier<WeightingPlan>> WEIGHTINGS = weightings();
    /**
     * Settings other than the defaults, for examining a method; {@code --weightings} takes them by name, {@code all}
     * leaves them out. {@code dbMtl-beta0}: DB-MTL without its gradient average (β = 0); {@code moCo-beta1}: MoCo
     * with y_t = the normalized gradient of the batch (β = 1, no tracking); {@code moCo-sigma0}: MoCo's tracking rate
     * held at β = 0.5 instead of decaying as 0.5/√k.
     */
    static final Map<String, Supplier<WeightingPlan>> VARIANTS = Map.of(
            "dbMtl-beta0", () -> WeightingPlan.dbMtl(0, 0),
            "moCo-beta1", () -> WeightingPlan.moCo(1, 0, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA, MoCo.DEFAULT_RHO),
            "moCo-sigma0", () -> WeightingPlan.moCo(MoCo.DEFAULT_BETA, 0, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA,
                    MoCo.DEFAULT_RHO));
    /** Every architecture of the table, by name. */
    static final List<String> ARCHITECTURES = List.of("hardSharing", "softSharing", "crossStitch", "mmoe", "omoe",
            "cgc", "ple", "dselectK", "mtan", "learningToBranch");
    static final List<String> DATASETS = List.of("multiFashion", "mmoe");

    private static Map<String, Supplier<WeightingPlan>> weightings() {
        Map<String, Supplier<WeightingPlan>> m = new LinkedHashMap<>();
        m.put("equal", WeightingPlan::equal);
        m.put("uncertainty", WeightingPlan::uncertainty);
        m.put("dwa", WeightingPlan::dwa);
        m.put("randomLossWeighting", WeightingPlan::randomLossWeighting);
        m.put("famo", WeightingPlan::famo);
        m.put("gls", WeightingPlan::gls);
        m.put("stch", WeightingPlan::stch);
        m.put("dbMtl", WeightingPlan::dbMtl);
        m.put("imtlL", WeightingPlan::imtlL);
        m.put("pcGrad", WeightingPlan::pcGrad);
        m.put("mgda", WeightingPlan::mgda);
        m.put("caGrad", WeightingPlan::caGrad);
        m.put("nashMtl", WeightingPlan::nashMtl);
        m.put("gradNorm", WeightingPlan::gradNorm);
        m.put("imtlG", WeightingPlan::imtlG);
        m.put("imtlH", WeightingPlan::imtlH);
        m.put("alignedMtl", WeightingPlan::alignedMtl);
        m.put("upGrad", WeightingPlan::upGrad);
        m.put("gradVac", WeightingPlan::gradVac);
        m.put("fairGrad", WeightingPlan::fairGrad);
        m.put("excessMtl", WeightingPlan::excessMtl);
        m.put("sdmGrad", WeightingPlan::sdmGrad);
        m.put("moCo", WeightingPlan::moCo);
        m.put("gradDrop", WeightingPlan::gradDrop);
        return m;
    }

    /** What {@code --weightings} accepts: every weighting, then the variants in name order. */
    static List<String> weightingNames() {
        List<String> names = new ArrayList<>(WEIGHTINGS.keySet());
        VARIANTS.keySet().stream().sorted().forEach(names::add);
        return names;
    }

    @Command(name = "ResultsTable", description = {"Every weighting with hard sharing and every architecture with equal",
            "weighting on Multi-Fashion and the MMoE synthetic tasks: per-task test metrics (mean +- sd over seeds),",
            "delta-m against single-task models, time per epoch; Markdown to --out."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--datasets", paramLabel = "LIST", defaultValue = "multiFashion,mmoe",
                description = "multiFashion, mmoe (default ${DEFAULT-VALUE})")
        String datasets;

        @Option(names = "--rhos", paramLabel = "LIST", defaultValue = "0.9,0.5",
                description = "task correlations of the MMoE data (default ${DEFAULT-VALUE})")
        String rhos;

        @Option(names = "--weightings", paramLabel = "LIST", defaultValue = "all",
                description = "weightings with hard sharing, comma-separated, or all; also dbMtl-beta0, moCo-beta1, "
                        + "moCo-sigma0 (settings other than the defaults, not in all) (default ${DEFAULT-VALUE})")
        String weightingList;

        @Option(names = "--architectures", paramLabel = "LIST", defaultValue = "all",
                description = "architectures with equal weighting, comma-separated, or all (default ${DEFAULT-VALUE})")
        String architectureList;

        @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
                description = "seeds per model, from --seed on (default ${DEFAULT-VALUE})")
        int seeds;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "first seed (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--data", paramLabel = "DIR",
                description = "Fashion-MNIST folder (default: Debian's full set if installed, else the shipped subset)")
        Path data;

        @Option(names = "--mf-train-size", paramLabel = "N", defaultValue = "6000",
                description = "Multi-Fashion training images (default ${DEFAULT-VALUE})")
        int mfTrain;

        @Option(names = "--mf-test-size", paramLabel = "N", defaultValue = "2000",
                description = "Multi-Fashion test images (default ${DEFAULT-VALUE})")
        int mfTest;

        @Option(names = "--mf-epochs", paramLabel = "N", defaultValue = "2",
                description = "Multi-Fashion epochs (default ${DEFAULT-VALUE})")
        int mfEpochs;

        @Option(names = "--mmoe-train-size", paramLabel = "N", defaultValue = "10000",
                description = "MMoE training samples (default ${DEFAULT-VALUE})")
        int mmoeTrain;

        @Option(names = "--mmoe-epochs", paramLabel = "N", defaultValue = "20",
                description = "MMoE epochs (default ${DEFAULT-VALUE})")
        int mmoeEpochs;

        @Option(names = "--out", paramLabel = "FILE", description = "Markdown file to write (replaced at the end)")
        Path out;

        @Override
        protected Options options() {
            List<String> w = weightingList.equals("all") ? List.copyOf(WEIGHTINGS.keySet())
                    : list("--weightings", weightingList, weightingNames());
            List<String> a = architectureList.equals("all") ? ARCHITECTURES
                    : list("--architectures", architectureList, ARCHITECTURES);
            List<Double> r = numbers("--rhos", rhos);
            for (double v : r) {
                if (!(v >= -1 && v <= 1)) {
                    throw new IllegalArgumentException("option --rhos: task correlation must be in [-1, 1], got " + v);
                }
            }
            return new Options(list("--datasets", datasets, DATASETS), r, w, a, atLeast("--seeds", seeds, 1), seed,
                    data, atLeast("--mf-train-size", mfTrain, 1), atLeast("--mf-test-size", mfTest, 1),
                    atLeast("--mf-epochs", mfEpochs, 1), atLeast("--mmoe-train-size", mmoeTrain, 2),
                    atLeast("--mmoe-epochs", mmoeEpochs, 1), out);
        }
    }

    record Options(List<String> datasets, List<Double> rhos, List<String> weightings, List<String> architectures,
                   int seeds, long seed, Path data, int mfTrain, int mfTest, int mfEpochs, int mmoeTrain,
                   int mmoeEpochs, Path out) {
    }

    /**
     * One problem of the table: its data for a seed, its model (trunk and heads) and budget, the metric of each task
     * and whether higher is better.
     */
    record Problem(String title, List<String> tasks, String metric, boolean higherIsBetter, int[] input,
                   List<Layer> trunk, List<Layer> head, LabelType labels, boolean classification, int epochs,
                   int batchSize, double lr, int experts, Data data) {
        interface Data {
            Dataset[] trainAndTest(long seed);
        }
    }

    /** One model's results over the seeds: per task the metric of each seed, Δm of each seed, params, s/epoch. */
    record Row(String model, long parameters, Map<String, double[]> metric, double[] deltaM, double secondsPerEpoch) {
    }

    private ResultsTable() {
    }

    public static void main(String[] args) {
        new Cli().main(args, o -> run(o, System.out));
    }

    /** Every problem of {@code o} in order: Multi-Fashion, then the MMoE data at each correlation. */
    static List<Problem> problems(Options o) {
        List<Problem> p = new ArrayList<>();
        if (o.datasets().contains("multiFashion")) {
            MultiFashion.Data d = MultiFashion.load(o.data(), MultiFashion.Recipe.PARETO_MTL, o.mfTrain(), o.mfTest(),
                    o.seed());
            p.add(new Problem(String.format("Multi-Fashion (36x36, %,d training / %,d test images, %d epochs, batch 32,"
                            + " Adam 2e-3; Fashion-MNIST %s, %s)", o.mfTrain(), o.mfTest(), o.mfEpochs(),
                            d.source().label(), d.source().folder()),
                    List.of(MultiFashion.LEFT, MultiFashion.RIGHT), "accuracy", true, new int[] {1, 36, 36},
                    List.of(Layers.conv2d(10, 9), Layers.relu(), Layers.maxPool(2), Layers.conv2d(20, 5), Layers.relu(),
                            Layers.maxPool(2), Layers.flatten(), Layers.dense(50), Layers.relu()),
                    List.of(Layers.dense(10)), LabelType.CLASS_INDEX, true, o.mfEpochs(), 32, 2e-3, 4,
                    seed -> new Dataset[] {d.train(), d.test()}));
        }
        if (o.datasets().contains("mmoe")) {
            for (double rho : o.rhos()) {
                p.add(new Problem(String.format("MMoE synthetic, rho %.2f (%,d training / 2,000 test samples, %d epochs,"
                                + " batch 128, Adam 5e-3)", rho, o.mmoeTrain(), o.mmoeEpochs()),
                        List.of(MmoeSynthetic.Y1, MmoeSynthetic.Y2), "r2", true,
                        new int[] {MmoeSynthetic.Constants.DEFAULT.dimension()},
                        List.of(Layers.dense(64), Layers.relu(), Layers.dense(16), Layers.relu()),
                        List.of(Layers.dense(8), Layers.relu(), Layers.dense(1)), LabelType.REAL_VECTOR, false,
                        o.mmoeEpochs(), 128, 5e-3, 8, seed -> {
                            MmoeSynthetic.Generator g = MmoeSynthetic.generator(rho, seed);
                            return new Dataset[] {g.sample(o.mmoeTrain(), seed * 31 + 1), g.sample(2000, seed * 31 + 2)};
                        }));
            }
        }
        return p;
    }

    static ArchitecturePlan architecture(String name, int experts) {
        return switch (name) {
            case "hardSharing" -> ArchitecturePlan.hardSharing();
            case "softSharing" -> ArchitecturePlan.softSharing(1e-3);
            case "crossStitch" -> ArchitecturePlan.crossStitch();
            case "mmoe" -> ArchitecturePlan.mmoe(experts);
            case "omoe" -> ArchitecturePlan.omoe(experts);
            case "cgc" -> ArchitecturePlan.cgc(2, 1);
            case "ple" -> ArchitecturePlan.ple(2, 1);
            case "dselectK" -> ArchitecturePlan.dselectK(experts, 2);
            case "mtan" -> ArchitecturePlan.mtan();
            case "learningToBranch" -> ArchitecturePlan.learningToBranch();
            default -> throw new IllegalArgumentException("unknown architecture " + name);
        };
    }

    /** Trains one model of {@code p} on {@code tasks}; returns its test metrics per task, parameters and s/epoch. */
    static Map<String, Double> train(Problem p, List<String> tasks, ArchitecturePlan a, WeightingPlan w, long seed,
                                     Dataset train, Dataset test, long[] parameters, double[] seconds) {
        ExperimentBuilder b = new ExperimentBuilder().input(p.input()).trunk(p.trunk()).architecture(a).weighting(w)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(p.lr()))))
                .training(TrainingPlan.defaults().epochs(p.epochs()).batchSize(p.batchSize()).seed(seed)
                        .diagnostics(false));
        for (String t : tasks) {
            b.task(TaskPlan.named(t).head(p.head()).labels(p.labels())
                    .loss(p.classification() ? Losses.crossEntropy() : Losses.mse())
                    .metrics(p.classification() ? Metrics.accuracy() : Metrics.r2()));
        }
        TrainedModel m = b.build().fit(only(train, tasks), null);
        parameters[0] = m.architecture().parameterCount();
        seconds[0] = EpochTimes.median(m.history());
        Map<String, Double> r = m.evaluate(only(test, tasks));
        Map<String, Double> out = new LinkedHashMap<>();
        for (String t : tasks) {
            out.put(t, r.get(t + "." + p.metric()));
        }
        return out;
    }

    private static Dataset only(Dataset d, List<String> tasks) {
        Map<String, polyhead.tensor.Tensor> targets = new LinkedHashMap<>();
        tasks.forEach(t -> targets.put(t, d.targets(t)));
        return Dataset.of(d.inputs(), targets);
    }

    /** The rows of one problem: single-task, every weighting with hard sharing, every other architecture. */
    static List<Row> rows(Problem p, Options o, PrintStream log) {
        record Model(String name, ArchitecturePlan a, Supplier<WeightingPlan> w) {
        }
        List<Model> models = new ArrayList<>();
        for (String w : o.weightings()) {
            models.add(new Model(w.equals("equal") ? "equal (hardSharing)" : w, ArchitecturePlan.hardSharing(),
                    WEIGHTINGS.getOrDefault(w, VARIANTS.get(w))));
        }
        for (String a : o.architectures()) {
            if (!a.equals("hardSharing") || !o.weightings().contains("equal")) {
                models.add(new Model(a.equals("hardSharing") ? "equal (hardSharing)" : a + " (equal)",
                        architecture(a, p.experts()), WeightingPlan::equal));
            }
        }
        int n = o.seeds();
        Map<String, double[]> single = new LinkedHashMap<>();
        p.tasks().forEach(t -> single.put(t, new double[n]));
        double[] singleSeconds = new double[n];
        long singleParams = 0;
        Map<String, Map<String, double[]>> metric = new LinkedHashMap<>();
        Map<String, double[]> deltaM = new LinkedHashMap<>();
        Map<String, double[]> seconds = new LinkedHashMap<>();
        Map<String, Long> params = new LinkedHashMap<>();
        Map<String, Boolean> higher = new LinkedHashMap<>();
        p.tasks().forEach(t -> higher.put(t, p.higherIsBetter()));
        for (int s = 0; s < n; s++) {
            long seed = o.seed() + s;
            Dataset[] data = p.data().trainAndTest(seed);
            Map<String, Double> base = new LinkedHashMap<>();
            for (String t : p.tasks()) {
                long[] k = new long[1];
                double[] sec = new double[1];
                double v = train(p, List.of(t), ArchitecturePlan.hardSharing(), WeightingPlan.equal(), seed, data[0],
                        data[1], k, sec).get(t);
                single.get(t)[s] = v;
                base.put(t, v);
                singleSeconds[s] += sec[0];
                singleParams = s == 0 ? singleParams + k[0] : singleParams;
            }
            log.printf("  seed %d single-task %s%n", seed, base);
            for (Model m : models) {
                long[] k = new long[1];
                double[] sec = new double[1];
                Map<String, Double> r = train(p, p.tasks(), m.a(), m.w().get(), seed, data[0], data[1], k, sec);
                for (String t : p.tasks()) {
                    metric.computeIfAbsent(m.name(), x -> new LinkedHashMap<>()).computeIfAbsent(t, x -> new double[n])[s]
                            = r.get(t);
                }
                deltaM.computeIfAbsent(m.name(), x -> new double[n])[s] = DeltaM.compute(r, base, higher);
                seconds.computeIfAbsent(m.name(), x -> new double[n])[s] = sec[0];
                params.put(m.name(), k[0]);
                log.printf("  seed %d %-22s %s  delta-m %+.2f%%  %s s/epoch%n", seed, m.name(), r,
                        deltaM.get(m.name())[s], seconds(sec[0]));
            }
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("single-task (" + p.tasks().size() + " models)", singleParams, single, new double[n],
                median(singleSeconds)));
        for (Model m : models) {
            rows.add(new Row(m.name(), params.get(m.name()), metric.get(m.name()), deltaM.get(m.name()),
                    median(seconds.get(m.name()))));
        }
        return rows;
    }

    static Map<String, List<Row>> run(Options o, PrintStream out) {
        Map<String, List<Row>> all = new LinkedHashMap<>();
        for (Problem p : problems(o)) {
            out.println(p.title());
            all.put(p.title(), rows(p, o, out));
        }
        String md = markdown(all, o);
        out.println();
        out.print(md);
        if (o.out() != null) {
            write(o.out(), md);
        }
        return all;
    }

    /** The table as Markdown, one section per problem. */
    static String markdown(Map<String, List<Row>> all, Options o) {
        StringBuilder sb = new StringBuilder();
        all.forEach((title, rows) -> {
            sb.append("### ").append(title).append("\n\n");
            Row first = rows.get(0);
            List<String> tasks = List.copyOf(first.metric().keySet());
            boolean accuracy = title.startsWith("Multi-Fashion");
            sb.append("| model | params |");
            tasks.forEach(t -> sb.append(' ').append(t).append(accuracy ? " accuracy" : " R²").append(" |"));
            sb.append(" Δm % | s/epoch |\n|---|---:|");
            tasks.forEach(t -> sb.append("---:|"));
            sb.append("---:|---:|\n");
            for (Row r : rows) {
                sb.append("| ").append(r.model()).append(" | ").append(String.format("%,d", r.parameters())).append(" |");
                tasks.forEach(t -> sb.append(' ').append(meanSd(r.metric().get(t), 4)).append(" |"));
                sb.append(' ').append(r == first ? "0" : signedMeanSd(r.deltaM())).append(" | ")
                        .append(seconds(r.secondsPerEpoch())).append(" |\n");
            }
            sb.append('\n');
        });
        sb.append(String.format("Mean ± standard deviation over %d seed(s) (%d…%d). Δm = (100/K)·Σ_k ±(B_k − M_k)/B_k "
                + "against the single-task models of the same seed: positive = worse than single-task. s/epoch: median "
                + "over seeds of each run's median epoch (single-task: the sum of its models).%n", o.seeds(), o.seed(),
                o.seed() + o.seeds() - 1));
        return sb.toString();
    }

    /** Seconds with three decimals below 1 s (an MMoE epoch takes tens of milliseconds), else one. */
    static String seconds(double s) {
        return String.format(s < 1 ? "%.3f" : "%.1f", s);
    }

    static String meanSd(double[] v, int digits) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        if (v.length < 2) {
            return String.format("%." + digits + "f", m);
        }
        return String.format("%." + digits + "f ± %." + digits + "f", m, sd(v, m));
    }

    private static String signedMeanSd(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        return v.length < 2 ? String.format("%+.2f", m) : String.format("%+.2f ± %.2f", m, sd(v, m));
    }

    private static double sd(double[] v, double mean) {
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** Writes {@code text} to {@code file} through a temporary file in the same folder, so no half-written file. */
    private static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".results", ".md");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
