package polyhead.samples.shapes;

import static polyhead.datasets.Shapes.MASK;
import static polyhead.datasets.Shapes.SHAPE;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Random;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.datasets.Shapes;
import polyhead.loss.Losses;
import polyhead.metrics.MetricTable;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.GlobalAvgPool2d;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.samples.SampleCommand;
import polyhead.tensor.Tensor;
import polyhead.train.History;
import polyhead.train.Trainer;

/**
 * Classification and segmentation together on {@link Shapes}: one conv trunk that keeps H×W (3×3 and 5×5 convs with
 * zero padding, receptive field 11 px) followed by {@link GlobalContext} (each pixel also gets the image-wide
 * maximum of every channel); a class head (global average pool + Linear to the 4 shape classes; the average of the
 * context channels is the global maximum, so it sees average- and max-pooled features) and a per-pixel head (a 1×1
 * conv to the 5 mask classes: background and one per shape). Cross-entropy for both ({@link Losses#crossEntropy()}
 * takes the mask head's [N, C, H, W] logits with [N, H, W] targets), equal weights, Adam. Reports accuracy for the
 * class, and pixel accuracy and mean IoU for the mask, next to what trivial predictors score (the most frequent
 * class; every pixel background), which is the chance level to beat.
 *
 * <p>Why the global context: a pixel inside a shape cannot tell a circle from a square from its 11-pixel
 * neighbourhood alone. In a 4-epoch run on 1,000 24×24 images (class head max-pooled in both) the mean IoU was 0.36
 * without it and 0.60 with it.
 *
 * <p>Measured with the defaults (2,000 training and 500 test images of 32×32, 5 epochs, batch 32, Adam 3e-3, seed
 * 42; 2.5 minutes on 2 loaded cores):
 * <pre>
 * task   metric           model  trivial predictor  trivial is
 * shape  accuracy        1.0000             0.2820  the most frequent class
 * mask   pixel accuracy  0.9939             0.9060  every pixel background
 * mask   mean IoU        0.9403             0.1812  every pixel background
 * </pre>
 */
