package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.data.SequenceDataset;
import polyhead.datasets.Brown;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.nn.SequencePool;
import polyhead.optim.Optimizers.Adam;

/**
 * The Brown protocol's three tasks (fine tag and universal tag of each token, genre of each sentence) on one shared
 * encoder, built through the experiment builder, trained in seconds on a subset (600 training sentences, 300 test
 * sentences, drawn at random from the split's training and test parts) and beating chance on every task: a tag task
 * beats always answering the test subset's most frequent tag, the genre task beats guessing among the 15 genres.
 */
class BrownSubsetTest {
    private static Brown.Data data;
    private static SequenceDataset train;
    private static SequenceDataset test;

    @BeforeAll
    static void load() {
        data = Brown.load(Path.of("../samples/data/brown"), 42, 2);
        Random r = new Random(1);
        train = data.train().rows(java.util.Arrays.copyOf(Dataset.permutation(data.train().size(), r), 600));
        test = data.test().rows(java.util.Arrays.copyOf(Dataset.permutation(data.test().size(), r), 300));
    }

    static ExperimentBuilder protocol(Layer... trunk) {
        return new ExperimentBuilder()
                .sequenceInput(data.vocabulary())
                .trunk(trunk)
                .task(TaskPlan.named(Brown.FINE).head(Layers.dense(data.fineTags().size()))
                        .loss(Losses.crossEntropy()).labels(LabelType.TOKEN_CLASS).classNames(data.fineTags())
                        .metrics(Metrics.accuracy()))
                .task(TaskPlan.named(Brown.UNIVERSAL).head(Layers.dense(data.universalTags().size()))
                        .loss(Losses.crossEntropy()).labels(LabelType.TOKEN_CLASS).classNames(data.universalTags())
                        .metrics(Metrics.accuracy()))
                .task(TaskPlan.named(Brown.GENRE).head(Layers.sequencePool(SequencePool.Mode.MEAN),
                        Layers.dense(data.genres().size())).loss(Losses.crossEntropy()).classNames(data.genres())
                        .metrics(Metrics.accuracy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(1e-2))))
                .training(TrainingPlan.defaults().epochs(4).batchSize(32).seed(0));
    }

    /** The share of the test subset's tokens that hold its most frequent tag of {@code task}. */
    private static double majority(String task) {
        Map<Integer, Integer> counts = new HashMap<>();
        long tokens = 0;
        for (int i = 0; i < test.size(); i++) {
            for (int tag : test.tokenLabels(task, i)) {
                counts.merge(tag, 1, Integer::sum);
                tokens++;
            }
        }
        return counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow() / (double) tokens;
    }

    @ParameterizedTest
    @ValueSource(strings = {"biLstm", "transformer"})
    void beatsChanceOnAllThreeTasks(String encoder) {
        ExperimentBuilder b = encoder.equals("biLstm")
                ? protocol(Layers.embedding(32), Layers.lstm(32, 1, true))
                : protocol(Layers.embedding(32), Layers.sinusoidalPositions(),
                        Layers.transformerEncoder(1, 4, 64, true, polyhead.nn.TransformerEncoderLayer
                                .FeedForwardActivation.GELU));
        Map<String, Double> r = b.build().fit(train, null).evaluate(test);
        String report = encoder + " " + r + "; majority fine " + majority(Brown.FINE) + ", universal "
                + majority(Brown.UNIVERSAL);
        assertTrue(r.get("fine.accuracy") > majority(Brown.FINE) + 0.1, report);
        assertTrue(r.get("universal.accuracy") > majority(Brown.UNIVERSAL) + 0.1, report);
        assertTrue(r.get("genre.accuracy") > 1.0 / data.genres().size(), report);
        assertEquals(15, data.genres().size());
    }
}
