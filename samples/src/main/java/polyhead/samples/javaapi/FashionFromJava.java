package polyhead.samples.javaapi;

import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.datasets.Subsets;
import polyhead.experiment.Algorithm;
import polyhead.experiment.ArchitecturePlan;
import polyhead.experiment.Experiment;
import polyhead.experiment.ExperimentBuilder;
import polyhead.experiment.Layers;
import polyhead.experiment.OptimizerPlan;
import polyhead.experiment.TaskPlan;
import polyhead.experiment.TaskPrediction;
import polyhead.experiment.TrainedModel;
import polyhead.experiment.TrainingPlan;
import polyhead.experiment.WeightingPlan;
import polyhead.loss.Losses;
import polyhead.metrics.Average;
import polyhead.metrics.Metrics;
import polyhead.optim.Optimizers.Adam;
import polyhead.samples.QuickRun;
import polyhead.samples.SampleCommand;
import polyhead.samples.fashion.FashionMultiTask;
import polyhead.tensor.Tensor;

/**
 * Sample 6, the Java half: the experiment of {@code samples/specs/fashion.json} (the JSON/Kotlin sample) built through
 * the core's Java builder ({@code polyhead.experiment}) with no Kotlin on the call site, trained with the same seed on
 * Fashion-MNIST through the one training path ({@code Experiment.fit}, which returns the trained model), with a
 * per-task table of test results and the named prediction for the first test image. The Java experiment also names
 * the classes, which the spec leaves out; built from the same seed, it ends with the same weights as the spec compiled
 * by the DSL, bit for bit ({@code FashionFromJavaTest}).
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
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)).classNames(FashionMnist.ITEM_NAMES))
                .task(TaskPlan.named("group").head(Layers.dense(5)).loss(Losses.crossEntropy()).weight(0.5)
                        .metrics(Metrics.accuracy(), Metrics.f1(Average.MACRO)).classNames(FashionMnist.GROUP_NAMES))
                .architecture(ArchitecturePlan.hardSharing())
                .weighting(WeightingPlan.fixed())
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.001))))
                .training(TRAINING);
    }

    /** The two-task dataset of a split, inputs [N, 784]; with {@code limit} > 0 only its first {@code limit} rows. */
    public static Dataset dataset(FashionMnist.Split s, int limit) {
        return Subsets.first(s.dataset(), limit);
    }

    @Command(name = "FashionFromJava",
            description = {"Sample 6, the Java half: samples/specs/fashion.json built through the Java builder API",
                    "(polyhead.experiment), trained, and a per-task table of test results."})
    static final class Cli extends SampleCommand<Options> {
        @Option(names = "--data", paramLabel = "DIR",
                description = "folder of the IDX files (default: Debian's full set when installed, else the shipped subset)")
        Path data;

        @Option(names = "--epochs", paramLabel = "N", description = "epochs (default: the spec's)")
        Integer epochs;

        @Mixin
        QuickRun quick;

        @Override
        protected Options options() {
            return new Options(data, epochs == null ? TRAINING.epochs() : atLeast("--epochs", epochs, 1),
                    quick.limit(), quick.quiet());
        }
    }

    record Options(Path data, int epochs, int limit, boolean quiet) {
        static Options parse(String... args) {
            return new Cli().parse(args);
        }
    }

    public static void main(String[] args) {
        new Cli().main(args, FashionFromJava::run);
    }

    /** Trains the experiment and prints the test table; returns the test results. */
    static Map<String, Double> run(Options o) {
        FashionMnist.Data data = FashionMnist.load(o.data());
        Experiment e = experiment().training(TRAINING.epochs(o.epochs())).build();
        Dataset train = dataset(data.train(), o.limit());
        Dataset test = dataset(data.test(), o.limit());
        System.out.printf("Fashion-MNIST from %s: %,d training and %,d test images%n", data.folder(), train.size(),
                test.size());
        System.out.printf("built in Java: trunk 784-256-128 (ReLU), heads item[10] and group[5], hard sharing, fixed "
                + "weights 1.0 and 0.5, Adam lr 0.001; %d epochs, batch %d, seed %d%n%n", e.training().epochs(),
                e.training().batchSize(), e.training().seed());
        TrainedModel model = e.fit(train, null, null, o.quiet() ? null : t -> t.progress(System.out));
        Map<String, Double> r = model.evaluate(test);
        FashionMultiTask.printTestTable(test.size(), r);
        Tensor first = test.rows(new int[] {0}).inputs();
        Map<String, TaskPrediction> p = model.predict(first);
        TaskPrediction item = p.get("item");
        System.out.printf("%nfirst test image: %s (p = %.3f), group %s%n", item.classNames().get(0),
                item.probabilities().data()[item.classes()[0]], p.get("group").classNames().get(0));
        return r;
    }
}