public final class ShapesSegmentation {
    @Command(name = "ShapesSegmentation",
            description = {"Joint shape classification and segmentation on synthetic shapes with a conv trunk and a",
                    "per-pixel head; test accuracy, pixel accuracy and mean IoU."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--train-size", paramLabel = "N", defaultValue = "2000",
                description = "training images (default ${DEFAULT-VALUE})")
        int trainSize;

        @Option(names = "--test-size", paramLabel = "N", defaultValue = "500",
                description = "test images (default ${DEFAULT-VALUE})")
        int testSize;

        @Option(names = "--size", paramLabel = "N", defaultValue = "32",
                description = "image side in pixels (at least 8) (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--noise", paramLabel = "X", defaultValue = "0.1",
                description = "standard deviation of the pixel noise (default ${DEFAULT-VALUE})")
        double noise;

        @Option(names = "--width", paramLabel = "N", defaultValue = "8",
                description = "channels of the trunk's conv layers (default ${DEFAULT-VALUE})")
        int width;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "epochs (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
                description = "batch size (default ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--lr", paramLabel = "X", defaultValue = "0.003",
                description = "Adam learning rate (default ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--quiet", description = "no per-epoch progress")
        boolean quiet;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "seed of the data, the initialization and the batch order (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        protected Options options() {
            if (noise < 0) {
                throw new IllegalArgumentException("option --noise must be >= 0, got " + noise);
            }
            return new Options(atLeast("--train-size", trainSize, 1), atLeast("--test-size", testSize, 1),
                    atLeast("--size", size, 8), noise, atLeast("--width", width, 1), atLeast("--epochs", epochs, 1),
                    atLeast("--batch-size", batchSize, 1), positive("--lr", lr), quiet, seed);
        }
    }

    record Options(int trainSize, int testSize, int size, double noise, int width, int epochs, int batchSize, double lr,
                   boolean quiet, long seed) {
    }

    /** Test metrics and the trivial predictors' scores on the same test set. */
    record Result(Map<String, Double> test, double majorityClassAccuracy, double backgroundPixelAccuracy,
                  double backgroundMeanIou) {
    }

    private ShapesSegmentation() {
    }

    public static void main(String[] args) {
        new Cli().main(args, o -> run(o, System.out));
    }

    /**
     * Trunk conv3(1→w) + ReLU, conv5(w→w) + ReLU, conv5(w→w) + ReLU, all keeping H×W, then global context (→ 2w
     * channels); heads: shape = global average pool + Linear(2w, 4); mask = conv1(2w→5).
     */
    static HardSharing model(int width, long seed) {
        Random rng = new Random(seed);
        Sequential trunk = new Sequential(
                new Conv2d(1, width, 3, 1, 1, true, rng), Activation.relu(),
                new Conv2d(width, width, 5, 1, 2, true, rng), Activation.relu(),
                new Conv2d(width, width, 5, 1, 2, true, rng), Activation.relu(), new GlobalContext());
        Task shape = Task.builder(SHAPE).head(new Sequential(new GlobalAvgPool2d(),
                        new Linear(2 * width, Shapes.CLASSES, rng)))
                .loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build();
        Task mask = Task.builder(MASK).head(new Conv2d(2 * width, Shapes.MASK_CLASSES, 1, rng))
                .loss(Losses.crossEntropy()).labels(LabelType.PIXEL_CLASS_MAP)
                .metrics(Metrics.pixelAccuracy(), Metrics.meanIou(Shapes.MASK_CLASSES)).build();
        return new HardSharing(trunk, List.of(shape, mask));
    }

    static Result run(Options o, PrintStream out) {
        Shapes.Options shapes = new Shapes.Options(o.size(), o.size(), o.noise());
        Dataset train = Shapes.generate(o.trainSize(), shapes, o.seed());
        Dataset test = Shapes.generate(o.testSize(), shapes, o.seed() + 1);
        out.printf("Shapes (generated, seed %d for training and %d for test): %,d training and %,d test images of "
                        + "%dx%d, noise sd %s; tasks shape (%d classes) and mask (%d classes per pixel)%n", o.seed(),
                o.seed() + 1, o.trainSize(), o.testSize(), o.size(), o.size(), o.noise(), Shapes.CLASSES,
                Shapes.MASK_CLASSES);
        HardSharing model = model(o.width(), o.seed());
        out.printf("model: trunk conv3 + conv5 + conv5 (%d channels, HxW kept) + global context; heads shape = avg pool "
                + "+ linear, mask = 1x1 conv; %,d parameters%n", o.width(), model.parameterCount());
        out.printf("loss = CE(shape) + CE(mask per pixel); Adam lr %.3g, batch %d, %d epochs, seed %d%n%n", o.lr(),
                o.batchSize(), o.epochs(), o.seed());

        Trainer.Builder b = Trainer.builder(model).optimizer(Optimizers.adam(o.lr())).epochs(o.epochs())
                .seed(o.seed()).diagnostics(false);
        if (!o.quiet()) {
            b.progress(out);
        }
        Trainer trainer = b.build();
        History h = trainer.fit(train, o.batchSize(), null);
        Map<String, Double> r = trainer.evaluate(test);

        Result res = new Result(r, majorityShare(test.targets(SHAPE), Shapes.CLASSES),
                majorityShare(test.targets(MASK), Shapes.MASK_CLASSES), backgroundMeanIou(test.targets(MASK)));
        out.printf("%ntest results (%,d images) after %d epochs (last training loss %.4f)%n", o.testSize(), o.epochs(),
                h.last().get("train.loss"));
        MetricTable t = new MetricTable("task", "metric", "model", "trivial predictor", "trivial is");
        t.row(SHAPE, "accuracy", MetricTable.number(r.get(SHAPE + ".accuracy"), 4), MetricTable.number(res.majorityClassAccuracy(), 4),
                "the most frequent class");
        t.row(MASK, "pixel accuracy", MetricTable.number(r.get(MASK + ".pixel_accuracy"), 4),
                MetricTable.number(res.backgroundPixelAccuracy(), 4), "every pixel background");
        t.row(MASK, "mean IoU", MetricTable.number(r.get(MASK + ".mean_iou"), 4), MetricTable.number(res.backgroundMeanIou(), 4),
                "every pixel background");
        t.print(out);
        out.println("\nmean IoU averages the IoU of the 5 mask classes (background and the four shapes) over all test "
                + "pixels; a pixel counts as right only with the right shape class.");
        return res;
    }

    /** The share of the most frequent value among {@code labels} (values in [0, classes)). */
    static double majorityShare(Tensor labels, int classes) {
        long[] counts = new long[classes];
        for (float v : labels.data()) {
            counts[(int) v]++;
        }
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        return (double) max / labels.size();
    }

    /**
     * Mean IoU of predicting background (0) everywhere: IoU of background = its pixel share, every shape class
     * present in the targets scores 0, and the mean runs over the classes present (as {@link Metrics#meanIou()}).
     */
    static double backgroundMeanIou(Tensor mask) {
        long[] counts = new long[Shapes.MASK_CLASSES];
        for (float v : mask.data()) {
            counts[(int) v]++;
        }
        int present = 0;
        for (long c : counts) {
            present += c > 0 ? 1 : 0;
        }
        return (double) counts[0] / mask.size() / present;
    }
}
