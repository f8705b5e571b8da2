package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.LabelMapping;
import polyhead.data.LabelType;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.nn.Linear;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.train.History;

/**
 * Binding data to an experiment fits its targets to the heads ([N] real targets for a head of one output) and derives
 * the labels of derived tasks, before any step; every mismatch is one line naming both shapes, and the Java builder
 * refuses what the DSL refuses.
 */
class DataBindingTest {
    /** Six rows of two features; "item" holds classes 0..3 with row 4 unlabelled, "price" one real value per row. */
    private static Dataset data() {
        Tensor x = Tensor.randn(5, 6, 2);
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("item", Tensor.wrap(Shape.of(6), new float[] {0, 3, 2, 1, 0, 3}));
        targets.put("price", Tensor.wrap(Shape.of(6), new float[] {1.5f, -2, 0, 4, 1, 2}));
        Map<String, Tensor> masks = new LinkedHashMap<>();
        masks.put("item", Tensor.wrap(Shape.of(6), new float[] {1, 1, 1, 1, 0, 1}));
        masks.put("price", Tensor.ones(6));
        return Dataset.of(x, targets, masks);
    }

    private static ExperimentBuilder experiment(TaskPlan... extra) {
        ExperimentBuilder b = new ExperimentBuilder().input(2).trunk(Layers.dense(4), Layers.relu())
                .task(TaskPlan.named("item").head(Layers.dense(4)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .training(TrainingPlan.defaults().epochs(1).batchSize(4));
        for (TaskPlan t : extra) {
            b.task(t);
        }
        return b;
    }

    private static TaskPlan price(int outputs) {
        return TaskPlan.named("price").head(Layers.dense(outputs)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR);
    }

    @Test
    void aOneColumnRealTargetTakesTheShapeOfItsHeadWhenBoundNotAtTheFirstStep() {
        Experiment e = experiment(price(1)).build();
        Dataset bound = e.bind(data());
        assertEquals(Shape.of(6, 1), bound.targets("price").shape());
        assertArrayEquals(data().targets("price").data(), bound.targets("price").data());
        assertEquals(Shape.of(6), bound.targets("item").shape());
        History h = e.fit(data(), null, null, null).history();
        assertTrue(Double.isFinite(h.last().get("train.price.loss")), h.toCsv());
    }

    @Test
    void targetsThatCannotTakeTheHeadsShapeAreRefusedNamingBoth() {
        DataException f = assertThrows(DataException.class, () -> experiment(price(3)).build().bind(data()));
        assertEquals("data: task 'price': targets [6] do not fit the head's output [6, 3]; the targets need 3 value(s) "
                + "per sample", f.getMessage());
        Dataset outOfRange = data().withTask("item", Tensor.wrap(Shape.of(6), new float[] {0, 4, 2, 1, 0, 3}),
                data().mask("item"));
        assertEquals("data: task 'item': row 1 has class 4.0, but the head outputs 4 classes (0..3)",
                assertThrows(DataException.class, () -> experiment().build().bind(outOfRange)).getMessage());
        assertEquals("data: no labels for task 'price' of the experiment; the data's tasks: item",
                assertThrows(DataException.class, () -> experiment(price(1)).build()
                        .bind(Dataset.of(data().inputs(), Map.of("item", data().targets("item"))))).getMessage());
    }

    @Test
    void derivedTasksTakeTheirLabelsFromTheirSourceAndMissingLabelsStayMissing() {
        Experiment e = experiment(
                TaskPlan.named("even").head(Layers.dense(1)).loss(Losses.bceWithLogits())
                        .derivedFrom("item", LabelMapping.toBinary(0, 2)).metrics(Metrics.accuracy()),
                TaskPlan.named("half").head(Layers.dense(2)).loss(Losses.crossEntropy())
                        .derivedFrom("item", LabelMapping.toGroup(0, 0, 1, 1)),
                TaskPlan.named("coarse").head(Layers.dense(2)).loss(Losses.crossEntropy())
                        .derivedFrom("half", LabelMapping.toGroup(1, 0))).build();
        Dataset bound = e.bind(data());
        assertEquals(Shape.of(6, 1), bound.targets("even").shape());
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0}, bound.targets("even").data());
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, bound.targets("half").data());
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, bound.targets("coarse").data());
        for (String t : new String[] {"even", "half", "coarse"}) {
            assertArrayEquals(data().mask("item").data(), bound.mask(t).data(), t);
        }
        History h = e.fit(data(), null, null, null).history();
        assertTrue(Double.isFinite(h.last().get("train.even.loss")), h.toCsv());
    }

    @Test
    void derivationsThatCannotWorkAreOneLineFaultsOfTheBuilder() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("x")
                .head(Layers.dense(1)).loss(Losses.bceWithLogits()).derivedFrom("itme", LabelMapping.toBinary(1)))
                .build()).getMessage();
        assertEquals("task 'x': derivedFrom: no task 'itme' to derive the labels from; tasks: item, x", unknown);
        String cycle = assertThrows(IllegalArgumentException.class, () -> experiment(
                TaskPlan.named("p").head(Layers.dense(2)).loss(Losses.crossEntropy()).derivedFrom("q", LabelMapping.toGroup(0, 1)),
                TaskPlan.named("q").head(Layers.dense(2)).loss(Losses.crossEntropy()).derivedFrom("p", LabelMapping.toGroup(0, 1)))
                .build()).getMessage();
        assertTrue(cycle.startsWith("task 'p': derivedFrom: the tasks' derivations form a cycle: p → q → p"), cycle);
        String coverage = assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("g")
                .head(Layers.dense(2)).loss(Losses.crossEntropy()).derivedFrom("item", LabelMapping.toGroup(0, 1, 1)))
                .build()).getMessage();
        assertEquals("task 'g': derivedFrom: the mapping gives groups for 3 classes, but the source has 4 (one group "
                + "per class)", coverage);
        String positive = assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("b")
                .head(Layers.dense(1)).loss(Losses.bceWithLogits()).derivedFrom("item", LabelMapping.toBinary(1, 7)))
                .build()).getMessage();
        assertEquals("task 'b': derivedFrom: positive class 7 is not a class of the source (0..3)", positive);
        String head = assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("g")
                .head(Layers.dense(3)).loss(Losses.crossEntropy()).derivedFrom("item", LabelMapping.toGroup(0, 1, 1, 0)))
                .build()).getMessage();
        assertEquals("task 'g': head: the mapping has 2 groups, so the head must output [2], but it outputs [3]", head);
        String notClasses = assertThrows(IllegalArgumentException.class, () -> experiment(price(1), TaskPlan.named("b")
                .head(Layers.dense(1)).loss(Losses.bceWithLogits()).derivedFrom("price", LabelMapping.toBinary(1)))
                .build()).getMessage();
        assertEquals("task 'b': derivedFrom: a mapping reads class indices, but task 'price' has REAL_VECTOR labels",
                notClasses);
    }

    @Test
    void theJavaBuilderAndTheCoreTaskRefuseALossThatDoesNotFitTheLabels() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("price")
                .head(Layers.dense(2)).loss(Losses.mse())).build()).getMessage()
                .contains("task 'price': loss: mse does not fit CLASS_INDEX labels; CLASS_INDEX labels take crossEntropy"));
        assertEquals("task 'p': loss mse does not fit CLASS_INDEX labels (it takes [REAL_VECTOR])",
                assertThrows(IllegalArgumentException.class, () -> Task.builder("p").head(new Linear(2, 2, new java.util.Random(1)))
                        .loss(Losses.mse()).labels(LabelType.CLASS_INDEX).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> experiment(TaskPlan.named("w").head(Layers.dense(2))
                .loss(Losses.crossEntropy(0f, polyhead.loss.Reduction.MEAN, new float[] {1, 2, 3}))).build()).getMessage()
                .contains("task 'w': loss: 3 class weights, but the head outputs 2 classes (one weight per class)"));
        // a task that states no labels takes those its loss fits
        assertEquals(LabelType.REAL_VECTOR, Task.builder("p").head(new Linear(2, 1, new java.util.Random(1)))
                .loss(Losses.mse()).build().labelType());
    }

    @Test
    void sampleWeightsScaleEachSamplesLossAsKerasDoes() {
        Experiment e = experiment(price(1)).build();
        Dataset d = e.bind(data());
        Map<String, Double> plain = e.trainerBuilder(1, null).build().evaluate(d);
        Map<String, Double> doubled = e.trainerBuilder(1, null).build().evaluate(d.withSampleWeights(Tensor.full(2f, Shape.of(6))));
        assertEquals(2 * plain.get("price.loss"), doubled.get("price.loss"), 1e-6 * plain.get("price.loss"));
        assertEquals(2 * plain.get("item.loss"), doubled.get("item.loss"), 1e-6 * plain.get("item.loss"));
        Dataset firstOnly = d.withSampleWeights("price", Tensor.wrap(Shape.of(6), new float[] {1, 0, 0, 0, 0, 0}));
        double expected = Math.pow(e.architecture().outputs(polyhead.autodiff.Var.constant(d.inputs()))
                .get("price").value().data()[0] - 1.5, 2) / 6;
        assertEquals(expected, e.trainerBuilder(1, null).build().evaluate(firstOnly).get("price.loss"), 1e-5);
        assertEquals("dataset: sample weight of task 'item' at row 2 is -1.0 (sample weights are finite and >= 0)",
                assertThrows(IllegalArgumentException.class, () -> d.withSampleWeights(
                        Tensor.wrap(Shape.of(6), new float[] {1, 1, -1, 1, 1, 1}))).getMessage());
    }
}
