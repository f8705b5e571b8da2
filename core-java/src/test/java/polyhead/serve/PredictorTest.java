package polyhead.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.BatchNorm;
import polyhead.nn.Dropout;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;

/** A predictor gives the architecture's evaluation-mode outputs, from any number of threads at once. */
class PredictorTest {
    /**
     * W1's trunk (784-256-128) with batch norm and dropout, so that evaluation behaviour matters, and a class, a
     * binary and a real task.
     */
    private static HardSharing network(long seed) {
        Random rng = new Random(seed);
        Sequential trunk = new Sequential(new Linear(784, 256, rng), Activation.relu(), BatchNorm.oneD(256),
                new Dropout(0.3f, seed), new Linear(256, 128, rng), Activation.relu());
        List<Task> tasks = List.of(
                Task.builder("item").head(new Linear(128, 10, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("odd").head(new Linear(128, 1, rng)).loss(Losses.bceWithLogits())
                        .labels(LabelType.BINARY).build(),
                Task.builder("size").head(new Linear(128, 2, rng)).loss(Losses.mse())
                        .labels(LabelType.REAL_VECTOR).build());
        HardSharing arch = new HardSharing(trunk, tasks);
        // running statistics away from their initial values: a few forward passes in training mode
        for (int i = 0; i < 3; i++) {
            arch.outputs(Var.constant(Tensor.randn(100 + i, 32, 784)));
        }
        return arch;
    }

    private static Map<String, Tensor> evaluationForward(Architecture arch, Tensor x) {
        boolean was = arch.isTraining();
        arch.eval();
        try (var scope = GradMode.noGrad()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            arch.outputs(Var.constant(x)).forEach((t, v) -> out.put(t, v.value().copy()));
            return out;
        } finally {
            arch.train(was);
        }
    }

    private static Map<String, Tensor> stateCopy(Architecture arch) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        arch.stateDict().forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    @Test
    void givesTheEvaluationModeForwardAndWritesNothing() {
        HardSharing arch = network(1);
        assertTrue(arch.isTraining(), "left in training mode on purpose");
        Map<String, Tensor> before = stateCopy(arch);
        Predictor p = Predictor.of(arch, 784);
        for (int n : new int[] {1, 64}) {
            Tensor x = Tensor.randn(7 + n, n, 784);
            Predictions got = p.predict(x);
            // the predictor changed neither the mode flag nor any buffer (dropout's call count, batch norm's statistics)
            assertTrue(arch.isTraining());
            stateCopy(arch).forEach((k, v) -> assertArrayEquals(before.get(k).data(), v.data(), k));
            Map<String, Tensor> want = evaluationForward(arch, x);
            assertEquals(n, got.samples());
            assertEquals(List.of("item", "odd", "size"), List.copyOf(got.tasks().keySet()));
            for (String t : want.keySet()) {
                assertEquals(want.get(t).shape(), got.task(t).raw().shape(), t);
                assertArrayEquals(want.get(t).data(), got.task(t).raw().data(), t + ": bit for bit");
            }
            // an independent computation of what follows from the logits: the autodiff softmax and sigmoid
            try (var scope = GradMode.noGrad()) {
                TaskOutput item = got.task("item");
                assertArrayEquals(Var.constant(want.get("item")).softmax(1).value().data(), item.probabilities().data(),
                        1e-6f);
                int[] argmax = new int[n];
                for (int i = 0; i < n; i++) {
                    for (int c = 1; c < 10; c++) {
                        if (want.get("item").data()[i * 10 + c] > want.get("item").data()[i * 10 + argmax[i]]) {
                            argmax[i] = c;
                        }
                    }
                }
                assertArrayEquals(argmax, item.predicted());
                TaskOutput odd = got.task("odd");
                assertArrayEquals(Var.constant(want.get("odd")).sigmoid().value().data(), odd.probabilities().data(),
                        1e-6f);
                assertNull(odd.predicted());
                assertNull(got.task("size").probabilities());
                assertNull(got.task("size").predicted());
            }
        }
    }

    /** N threads × M calls on random inputs give, bit for bit, what the same calls gave one after another. */
    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        Predictor p = Predictor.of(network(2), 784);
        Random rng = new Random(3);
        int[] sizes = {1, 64, 5};
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            inputs.add(Tensor.randn(rng.nextLong(), sizes[i % sizes.length], 784));
        }
        List<Predictions> sequential = new ArrayList<>();
        for (Tensor x : inputs) {
            sequential.add(p.predict(x));
        }
        int threads = 8;
        int calls = 30;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int c = 0; c < calls; c++) {
                        order.add(c % inputs.size());
                    }
                    Collections.shuffle(order, new Random(seed));
                    for (int i : order) {
                        assertSame(sequential.get(i), p.predict(inputs.get(i)), "input " + i);
                    }
                    return order.size();
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertEquals(threads * calls, total);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSame(Predictions want, Predictions got, String what) {
        assertEquals(want.samples(), got.samples(), what);
        for (String t : want.tasks().keySet()) {
            TaskOutput w = want.task(t);
            TaskOutput g = got.task(t);
            assertArrayEquals(w.raw().data(), g.raw().data(), what + ", " + t);
            if (w.probabilities() != null) {
                assertArrayEquals(w.probabilities().data(), g.probabilities().data(), what + ", " + t);
            }
            assertArrayEquals(w.predicted(), g.predicted(), what + ", " + t);
        }
    }

    @Test
    void oneSampleAsAnArrayIsABatchOfOne() {
        Predictor p = Predictor.of(network(4), 784);
        Tensor x = Tensor.randn(5, 1, 784);
        assertSame(p.predict(x), p.predict(x.data()), "one sample");
        // a batch [N, 28, 28] holds as many values per sample: read as [N, 784]
        assertSame(p.predict(x), p.predict(x.reshape(1, 28, 28)), "reshaped");
    }

    @Test
    void badInputIsOneLineNamingTheShapes() {
        Predictor p = Predictor.of(network(5), 784);
        assertEquals("predictor input [3, 783]: expected [N, 784] (N samples of 784 values)",
                assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(3, 783))).getMessage());
        assertEquals("predictor input [784]: expected [N, 784] (N samples of 784 values)",
                assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(784))).getMessage());
        assertEquals("predictor input: one sample holds 784 values (sample shape [784]), got 10",
                assertThrows(IllegalArgumentException.class, () -> p.predict(new float[10])).getMessage());
        assertEquals("sample shape [1, 0]: every dimension must be positive",
                assertThrows(IllegalArgumentException.class, () -> Predictor.of(network(5), 1, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(1, 784)).task("price"));
    }

    /** Pixel maps: softmax over the class axis and the most probable class of each pixel. */
    @Test
    void pixelMapsGetPerPixelProbabilitiesAndClasses() {
        // 2 samples, 3 classes, 1×2 pixels
        Tensor logits = Tensor.of(new float[] {
                1, 0, 2, 5, 3, 1,
                0, 0, 0, 0, -1, 4}, 2, 3, 1, 2);
        TaskOutput out = Predictor.output("mask", LabelType.PIXEL_CLASS_MAP, logits);
        try (var scope = GradMode.noGrad()) {
            assertArrayEquals(Var.constant(logits).softmax(1).value().data(), out.probabilities().data(), 1e-6f);
        }
        // sample 0: pixel 0 logits (1, 2, 3) → 2, pixel 1 (0, 5, 1) → 1; sample 1: (0, 0, -1) → 0 (first of equals),
        // (0, 0, 4) → 2
        assertArrayEquals(new int[] {2, 1, 0, 2}, out.predicted());
        assertFalse(out.probabilities() == logits);
    }
}
