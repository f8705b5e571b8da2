package polyhead.samples.optimizers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.metrics.MetricTable;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizers;
import polyhead.samples.EpochTimes;
import polyhead.samples.SampleCommand;
import polyhead.samples.fashion.FashionW1;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * Optimizers for multi-task learning, side by side: SGD, SGD with momentum, Adam, AMSGrad and AdamW train the same
 * W1 model of the main job (trunk 784-256-128, heads item[10] and group[5], loss 1.0·CE(item) + 0.5·CE(group)) from
 * the same initialization, on the same Fashion-MNIST images in the same batch order; the table gives each one's test
 * accuracy per task and its training time per epoch.
 *
 * <p>Learning rates are each optimizer's usual one for this model rather than one shared value (plain SGD needs a
 * larger step than momentum SGD, whose effective step is lr/(1 − μ)): SGD 0.1; SGD momentum 0.9 at 0.01; Adam,
 * AMSGrad and AdamW at 1e-3 (AdamW with PyTorch's default decoupled decay 1e-2). {@code --lr-scale} multiplies all.
 * Time per epoch is the median over epochs of training alone (no evaluation), after a short JIT warm-up.
 *
 * <p>Measured with the defaults (Debian's full Fashion-MNIST installed: 10,000 of its 60,000 training images, all
 * 10,000 test images; 5 epochs, batch 128, seed 42; 2 shared, heavily loaded cores, so the times are only comparable
 * within one run; 2.4 minutes wall-clock):
 * <pre>
 * optimizer  settings                 item acc  group acc  train loss  s/epoch  images/s
 * sgd        lr 0.100                   0.7620     0.9426      0.6476     5.94     1,683
 * momentum   lr 0.0100, momentum 0.9    0.8062     0.9444      0.6218     4.57     2,189
 * adam       lr 0.00100                 0.8308     0.9556      0.4716     4.81     2,078
 * amsgrad    lr 0.00100, amsgrad        0.8309     0.9549      0.4709     4.43     2,256
 * adamw      lr 0.00100, decay 0.01     0.8306     0.9564      0.4714     4.40     2,273
 * </pre>
 * The adaptive methods lead by 2.5 points on the item task; AMSGrad and AdamW (decay 0.01) stay within 0.1 point of
 * Adam over so short a run. For scale: BENCHMARKS.md's quality reference, Adam on all 60,000 images for 5 epochs,
 * is 0.877 / 0.970. The times (4.4–5.9 s per epoch) come from a loaded machine; plain SGD, the cheapest update but
 * run first, was the slowest, so read them as rough.
 */
public final class OptimizerComparison {
    /** The optimizers compared, comma-separated (the default of --optimizers). */
    static final String ALL = "sgd,momentum,adam,amsgrad,adamw";
    static final List<String> OPTIMIZERS = List.of(ALL.split(","));

    @Command(name = "OptimizerComparison",
            description = {"SGD, SGD+momentum, Adam, AMSGrad and AdamW on the main job's W1 model and Fashion-MNIST:",
                    "per-task test accuracy and time per epoch."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--data", paramLabel = "DIR",
                description = "Fashion-MNIST folder (default: Debian's full set if installed, else the shipped subset)")
        Path data;

        @Option(names = "--train-size", paramLabel = "N", defaultValue = "10000",
                description = "training images used, the first N of a seeded shuffle; 0 = all (default ${DEFAULT-VALUE})")
        int trainSize;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
                description = "epochs per optimizer (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
                description = "batch size (default ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--lr-scale", paramLabel = "X", defaultValue = "1",
                description = "multiplies every optimizer's learning rate (default ${DEFAULT-VALUE})")
        double lrScale;

        @Option(names = "--optimizers", paramLabel = "LIST", defaultValue = ALL,
                description = "which to run, comma-separated (default ${DEFAULT-VALUE})")
        String optimizers;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "seed of the subset, the initialization and the batch order (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        protected Options options() {
            return new Options(data, atLeast("--train-size", trainSize, 0), atLeast("--epochs", epochs, 1),
                    atLeast("--batch-size", batchSize, 1), positive("--lr-scale", lrScale),
                    list("--optimizers", optimizers, OPTIMIZERS), seed);
        }
    }

    record Options(Path data, int trainSize, int epochs, int batchSize, double lrScale,
                   List<String> optimizers, long seed) {
    }

    /** One optimizer's outcome: test metrics and median seconds per training epoch. */
    record Result(String name, String settings, double itemAccuracy, double groupAccuracy, double trainLoss,
                  double secondsPerEpoch) {
    }

    private OptimizerComparison() {
    }

    public static void main(String[] args) {
        new Cli().main(args, o -> run(o, System.out));
    }

    /** The optimizer called {@code name}, with its learning rate times {@code scale}, and how it is set up. */
    static Map.Entry<GradientTransformation, String> optimizer(String name, double scale) {
        return switch (name) {
            case "sgd" -> Map.entry(Optimizers.sgd(0.1 * scale), String.format("lr %.3g", 0.1 * scale));
            case "momentum" -> Map.entry(Optimizers.sgd(0.01 * scale, 0.9),
                    String.format("lr %.3g, momentum 0.9", 0.01 * scale));
            case "adam" -> Map.entry(Optimizers.adam(1e-3 * scale), String.format("lr %.3g", 1e-3 * scale));
            case "amsgrad" -> Map.entry(Optimizers.adam(Optimizers.Adam.lr(1e-3 * scale).amsgrad(true)),
                    String.format("lr %.3g, amsgrad", 1e-3 * scale));
            case "adamw" -> Map.entry(Optimizers.adamw(1e-3 * scale, 1e-2),
                    String.format("lr %.3g, decay 0.01", 1e-3 * scale));
            default -> throw new IllegalArgumentException("unknown optimizer " + name);
        };
    }

    static List<Result> run(Options o, PrintStream out) {
        FashionMnist.Data data = FashionMnist.load(o.data());
        Dataset all = data.train().dataset();
        Dataset train = all;
        if (o.trainSize() > 0 && o.trainSize() < all.size()) {
            train = all.rows(Arrays.copyOf(Dataset.permutation(all.size(), new Random(o.seed())), o.trainSize()));
        }
        Dataset test = data.test().dataset();
        out.printf("Fashion-MNIST from %s (%s): training on %,d of %,d training images, testing on %,d%n",
                data.folder(), data.label(), train.size(),
                all.size(), test.size());
        out.println("model: W1, trunk 784-256-128 (ReLU), heads item[10] and group[5]; loss = 1.0·CE(item) + 0.5·CE(group)");
        out.printf("%d epochs, batch %d, seed %d (same initialization and batch order for every optimizer)%n%n",
                o.epochs(), o.batchSize(), o.seed());

        warmUp(train, o);
        List<Result> results = new ArrayList<>();
        for (String name : o.optimizers()) {
            Map.Entry<GradientTransformation, String> opt = optimizer(name, o.lrScale());
            Trainer trainer = Trainer.builder(FashionW1.model(o.seed())).optimizer(opt.getKey()).epochs(o.epochs())
                    .seed(o.seed()).diagnostics(false).build();
            History h = trainer.fit(train, o.batchSize(), null);
            Map<String, Double> r = trainer.evaluate(test);
            Result res = new Result(name, opt.getValue(), r.get("item.accuracy"), r.get("group.accuracy"),
                    h.last().get("train.loss"), EpochTimes.median(h));
            out.printf("%-9s item %.4f  group %.4f  (%.1f s/epoch)%n", name, res.itemAccuracy(), res.groupAccuracy(),
                    res.secondsPerEpoch());
            results.add(res);
        }

        out.printf("%ntest accuracy after %d epochs (%,d test images); time = median seconds per training epoch%n",
                o.epochs(), test.size());
        MetricTable t = new MetricTable("optimizer", "settings", "item acc", "group acc", "train loss", "s/epoch", "images/s");
        for (Result r : results) {
            t.row(r.name(), r.settings(), MetricTable.number(r.itemAccuracy(), 4), MetricTable.number(r.groupAccuracy(), 4),
                    MetricTable.number(r.trainLoss(), 4), MetricTable.number(r.secondsPerEpoch(), 2),
                    String.format("%,.0f", train.size() / r.secondsPerEpoch()));
        }
        t.print(out);
        return results;
    }

    /** A few steps on a throwaway model, so that the first optimizer's times do not include JIT compilation. */
    private static void warmUp(Dataset train, Options o) {
        int n = Math.min(train.size(), 20 * o.batchSize());
        int[] first = new int[n];
        Arrays.setAll(first, i -> i);
        Trainer.builder(FashionW1.model(o.seed() + 1)).optimizer(Optimizers.adam(1e-3)).epochs(1).seed(o.seed())
                .diagnostics(false).build().fit(train.rows(first), o.batchSize(), null);
    }
}
