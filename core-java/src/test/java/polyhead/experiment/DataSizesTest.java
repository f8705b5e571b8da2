package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Sizes are checked against the data before any step ({@link Experiment#checkSizes}, run by {@code fit}): empty data
 * and a validation split that leaves a part empty are one line naming the plan's field; a batch larger than the data
 * is not a fault (one batch of every row per epoch).
 */
class DataSizesTest {
    /** {@code n} rows of two features, task "item" with classes 0..3. */
    private static Dataset rows(int n) {
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        return Dataset.of(Tensor.randn(3, n, 2), Map.of("item", Tensor.wrap(Shape.of(n), labels)));
    }

    private static Experiment experiment(TrainingPlan training) {
        return new ExperimentBuilder().input(2).trunk(Layers.dense(4), Layers.relu())
                .task(TaskPlan.named("item").head(Layers.dense(4)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .training(training).build();
    }

    @Test
    void aValidationSplitThatLeavesNoValidationRowIsRefusedNamingTheField() {
        Experiment e = experiment(TrainingPlan.defaults().epochs(1).batchSize(4).validationSplit(0.1));
        assertEquals("training.validationSplit: 0.1 of 3 rows leaves no validation row; give at least 10 rows or "
                + "drop the split", assertThrows(DataException.class, () -> e.fit(rows(3), null)).getMessage());
        assertEquals("training.validationSplit: 0.1 of 1 row leaves no validation row; give at least 10 rows or "
                + "drop the split", assertThrows(DataException.class, () -> e.checkSizes(rows(1), null)).getMessage());
        // at the least number of rows the split is made, and with validation data given there is none to make
        e.checkSizes(rows(10), null);
        e.checkSizes(rows(3), rows(1));
        Experiment third = experiment(TrainingPlan.defaults().validationSplit(0.3));
        assertEquals("training.validationSplit: 0.3 of 3 rows leaves no validation row; give at least 4 rows or "
                + "drop the split", assertThrows(DataException.class, () -> third.checkSizes(rows(3), null))
                .getMessage());
    }

    @Test
    void emptyTrainingOrValidationDataIsRefused() {
        Experiment e = experiment(TrainingPlan.defaults().epochs(1).batchSize(4));
        assertEquals("training data: no rows; nothing to train on",
                assertThrows(DataException.class, () -> e.fit(rows(0), null)).getMessage());
        assertEquals("validation data: no rows; nothing to validate on",
                assertThrows(DataException.class, () -> e.fit(rows(8), rows(0))).getMessage());
        assertEquals("training data: no rows; nothing to train on",
                assertThrows(DataException.class, () -> e.batches(rows(0))).getMessage());
    }

    @Test
    void aBatchLargerThanTheDataIsOneBatchOfEveryRow() {
        Experiment e = experiment(TrainingPlan.defaults().epochs(3).batchSize(1000).validationSplit(0.5));
        assertEquals(1, e.batches(rows(5)).stepsPerEpoch());
        TrainedModel m = e.fit(rows(6), null);
        assertEquals(3, m.history().series("val.item.loss").length);
    }

    /** {@link Dataset#minRowsToSplit} against the smallest row count on which {@link Dataset#split} succeeds. */
    @Test
    void theLeastRowsToSplitAreTheFewestOnWhichTheSplitSucceeds() {
        for (double f : new double[] {0.05, 0.1, 0.2, 0.25, 1.0 / 3, 0.3, 0.5, 0.7, 0.9, 0.99}) {
            int n = 1;
            while (true) {
                try {
                    rows(n).split(f, 1);
                    break;
                } catch (DataException e) {
                    assertEquals("validation fraction " + f + " " + Dataset.tooFewRows(f, n, "validation")
                            + " or drop the split", e.getMessage());
                    n++;
                }
            }
            assertEquals(n, Dataset.minRowsToSplit(f), "fraction " + f);
        }
        assertThrows(IllegalArgumentException.class, () -> Dataset.minRowsToSplit(1.0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.minRowsToSplit(0));
    }
}
