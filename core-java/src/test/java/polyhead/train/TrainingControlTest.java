package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.mtl.arch.HardSharing;
import polyhead.optim.Optimizers;
import polyhead.tensor.Tensor;

/**
 * Listeners act on the run through their {@link TrainingControl}: they stop it after an epoch or a step, and a
 * learning-rate scheduler's rates are the ones the optimizer applies (checked against SGD steps done by hand with the
 * gradients of {@link Trainer#lossesAndGradients}).
 */
class TrainingControlTest {
    private static Dataset data() {
        return TrainerTest.points(7, false).rows(java.util.stream.IntStream.range(0, 32).toArray());
    }

    @Test
    void aListenerStopsTheRunAfterAnEpoch() {
        Trainer t = Trainer.builder(TrainerTest.model(1)).optimizer(Optimizers.sgd(0.1)).epochs(10)
                .listener(TrainingListeners.stopWhen((epoch, row) -> epoch == 2)).build();
        History h = t.fit(data(), 8, null);
        assertEquals(3, h.epochs());
        assertEquals(3, t.epochsDone());
        assertEquals(12, t.steps());
    }

    @Test
    void aListenerStopsTheRunAfterAStep() {
        Trainer t = Trainer.builder(TrainerTest.model(1)).optimizer(Optimizers.sgd(0.1)).epochs(10)
                .listener(TrainingListeners.onStepEnd((epoch, step, losses, control) -> {
                    if (step == 6) {
                        control.stop();
                    }
                })).build();
        History h = t.fit(data(), 8, null);
        assertEquals(6, t.steps());
        // the second epoch ended early, after its second step, and has its row
        assertEquals(2, h.epochs());
    }

    @Test
    void theSchedulersLearningRatesAreTheOnesApplied() {
        Dataset d = data();
        Batch all = d.batch(java.util.stream.IntStream.range(0, d.size()).toArray());
        HardSharing scheduled = TrainerTest.model(2);
        List<Double> seen = new ArrayList<>();
        Trainer t = Trainer.builder(scheduled).optimizer(Optimizers.sgd(1.0)).epochs(3).diagnostics(false)
                .listener(TrainingListeners.learningRateScheduler((epoch, lr) -> {
                    seen.add(lr);
                    return 0.1 * (epoch + 1);
                })).build();
        History h = t.fit(Batching.sequential(d, d.size()), null);
        // the scheduler sees the rate in use: the optimizer's own first, then the one it set
        assertEquals(List.of(1.0, 0.1, 0.2), seen);
        assertArrayEquals(new double[] {0.1, 0.2, 0.30000000000000004}, h.series("lr"));

        // by hand: p ← p − lr_e·g(p), one full-batch step per epoch
        HardSharing byHand = TrainerTest.model(2);
        Trainer probe = Trainer.builder(byHand).optimizer(Optimizers.sgd(1.0)).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            float lr = (float) (0.1 * (epoch + 1));
            Map<String, Tensor> g = probe.lossesAndGradients(all).gradients();
            for (Map.Entry<String, Var> p : byHand.namedParameters().entrySet()) {
                float[] w = p.getValue().value().data();
                float[] gw = g.get(p.getKey()).data();
                for (int i = 0; i < w.length; i++) {
                    w[i] += -lr * gw[i];
                }
            }
        }
        TrainerTest.assertSameWeights(TrainerTest.weights(byHand), TrainerTest.weights(scheduled));
    }

    @Test
    void aLearningRateMustBeAFiniteNumberAtLeastZero() {
        Trainer t = Trainer.builder(TrainerTest.model(1)).optimizer(Optimizers.sgd(0.1)).epochs(1)
                .listener(TrainingListeners.learningRateScheduler((epoch, lr) -> -1)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(data(), 8, null));
        assertEquals("a learning rate must be a finite number >= 0, got -1.0", e.getMessage());
    }
}
