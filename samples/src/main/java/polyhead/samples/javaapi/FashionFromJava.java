package polyhead.samples.javaapi;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.build.Algorithm;
import polyhead.build.ArchitecturePlan;
import polyhead.build.Experiment;
import polyhead.build.ExperimentBuilder;
import polyhead.build.Layers;
import polyhead.build.OptimizerPlan;
import polyhead.build.TaskPlan;
import polyhead.build.TrainingPlan;
import polyhead.build.WeightingPlan;
import polyhead.data.BatchSource;
import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Average;
import polyhead.metrics.Metrics;
import polyhead.optim.Optimizers.Adam;
import polyhead.samples.fashion.FashionMnist;
import polyhead.tensor.Tensor;
import polyhead.train.Trainer;

/**
 * Sample 6, the Java half: the experiment of {@code samples/specs/fashion.json} (the JSON/Kotlin sample) built through
 * the core's Java builder ({@code polyhead.build}) with no Kotlin on the call site, trained with the same seed on
 * Fashion-MNIST, with a per-task table of test results. Built from the same seed, it ends with the same weights as the
 * spec compiled by the DSL, bit for bit ({@code FashionFromJavaTest}).
 *
 * <pre>usage: FashionFromJava [--data DIR] [--epochs N] [--limit N] [--quiet]</pre>
 */
public final class FashionFromJava {
    /** The training settings of {@code fashion.json}. */
    public static final TrainingPlan TRAINING = TrainingPlan.defaults().epochs(5).batchSize(128).seed(42);

    private FashionFromJava() {
    }

    /** {@code samples/specs/fashion.json}, written with the Java builder. */
    public static ExperimentBuilder experiment() {
        return new ExperimentBuilder()
                .input(784)
                .trunk(Layers.dense(256), Layers.relu(), Layers.dense(128), Layers.relu())
                .task(TaskPlan.named("item").head(Layers.dense(10)).loss(Losses.crossEntropy()).weight(1.0)
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)))
                .task(TaskPlan.named("group").head(Layers.dense(5)).loss(Losses.crossEntropy()).weight(0.5)
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)))
                .architecture(ArchitecturePlan.hardSharing())
                .weighting(WeightingPlan.fixed())
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.001))))
                .training(TRAINING);
    }

    /** The two-task dataset of a split, inputs [N, 784]; with {@code limit} > 0 only its first {@code limit} rows. */
    public static Dataset dataset(FashionMnist.Split s, int limit) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("item", s.items());
        targets.put("group", s.groups());
        Dataset all = Dataset.of(s.images(), targets);
        if (limit <= 0 || limit >= all.size()) {
            return all;
        }
        int[] first = new int[limit];
        for (int i = 0; i < limit; i++) {
            first[i] = i;
        }
        return all.rows(first);
    }

    record Options(Path data, int epochs, int limit, boolean quiet) {
        static Options parse(String[] args) {
            Path data = null;
            int epochs = 0;
            int limit = 0;
            boolean quiet = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--quiet")) {
                    quiet = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value (usage: FashionFromJava "
                            + "[--data DIR] [--epochs N] [--limit N] [--quiet])");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--data" -> data = Path.of(v);
                        case "--epochs" -> epochs = Integer.parseInt(v);
                        case "--limit" -> limit = Integer.parseInt(v);
                        default -> throw new IllegalArgumentException("unknown option " + a
                                + " (usage: FashionFromJava [--data DIR] [--epochs N] [--limit N] [--quiet])");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + a + ": '" + v + "' is not a number");
                }
            }
            if (epochs < 0 || limit < 0) {
                throw new IllegalArgumentException("--epochs and --limit must be >= 1");
            }
            return new Options(data, epochs, limit, quiet);
        }
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (DataException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Trains the experiment and prints the test table; returns the test results. */
    static Map<String, Double> run(Options o) {
        FashionMnist.Data data = FashionMnist.load(o.data());
        Experiment e = experiment().training(o.epochs() > 0 ? TRAINING.epochs(o.epochs()) : TRAINING).build();
        Dataset train = dataset(data.train(), o.limit());
        Dataset test = dataset(data.test(), o.limit());
        System.out.printf("Fashion-MNIST from %s: %,d training and %,d test images%n", data.folder(), train.size(),
                test.size());
        System.out.printf("built in Java: trunk 784-256-128 (ReLU), heads item[10] and group[5], hard sharing, fixed "
                + "weights 1.0 and 0.5, Adam lr 0.001; %d epochs, batch %d, seed %d%n%n", e.training().epochs(),
                e.training().batchSize(), e.training().seed());
        BatchSource batches = e.batches(train);
        Trainer.Builder tb = e.trainerBuilder(batches.stepsPerEpoch(), null);
        if (!o.quiet()) {
            tb.progress(System.out);
        }
        Trainer trainer = tb.build();
        trainer.fit(batches, null);
        Map<String, Double> r = trainer.evaluate(test);
        System.out.printf("%ntest results (%,d images)%n", test.size());
        System.out.printf("%-6s  %8s  %9s  %8s%n", "task", "loss", "accuracy", "F1 macro");
        for (String t : List.of("item", "group")) {
            System.out.printf("%-6s  %8.4f  %9.4f  %8.4f%n", t, r.get(t + ".loss"), r.get(t + ".accuracy"),
                    r.get(t + ".f1_macro"));
        }
        return r;
    }
}
