package polyhead.samples.fashion;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Average;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.tensor.Gemms;
import polyhead.tensor.Tensor;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * The main job: a multi-task MLP (the W1 workload of BENCHMARKS.md) trained on real Fashion-MNIST images for two
 * tasks, the item type (10 classes) and its coarse group (5 classes), with one shared trunk and a head per task;
 * loss = 1.0·CE(item) + 0.5·CE(group), Adam. Shows a progress bar per epoch and prints per-task test metrics.
 */
public final class FashionMultiTask {
    record Options(Path data, int epochs, int batchSize, double lr, long seed, boolean quiet) {
        static Options parse(String[] args) {
            Path data = null;
            int epochs = 5;
            int batch = 128;
            double lr = 1e-3;
            long seed = 42;
            boolean quiet = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    System.out.println("usage: FashionMultiTask [--data DIR] [--epochs N] [--batch-size N] [--lr X] "
                            + "[--seed N] [--quiet]");
                    System.exit(0);
                }
                if (a.equals("--quiet")) {
                    quiet = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value (see --help)");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--data" -> data = Path.of(v);
                        case "--epochs" -> epochs = Integer.parseInt(v);
                        case "--batch-size" -> batch = Integer.parseInt(v);
                        case "--lr" -> lr = Double.parseDouble(v);
                        case "--seed" -> seed = Long.parseLong(v);
                        default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + a + ": '" + v + "' is not a number");
                }
            }
            if (epochs < 1 || batch < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("--epochs and --batch-size must be >= 1 and --lr > 0");
            }
            return new Options(data, epochs, batch, lr, seed, quiet);
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

    /** The two-task dataset of a split: inputs [N, 784], tasks item and group. */
    static Dataset dataset(FashionMnist.Split s) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("item", s.items());
        targets.put("group", s.groups());
        return Dataset.of(s.images(), targets);
    }

    /** The W1 model: trunk 784-256-128 with ReLU, heads item[10] and group[5]; parameters trunk.*, heads.*. */
    static HardSharing model(long seed) {
        Random rng = new Random(seed);
        Sequential trunk = new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng),
                Activation.relu());
        List<Task> tasks = List.of(
                Task.builder("item").head(new Linear(128, 10, rng)).loss(Losses.crossEntropy()).weight(1.0)
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)).build(),
                Task.builder("group").head(new Linear(128, 5, rng)).loss(Losses.crossEntropy()).weight(0.5)
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)).build());
        return new HardSharing(trunk, tasks);
    }

    static Map<String, Double> run(Options o) {
        FashionMnist.Data data = FashionMnist.load(o.data());
        System.out.printf("Fashion-MNIST from %s (%s): %,d training and %,d test images%n", data.folder(),
                data.full() ? "full set" : "subset shipped with the repository", data.train().size(), data.test().size());
        System.out.println("model: trunk 784-256-128 (ReLU), heads item[10] and group[5]; loss = 1.0·CE(item) + 0.5·CE(group)");
        System.out.printf("Adam lr %.3g, batch %d, %d epochs, seed %d; 10%% of the training images held out for validation%n",
                o.lr(), o.batchSize(), o.epochs(), o.seed());
        System.out.printf("matrix products: %s%n%n", Gemms.current().name());

        Dataset.Split split = dataset(data.train()).split(0.1, o.seed());
        HardSharing model = model(o.seed());
        Trainer.Builder b = Trainer.builder(model).optimizer(Optimizers.adam(o.lr())).epochs(o.epochs()).seed(o.seed());
        if (!o.quiet()) {
            b.progress(System.out);
        }
        Trainer trainer = b.build();
        History history = trainer.fit(split.train(), o.batchSize(), split.validation());
        Map<String, Double> test = trainer.evaluate(dataset(data.test()));

        System.out.printf("%ntest results (%,d images)%n", data.test().size());
        System.out.printf("%-6s  %8s  %9s  %8s%n", "task", "loss", "accuracy", "F1 macro");
        for (String t : List.of("item", "group")) {
            System.out.printf("%-6s  %8.4f  %9.4f  %8.4f%n", t, test.get(t + ".loss"), test.get(t + ".accuracy"),
                    test.get(t + ".f1_macro"));
        }
        double[] cos = history.series("grad_cos.item.group");
        System.out.printf("%ncosine of the two tasks' trunk gradients, per epoch: %s%n", format(cos));
        return test;
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.3f", d));
        }
        return sb.toString();
    }
}
