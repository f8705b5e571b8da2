package polyhead.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import polyhead.tensor.EjmlGemm;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;

/** The bench's bookkeeping (options, flop counts, medians); its timings are never asserted. */
class BenchTest {
    /** The bench's options as picocli reads them, checked (the tool's own faults are tested in BenchCommandTest). */
    static Bench.Options options(String... args) {
        Bench bench = new Bench(System.out);
        new CommandLine(bench).parseArgs(args);
        return bench.options();
    }

    @Test
    void optionsParseAndRejectNonsense() {
        Bench.Options o = options("--workloads", "w1,W3", "--gemms", "ejml", "--reps", "5",
            "--warmup", "0", "--steps", "7", "--threads", "1", "--warmup-rounds", "2");
        assertEquals(List.of("w1", "w3"), o.workloads());
        assertEquals(List.of("ejml"), o.gemms());
        assertEquals(5, o.reps());
        assertEquals(0, o.warmup());
        assertEquals(7, o.steps());
        assertEquals(1, o.threads());
        assertEquals(2, o.warmupRounds());
        assertEquals(List.of("adam", "sgdm", "adamw"), o.optimizers());
        assertEquals(List.of(), options("--optimizers", "none").optimizers());
        assertEquals("'sgd' is not one of adam, sgdm, adamw",
                assertThrows(ParameterException.class, () -> options("--optimizers", "sgd")).getMessage());
        assertEquals("'w5' is not one of w1, w1-predict, w2, w3, w1-epoch, w4-bilstm, w4-transformer",
                assertThrows(ParameterException.class, () -> options("--workloads", "w5")).getMessage());
        assertEquals("option --steps must be >= 1, got 0",
                assertThrows(ParameterException.class, () -> options("--steps", "0")).getMessage());
    }

    /**
     * W1 at batch B: forward 2B·(784·256 + 256·128 + 128·10 + 128·5), the same again for the weight gradients, and
     * 2B·(256·128 + 128·10 + 128·5) for the input gradients of every layer but the first (its input is data).
     */
    @Test
    void w1FlopsAreCountedFromTheGemmCalls() {
        TrainingMeasurement w1 = new TrainingMeasurement("W1 mlp-mtl", Models.mlpMtl(new Random(0)), 32,
                new int[] {784}, 10, 5, 1.0f, 0.5f, new EjmlGemm(), null);
        long layers = 784 * 256 + 256 * 128 + 128 * 10 + 128 * 5;
        long inputGrads = 256 * 128 + 128 * 10 + 128 * 5;
        assertEquals(2.0 * 32 * (2 * layers + inputGrads), w1.flops());
        assertEquals("W1 mlp-mtl b32 fwd+bwd", w1.name());
        Map<String, Double> r = w1.measure(0, 2);
        assertEquals(List.of("step", "fwd", "bwd", "fwd_gemm", "bwd_gemm"), List.copyOf(r.keySet()));
        assertTrue(r.get("fwd_gemm") <= r.get("fwd") && r.get("bwd_gemm") <= r.get("bwd"), r.toString());
        assertTrue(r.get("step") > 0);
    }

    /**
     * W1-predict: one Predictor call on W1's network, forward only, 2B·(784·256 + 256·128 + 128·10 + 128·5) flops;
     * the measurement runs through the GEMM it is given and leaves the process's GEMM as it was.
     */
    @Test
    void w1PredictTimesOnePredictorCall() {
        Gemm before = Gemms.current();
        PredictMeasurement p = new PredictMeasurement(new EjmlGemm(), 64);
        assertEquals("W1 predict b64", p.name());
        assertEquals("ejml", p.gemm());
        assertEquals(64, p.batch());
        assertEquals(2.0 * 64 * (784 * 256 + 256 * 128 + 128 * 10 + 128 * 5), p.flops());
        Map<String, Double> r = p.measure(1, 3);
        assertTrue(r.get("step") > 0, r.toString());
        assertEquals(before, Gemms.current());
        assertEquals(List.of("w1-predict"), options("--workloads", "w1-predict").workloads());
    }

    /** A full step times the update as its own phase, and the update moves the parameters (it is not a stand-in). */
    @Test
    void aFullStepRunsTheOptimizer() {
        Models.TwoHeads model = Models.mlpMtl(new Random(0));
        float before = model.head1.weight().value().get(3, 7);
        TrainingMeasurement w1 = new TrainingMeasurement("W1 mlp-mtl", model, 32, new int[] {784}, 10, 5, 1.0f, 0.5f,
                new EjmlGemm(), "adam");
        assertEquals("W1 mlp-mtl b32 adam", w1.name());
        assertEquals(before, model.head1.weight().value().get(3, 7), "counting the flops must not take a step");
        Map<String, Double> r = w1.measure(0, 1);
        assertEquals(List.of("step", "fwd", "bwd", "opt", "fwd_gemm", "bwd_gemm"), List.copyOf(r.keySet()));
        // Adam's first step moves every weight with a nonzero gradient by lr·g/(|g| + eps) ≈ ±1e-3
        assertEquals(1e-3, Math.abs(model.head1.weight().value().get(3, 7) - before), 1e-5);
    }

