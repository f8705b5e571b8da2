package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.DataException;
import polyhead.data.LabelType;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.nn.SequencePool;
import polyhead.optim.Optimizers.Adam;
import polyhead.serve.Predictions;
import polyhead.serve.Predictor;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.train.GradientSource;

/**
 * Sequence models through the experiment builder: shape inference over a time axis with one-line faults, the
 * batch's lengths reaching every sequence layer (a sentence's outputs do not depend on the padding of its batch),
 * per-token and per-sentence tasks on one encoder, every weighting on a sequence model, save/load/predict, and bad
 * data refused in one line.
 */
class SequenceExperimentTest {
    @TempDir
    Path dir;

    /** Tokens "w0".."w9" (ids 2..11). */
    static Vocabulary vocabulary() {
        List<List<String>> text = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            text.add(List.of("w" + i));
        }
        return Vocabulary.build(text, 1);
    }

    /**
     * Sentences of 1..7 random tokens; task "tag" (per token) = the token's id mod 3, task "kind" (per sentence) = 1
     * if the sentence holds id 2, else 0.
     */
    static SequenceDataset toy(int n, long seed) {
        Random r = new Random(seed);
        List<int[]> tokens = new ArrayList<>();
        List<int[]> tags = new ArrayList<>();
        int[] kind = new int[n];
        for (int i = 0; i < n; i++) {
            int[] s = new int[1 + r.nextInt(7)];
            int[] t = new int[s.length];
            for (int j = 0; j < s.length; j++) {
                s[j] = 2 + r.nextInt(10);
                t[j] = s[j] % 3;
                kind[i] |= s[j] == 2 ? 1 : 0;
            }
            tokens.add(s);
            tags.add(t);
        }
        return SequenceDataset.of(12, null, tokens, Map.of("tag", tags), Map.of("kind", kind));
    }

    static ExperimentBuilder model(Layer... trunk) {
        return new ExperimentBuilder()
                .sequenceInput(vocabulary())
                .trunk(trunk)
                .task(TaskPlan.named("tag").head(Layers.dense(3)).loss(Losses.crossEntropy())
                        .labels(LabelType.TOKEN_CLASS).classNames("A", "B", "C")
                        .metrics(Metrics.accuracy(), Metrics.f1(polyhead.metrics.Average.MACRO),
                                Metrics.sequenceAccuracy()))
                .task(TaskPlan.named("kind").head(Layers.sequencePool(SequencePool.Mode.MEAN), Layers.dense(2))
                        .loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).classNames("without", "with"))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(TrainingPlan.defaults().epochs(8).batchSize(16).seed(3));
    }

    static ExperimentBuilder biLstm() {
        return model(Layers.embedding(8), Layers.lstm(8, 1, true));
    }

    static ExperimentBuilder transformer() {
        return model(Layers.embedding(8), Layers.sinusoidalPositions(), Layers.transformerEncoder(1, 2, 16));
    }

    @Test
    void shapesRunThroughTheTimeAxis() {
        Experiment e = model(Layers.embedding(6), Layers.positionalEmbedding(10), Layers.gru(5, 2, true),
                Layers.dense(4), Layers.relu()).build();
        Batch b = toy(4, 1).batch(new int[] {0, 1, 2, 3});
        int t = b.inputs().shape().dim(1);
        Map<String, Var> out;
        try (polyhead.nn.SequenceLengths.Scope s = polyhead.nn.SequenceLengths.open(b.lengths())) {
            out = e.architecture().outputs(Var.constant(b.inputs()));
        }
        assertEquals(Shape.of(4, t, 3), out.get("tag").shape());
        assertEquals(Shape.of(4, 2), out.get("kind").shape());
        // the embedding has the vocabulary's rows; its padding row starts at 0 (PyTorch's padding_idx)
        Tensor table = e.architecture().namedParameters().get("trunk.0.weight").value();
        assertEquals(Shape.of(12, 6), table.shape());
        for (int j = 0; j < 6; j++) {
            assertEquals(0f, table.get(Vocabulary.PAD_ID, j));
        }
        assertTrue(e.architecture().namedParameters().containsKey("trunk.2.weight_ih_l1_reverse"));
        assertTrue(e.architecture().namedParameters().containsKey("heads.kind.1.weight"));
    }

    private static String fault(ExperimentBuilder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void faultsOfSequenceModelsAreOneLineNamingTheLayer() {
        String dropped = fault(model(Layers.embedding(8), Layers.sequencePool(SequencePool.Mode.MAX),
                Layers.lstm(4)));
        assertTrue(dropped.contains("trunk[2] (lstm): lstm reads a sequence [T, features], but its input is [8]: a "
                + "layer before it dropped the time axis"), dropped);
        String heads = fault(model(Layers.embedding(6), Layers.transformerEncoder(1, 4, 8)));
        assertTrue(heads.contains("trunk[1] (transformerEncoder): the model width 6 (the input's features) is not "
                + "divisible by the 4 heads"), heads);
        String ids = fault(model(Layers.lstm(4)));
        assertTrue(ids.contains("trunk[0] (lstm): lstm reads a sequence of features [T, features], but its input is "
                + "the token ids [T]; put embedding(dim) before it"), ids);
        String flat = fault(model(Layers.embedding(4), Layers.flatten()));
        assertTrue(flat.contains("trunk[1] (flatten): flatten does not read a sequence [T, 4]"), flat);
        String rows = fault(model(Layers.embedding(50, 4), Layers.lstm(4)));
        assertTrue(rows.contains("trunk[0] (embedding): count: the table has 50 rows, but the sequence input's "
                + "vocabulary has 12 ids"), rows);
        String perToken = fault(biLstm().task(TaskPlan.named("wrong").head(Layers.dense(3))
                .loss(Losses.crossEntropy())));
        assertTrue(perToken.contains("task 'wrong': head: a CLASS_INDEX task needs logits [classes] with at least 2 "
                + "classes from its head, but it outputs [T, 3]; per-token labels are TOKEN_CLASS"), perToken);
        String arch = fault(biLstm().architecture(ArchitecturePlan.mmoe(2)));
        assertTrue(arch.contains("architecture: mmoe(2) is not offered on a sequence input"), arch);
        String noSequence = fault(new ExperimentBuilder().input(5).trunk(Layers.dense(4))
                .task(TaskPlan.named("t").head(Layers.lstm(3), Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01)))));
        assertTrue(noSequence.contains("task 't': head[0] (lstm): lstm reads a sequence [T, features], but its input "
                + "is [4]"), noSequence);
        assertFalse(dropped.contains("\n") || heads.contains("\n") || perToken.contains("\n"));
    }

    /**
     * The outputs for a sentence are the same alone and padded in a batch with a longer one: the lengths reach the
     * LSTM's reverse direction, the Transformer's key-padding mask and the pooling. Without the lengths (the
     * architecture called bare) the padded row's outputs differ, so the check can fail.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lstm", "transformer"})
    void aSentenceGivesTheSameOutputsAloneAndPadded(String kind) {
        Experiment e = (kind.equals("lstm") ? biLstm() : transformer()).build();
        Predictor p = Predictor.ofSequences(e.architecture());
        Tensor alone = Tensor.wrap(Shape.of(1, 3), new float[] {3, 4, 5});
        Tensor padded = Tensor.wrap(Shape.of(2, 5), new float[] {3, 4, 5, 0, 0, 6, 7, 8, 9, 2});
        Predictions a = p.predict(alone, new int[] {3});
        Predictions b = p.predict(padded, new int[] {3, 5});
        float[] tagA = a.task("tag").raw().data();
        float[] tagB = b.task("tag").raw().data();
        for (int i = 0; i < 9; i++) {
            assertEquals(tagA[i], tagB[i], 1e-5f, "tag logit " + i);
        }
        for (int c = 0; c < 2; c++) {
            assertEquals(a.task("kind").raw().get(0, c), b.task("kind").raw().get(0, c), 1e-5f, "kind logit " + c);
        }
        Tensor bare;
        try (var s = GradMode.noGrad()) {
            bare = e.architecture().outputs(Var.constant(padded)).get("kind").value();
        }
        assertTrue(Math.abs(bare.get(0, 0) - a.task("kind").raw().get(0, 0)) > 1e-4, "padding did not matter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "transformer"})
    void learnsTaggingAndSentenceClassesAndRoundTripsThroughSaveAndLoad(String kind) {
        SequenceDataset train = toy(300, 1);
        SequenceDataset test = toy(100, 2);
        TrainedModel m = (kind.equals("lstm") ? biLstm() : transformer()).build().fit(train, null);
        Map<String, Double> r = m.evaluate(test);
        // chance: a third of the tags; the "kind" of a sentence is 1 for about half of them
        assertTrue(r.get("tag.accuracy") > 0.9, r.toString());
        assertTrue(r.get("tag.f1_macro") > 0.9, r.toString());
        assertTrue(r.get("tag.sequence_accuracy") > 0.7, r.toString());
        assertTrue(r.get("kind.accuracy") > 0.8, r.toString());
        Path saved = dir.resolve("model");
        m.save(saved);
        TrainedModel back = TrainedModel.load(saved);
        assertEquals(m.vocabulary(), back.vocabulary());
        assertEquals(r, back.evaluate(test));
        Map<String, TaskPrediction> p = back.predict(List.of("w1", "w0", "unseen"));
        // w1 has id 3 (tag 0 = "A"), w0 id 2 (tag 2 = "C"), an unseen word reads as <unk> (id 1)
        assertEquals(3, p.get("tag").classes().length);
        assertEquals(List.of("A", "C"), p.get("tag").classNames().subList(0, 2));
        assertEquals("with", p.get("kind").classNames().get(0));
        assertEquals(m.predict(List.of("w1", "w0", "unseen")).get("tag").classNames(), p.get("tag").classNames());
    }

    /** Every weighting trains a sequence model (of the shared parameters, or of the [B, T, F] representation). */
    @Test
    void everyWeightingStepsOnASequenceModel() {
        SequenceDataset train = toy(40, 4);
        List<WeightingPlan> plans = new ArrayList<>(List.of(WeightingPlan.equal(), WeightingPlan.fixed(),
                WeightingPlan.uncertainty(), WeightingPlan.dwa(), WeightingPlan.randomLossWeighting(),
                WeightingPlan.famo(), WeightingPlan.gls(), WeightingPlan.stch(), WeightingPlan.pcGrad(),
                WeightingPlan.mgda(), WeightingPlan.caGrad(), WeightingPlan.nashMtl(), WeightingPlan.gradNorm(),
                WeightingPlan.imtlG(), WeightingPlan.imtlL(), WeightingPlan.imtlH(), WeightingPlan.fairGrad(),
                WeightingPlan.excessMtl(), WeightingPlan.sdmGrad(), WeightingPlan.gradDrop(),
                WeightingPlan.alignedMtl(), WeightingPlan.upGrad(), WeightingPlan.gradVac(), WeightingPlan.dbMtl(),
                WeightingPlan.moCo()));
        plans.add(WeightingPlan.pcGrad().source(GradientSource.REPRESENTATION));
        plans.add(WeightingPlan.mgda().source(GradientSource.REPRESENTATION));
        for (WeightingPlan w : plans) {
            Experiment e = biLstm().weighting(w).training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(3))
                    .build();
            Map<String, float[]> before = new LinkedHashMap<>();
            e.architecture().stateDict().forEach((k, v) -> before.put(k, v.data().clone()));
            TrainedModel m = e.fit(train, null);
            double loss = m.history().rows().get(1).get("train.loss");
            assertTrue(Double.isFinite(loss), w + ": " + loss);
            assertFalse(java.util.Arrays.equals(before.get("trunk.1.weight_ih_l0"),
                    e.architecture().stateDict().get("trunk.1.weight_ih_l0").data()), w + " did not move the encoder");
        }
    }

    @Test
    void badDataIsOneLine() {
        DataException empty = assertThrows(DataException.class, () -> SequenceDataset.of(12, List.of("s0"),
                List.of(new int[0]), Map.of("tag", List.of(new int[0])), Map.of()));
        assertEquals("sequence data: s0 is empty", empty.getMessage());
        DataException outside = assertThrows(DataException.class, () -> SequenceDataset.of(12, null,
                List.of(new int[] {2, 12}), Map.of("tag", List.of(new int[] {0, 0})), Map.of()));
        assertTrue(outside.getMessage().contains("token id 12 at position 1, outside the vocabulary of 12 ids"));
        DataException lengths = assertThrows(DataException.class, () -> new Batch(Tensor.zeros(2, 3), Map.of(),
                Map.of(), Map.of(), new int[] {3, 4}));
        assertTrue(lengths.getMessage().contains("length 4 of sequence 1 is outside [1, 3]"), lengths.getMessage());
        // the model's vocabulary has 12 ids; data encoded with another vocabulary is refused before any step
        SequenceDataset other = SequenceDataset.of(20, null, List.of(new int[] {2, 3}),
                Map.of("tag", List.of(new int[] {0, 1})), Map.of("kind", new int[] {0}));
        DataException vocab = assertThrows(DataException.class, () -> biLstm().build().fit(other, null));
        assertTrue(vocab.getMessage().startsWith("data: the sentences' token ids run over a vocabulary of 20 ids, "
                + "the model's vocabulary has 12"), vocab.getMessage());
        // a learned position table of 4 rows refuses a longer sentence, by name
        SequenceDataset longer = SequenceDataset.of(12, List.of("doc:1", "doc:2"),
                List.of(new int[] {2, 3}, new int[] {2, 3, 4, 5, 6}),
                Map.of("tag", List.of(new int[] {0, 1}, new int[] {0, 1, 2, 0, 1})), Map.of("kind", new int[] {0, 1}));
        DataException over = assertThrows(DataException.class, () -> model(Layers.embedding(4),
                Layers.positionalEmbedding(4), Layers.lstm(4)).build().fit(longer, null));
        assertEquals("sequence data: doc:2 has 5 tokens, over the maximum length 4 (truncate, or raise the maximum)",
                over.getMessage());
        SequenceDataset tagsPerSentence = SequenceDataset.of(12, null, List.of(new int[] {2, 3}), Map.of(),
                Map.of("tag", new int[] {0}, "kind", new int[] {0}));
        DataException kind = assertThrows(DataException.class, () -> biLstm().build().fit(tagsPerSentence, null));
        assertTrue(kind.getMessage().startsWith("data: task 'tag' has per-token labels in the experiment"),
                kind.getMessage());
        SequenceDataset bigClass = SequenceDataset.of(12, List.of("x:1"), List.of(new int[] {2, 3}),
                Map.of("tag", List.of(new int[] {0, 7})), Map.of("kind", new int[] {0}));
        DataException cls = assertThrows(DataException.class, () -> biLstm().build().fit(bigClass, null));
        assertEquals("data: task 'tag': x:1 has class 7 at token 1, but the head outputs 3 classes (0..2)",
                cls.getMessage());
        Predictor served = Predictor.ofSequences(biLstm().build().architecture());
        assertEquals("predictor input: length 4 of sentence 0 is outside [1, 3] for token ids [1, 3]",
                assertThrows(IllegalArgumentException.class, () -> served.predict(Tensor.zeros(1, 3), new int[] {4}))
                        .getMessage());
        assertEquals("predictor input: this model reads sentences; give token ids [N, T] and their lengths, "
                + "predict(ids, lengths)", assertThrows(IllegalArgumentException.class,
                        () -> served.predict(Tensor.zeros(1, 3))).getMessage());
        IllegalArgumentException emptySentence = assertThrows(IllegalArgumentException.class,
                () -> biLstm().training(TrainingPlan.defaults().epochs(1).seed(1)).build().fit(toy(20, 1), null)
                        .predict(List.of()));
        assertEquals("predict: the sentence is empty; give at least one word", emptySentence.getMessage());
    }

    /** An epoch of a sequence model's batches has every sentence once, each batch with its lengths. */
    @Test
    void anEpochOfBatchesHasEverySentenceOnce() {
        Experiment e = biLstm().build();
        SequenceDataset data = toy(100, 5);
        int seen = 0;
        for (var it = e.batches(data).epoch(new Random(1)); it.hasNext(); ) {
            for (Batch b : it.next()) {
                seen += b.size();
                assertEquals(b.size(), b.lengths().length);
            }
        }
        assertEquals(100, seen);
    }
}
