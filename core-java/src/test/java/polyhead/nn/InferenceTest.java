package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** An inference scope: no graph and evaluation behaviour, for its own thread only, without touching the mode flag. */
class InferenceTest {
    @Test
    void noGraphAndEvaluationBehaviourOnThisThreadOnly() throws Exception {
        Random rng = new Random(0);
        Sequential net = new Sequential(new Linear(6, 8, rng), new Dropout(0.5f, 1), BatchNorm.oneD(8));
        Tensor x = Tensor.randn(2, 4, 6);
        net.call(Var.constant(x)); // running statistics away from 0 and 1
        float[] mean = net.stateDict().get("2.running_mean").data().clone();
        Tensor evaluation;
        net.eval();
        try (var scope = GradMode.noGrad()) {
            evaluation = net.call(Var.constant(x)).value();
        }
        net.train(true);
        try (var scope = Inference.enter()) {
            assertTrue(Inference.isActive());
            assertFalse(GradMode.isEnabled());
            Var y = net.call(Var.constant(x));
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf(), "no parents kept");
            assertArrayEquals(evaluation.data(), y.value().data());
            assertTrue(net.isTraining(), "the flag is untouched");
            // another thread, meanwhile, trains: dropout drops and batch norm updates its statistics
            boolean othersTrain = CompletableFuture.supplyAsync(() -> {
                Var z = net.call(Var.constant(x));
                return z.requiresGrad() && !Inference.isActive();
            }).get();
            assertTrue(othersTrain);
        }
        assertFalse(Inference.isActive());
        assertTrue(GradMode.isEnabled());
        assertFalse(java.util.Arrays.equals(mean, net.stateDict().get("2.running_mean").data()),
                "the other thread's training-mode call updated the statistics");
    }
}
