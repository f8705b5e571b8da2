package polyhead.samples.fashion;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.datasets.Subsets;
import polyhead.loss.Losses;
import polyhead.metrics.Average;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.samples.QuickRun;
import polyhead.samples.SampleCommand;
import polyhead.tensor.Gemms;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * The main job: a multi-task MLP (the W1 workload of BENCHMARKS.md) trained on real Fashion-MNIST images for two
 * tasks, the item type (10 classes) and its coarse group (5 classes), with one shared trunk and a head per task;
 * loss = 1.0·CE(item) + 0.5·CE(group), Adam. Shows a progress bar per epoch and prints per-task test metrics.
 * The README's first command runs it; {@code mvn verify} runs it too, in a short form (samples/pom.xml).
 */
public final class FashionMultiTask {
    @Command(name = "FashionMultiTask",
            description = {"The main job: a multi-task MLP on Fashion-MNIST (item and group tasks, shared trunk); prints",
                    "per-task test metrics and the cosine of the tasks' trunk gradients per epoch."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--data", paramLabel = "DIR",
                description = "folder of the IDX files (default: Debian's full set when installed, else the shipped subset)")
        Path data;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "epochs (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
                description = "batch size (default ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--lr", paramLabel = "X", defaultValue = "0.001",
                description = "Adam learning rate (default ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "seed of the initialization, the validation split and the batch order (default ${DEFAULT-VALUE})")
        long seed;

        @Mixin
        QuickRun quick;

        @Override
        protected Options options() {
            return new Options(data, atLeast("--epochs", epochs, 1), atLeast("--batch-size", batchSize, 1),
                    positive("--lr", lr), seed, quick.limit(), quick.quiet());
        }
    }

    record Options(Path data, int epochs, int batchSize, double lr, long seed, int limit, boolean quiet) {
    }

    public static void main(String[] args) {
        new Cli().main(args, FashionMultiTask::run);
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
        Dataset trainSet = Subsets.first(data.train().dataset(), o.limit());
        Dataset testSet = Subsets.first(data.test().dataset(), o.limit());
        System.out.printf("Fashion-MNIST from %s (%s): %,d training and %,d test images%n", data.folder(),
                data.label(), trainSet.size(), testSet.size());
        System.out.println("model: trunk 784-256-128 (ReLU), heads item[10] and group[5]; loss = 1.0·CE(item) + 0.5·CE(group)");
        System.out.printf("Adam lr %.3g, batch %d, %d epochs, seed %d; 10%% of the training images held out for validation%n",
                o.lr(), o.batchSize(), o.epochs(), o.seed());
        Gemms.announce(System.out); // which backend runs: once per process, whoever asks first (the progress bar too)
        System.out.println();

        Dataset.Split split = trainSet.split(0.1, o.seed());
        HardSharing model = model(o.seed());
        Trainer.Builder b = Trainer.builder(model).optimizer(Optimizers.adam(o.lr())).epochs(o.epochs()).seed(o.seed());
        if (!o.quiet()) {
            b.progress(System.out);
        }
        Trainer trainer = b.build();
        History history = trainer.fit(split.train(), o.batchSize(), split.validation());
        Map<String, Double> test = trainer.evaluate(testSet);

        printTestTable(testSet.size(), test);
        double[] cos = history.series("grad_cos.item.group");
        System.out.printf("%ncosine of the two tasks' trunk gradients, per epoch: %s%n", format(cos));
        return test;
    }

    /** The per-task table of test results (loss, accuracy, macro F1 of item and group) on standard output. */
    public static void printTestTable(int images, Map<String, Double> test) {
        System.out.printf("%ntest results (%,d images)%n", images);
        System.out.printf("%-6s  %8s  %9s  %8s%n", "task", "loss", "accuracy", "F1 macro");
        for (String t : List.of("item", "group")) {
            System.out.printf("%-6s  %8.4f  %9.4f  %8.4f%n", t, test.get(t + ".loss"), test.get(t + ".accuracy"),
                    test.get(t + ".f1_macro"));
        }
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.3f", d));
        }
        return sb.toString();
    }
}