    /**
     * {@code --products}: the step's own products by shape, each once per step (W1 at batch 32: the forward's
     * X·W₁ᵀ, the weight gradient ∂W₁ = G₁ᵀ·X, no input gradient for the data), and the optimizer's update, each
     * timed in the step and alone; the table printed with the same rows.
     */
    @Test
    void productProfileListsTheStepsOwnProductsAndTheUpdate() {
        TrainingMeasurement w1 = new TrainingMeasurement("W1 mlp-mtl", Models.mlpMtl(new Random(0)), 32,
                new int[] {784}, 10, 5, 1.0f, 0.5f, new EjmlGemm(), "sgdm");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Map<String, Object>> rows = w1.productProfile(1, 3,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<String> names = rows.stream().map(r -> (String) r.get("product")).toList();
        assertTrue(names.contains("NT 32x256x784"), names.toString());
        assertTrue(names.contains("TN 256x784x32"), names.toString());
        assertTrue(names.contains("NT 32x10x128") && names.contains("NT 32x5x128"), names.toString());
        assertFalse(names.contains("NN 32x784x256"), "the data need no gradient: " + names);
        assertEquals(11 + 1, names.size(), names.toString());
        assertEquals("optimizer update", names.get(names.size() - 1));
        assertTrue((Double) rows.get(rows.size() - 1).get("alone_evicted_us") > 0, rows.toString());
        String table = buf.toString(StandardCharsets.UTF_8);
        for (Map<String, Object> r : rows) {
            assertEquals(1.0, (Double) r.get("per_step"), 0.0, r.toString());
            assertTrue((Double) r.get("step_us") > 0 && (Double) r.get("alone_us") > 0, r.toString());
            assertTrue(table.contains((String) r.get("product")), table);
        }
    }

    /** The peer script's make_opt: Adam lr 1e-3, SGD lr 1e-2 with momentum 0.9, AdamW lr 1e-3 (decay 1e-2). */
    @Test
    void optimizersHaveThePeerSettings() {
        assertEquals("chain[adam, learningRate]", BenchOptimizers.transformation("adam").toString());
        assertEquals("chain[trace, learningRate]", BenchOptimizers.transformation("sgdm").toString());
        assertEquals("chain[adam, decayedWeights, learningRate]", BenchOptimizers.transformation("adamw").toString());
        for (String name : BenchOptimizers.NAMES) {
            Models.TwoHeads model = Models.mlpMtl(new Random(0));
            var opt = BenchOptimizers.create(name, model);
            opt.step();
            assertEquals(name.equals("sgdm") ? 1e-2 : 1e-3, opt.learningRate(), 1e-12, name);
        }
    }

    @Test
    void w2HasTheShapesOfMultiLeNet() {
        // a wrong layer size would fail in the constructor's counting step with a shape error
        TrainingMeasurement w2 = new TrainingMeasurement("W2 lenet-mtl", Models.multiLeNet(new Random(0)), 2,
                new int[] {1, 36, 36}, 10, 10, 1.0f, 1.0f, new EjmlGemm(), null);
        // per sample, conv1: 10×81 · 81×784; conv2: 20×250 · 250×100; linears 500·50, 50·10, 50·10 — forward, the
        // weight gradients, and the input gradients of all but conv1
        double fwd = 10 * 81 * 784 + 20 * 250 * 100 + 500 * 50 + 50 * 10 + 50 * 10;
        double inputGrads = 20 * 250 * 100 + 500 * 50 + 50 * 10 + 50 * 10;
        assertEquals(2.0 * 2 * (2 * fwd + inputGrads), w2.flops()); // batch 2
    }

    /** W1-epoch is defined on the full 60k set: the shipped subset is refused with a one-line reason. */
    @Test
    void w1EpochRefusesTheSubset() {
        polyhead.datasets.FashionMnist.Data subset =
                polyhead.datasets.FashionMnist.load(java.nio.file.Path.of("data/fashion-mnist"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpochMeasurement(subset, new EjmlGemm(), 1, 0));
        assertTrue(e.getMessage().startsWith("W1-epoch needs the full 60,000-image Fashion-MNIST"), e.getMessage());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Stats.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    }
}
