package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** The stateful {@link Optimizer}: with a real multi-task model, its state dict, and its errors. */
class OptimizerTest {

    static final class TwoHeads extends Module {
        final Sequential trunk;
        final ModuleDict heads;

        TwoHeads(Random rng) {
            trunk = registerModule("trunk", new Sequential(new Linear(5, 8, rng), Activation.relu()));
            Map<String, Module> h = new LinkedHashMap<>();
            h.put("item", new Linear(8, 3, rng));
            h.put("price", new Linear(8, 1, rng));
            heads = registerModule("heads", new ModuleDict(h));
        }

        @Override
        protected Var forward(Var x) {
            return trunk.call(x);
        }
    }

    /**
     * A batch without price labels leaves the price head out of the loss: its parameters get no gradient, and with
     * AdamW (momentum and weight decay) they neither move nor advance their state, while the rest trains.
     */
    @Test
    void headWithoutLabelsInABatchDoesNotMove() {
        Random rng = new Random(0);
        TwoHeads model = new TwoHeads(rng);
        Optimizer opt = Optimizer.create(Optimizers.adamw(1e-2, 0.1), model.namedParameters());
        Loss ce = Losses.crossEntropy();
        Loss mse = Losses.mse();
        Tensor x = Tensor.randn(rng, Shape.of(4, 5));
        Tensor item = Tensor.of(new float[] {0, 2, 1, 2}, 4);
        Tensor price = Tensor.randn(rng, Shape.of(4, 1));
        for (int step = 0; step < 6; step++) {
            boolean priceLabelled = step % 2 == 0;
            opt.zeroGrad();
            Var h = model.call(Var.constant(x));
            Var loss = ce.apply(model.heads.get("item").call(h), item);
            if (priceLabelled) {
                loss = loss.add(mse.apply(model.heads.get("price").call(h), price));
            }
            loss.backward();
            Map<String, Tensor> before = copies(model.stateDict());
            OptimizerStateDict stateBefore = opt.stateDict();
            opt.step();
            Map<String, Tensor> after = model.stateDict();
            for (String name : before.keySet()) {
                boolean moved = !java.util.Arrays.equals(before.get(name).data(), after.get(name).data());
                boolean expectMove = priceLabelled || !name.startsWith("heads.price.");
                assertEquals(expectMove, moved, name + " at step " + step);
            }
            if (!priceLabelled) {
                OptimizerStateDict stateAfter = opt.stateDict();
                for (String key : stateBefore.tensors().keySet()) {
                    if (key.contains("/heads.price.")) {
                        assertArrayEquals(stateBefore.tensors().get(key).data(), stateAfter.tensors().get(key).data(),
                                key);
                    }
                }
                assertEquals(stateBefore.counters().get("adam.count/heads.price.weight"),
                        stateAfter.counters().get("adam.count/heads.price.weight"));
            }
        }
        OptimizerStateDict s = opt.stateDict();
        assertEquals(6L, s.counters().get("adam.count/trunk.0.weight"));
        assertEquals(3L, s.counters().get("adam.count/heads.price.bias"));
    }

    @Test
    void stateDictNamesEntriesByBlockSlotAndParameter() {
        Random rng = new Random(1);
        TwoHeads model = new TwoHeads(rng);
        Optimizer opt = Optimizer.create(Transforms.chain(Transforms.clipByGlobalNorm(1.0),
                Optimizers.sgd(Optimizers.Sgd.lr(0.1).momentum(0.9))), model.namedParameters());
        OptimizerStateDict s = opt.stateDict();
        assertEquals(OptimizerStateDict.FORMAT_VERSION, s.version());
        assertTrue(s.tensors().containsKey("trace.momentum/trunk.0.weight"), s.tensors().keySet().toString());
        assertEquals(Shape.of(8, 5), s.tensors().get("trace.momentum/trunk.0.weight").shape());
        assertTrue(s.counters().containsKey("trace.count/heads.price.bias"));
        assertTrue(s.counters().containsKey("optimizer.step"));
        assertTrue(s.values().containsKey("learningRate.latest"));
        assertEquals(6, s.tensors().size());

        // the same block twice in a chain gets a suffix
        Optimizer twice = Optimizer.create(Transforms.chain(Transforms.trace(0.5, false), Transforms.trace(0.9, false),
                Transforms.scaleByLearningRate(0.1)), model.namedParameters());
        assertTrue(twice.stateDict().tensors().containsKey("trace_2.momentum/heads.item.bias"));
    }

    @Test
    void loadStateDictReportsMissingMisshapenAndUnexpectedEntries() {
        Map<String, Var> params = params(Shape.of(2, 3), Shape.of(3));
        Optimizer opt = Optimizer.create(Optimizers.adam(1e-2), params);
        step(opt, params, 3);
        OptimizerStateDict good = opt.stateDict();

        Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
        tensors.remove("adam.v/w");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(
                new OptimizerStateDict(1, tensors, good.counters(), good.values())));
        assertTrue(e.getMessage().startsWith("optimizer state dict has no tensor entry 'adam.v/w'"), e.getMessage());

        Map<String, Tensor> misshapen = new LinkedHashMap<>(good.tensors());
        misshapen.put("adam.m/w", Tensor.zeros(3, 2));
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(
                new OptimizerStateDict(1, misshapen, good.counters(), good.values())));
        assertEquals("optimizer state entry 'adam.m/w' has shape [3, 2], but this optimizer's parameter has shape "
                + "[2, 3]", e.getMessage());

        Map<String, Long> extra = new LinkedHashMap<>(good.counters());
        extra.put("adam.count/old.head", 4L);
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(
                new OptimizerStateDict(1, good.tensors(), extra, good.values())));
        assertEquals("optimizer state dict has entries this optimizer does not use: [adam.count/old.head] (was it "
                + "saved from another optimizer or model?)", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(
                new OptimizerStateDict(2, good.tensors(), good.counters(), good.values())));
        assertEquals("optimizer state dict has format version 2, newer than the newest this Polyhead reads (1); "
                + "load it with a newer Polyhead", e.getMessage());

        // a state dict of another optimizer
        Optimizer sgd = Optimizer.create(Optimizers.sgd(0.1, 0.9), params);
        e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(good));
        assertTrue(e.getMessage().startsWith("optimizer state dict has no tensor entry 'trace.momentum/w'"),
                e.getMessage());
    }

    /** A failed load leaves the optimizer exactly as it was. */
    @Test
    void failedLoadChangesNothing() {
        Map<String, Var> p1 = params(Shape.of(4), Shape.of(2));
        Map<String, Var> p2 = params(Shape.of(4), Shape.of(2));
        Optimizer a = Optimizer.create(Optimizers.nadam(1e-2), p1);
        Optimizer b = Optimizer.create(Optimizers.nadam(1e-2), p2);
        step(a, p1, 3);
        step(b, p2, 3);
        OptimizerStateDict good = a.stateDict();
        Map<String, Double> values = new LinkedHashMap<>(good.values());
        values.remove("nadam.muProduct/b");
        assertThrows(IllegalArgumentException.class,
                () -> b.loadStateDict(new OptimizerStateDict(1, good.tensors(), good.counters(), values)));
        step(a, p1, 3);
        step(b, p2, 3);
        assertArrayEquals(p1.get("w").value().data(), p2.get("w").value().data());
        assertEquals(6, b.stepCount());
    }

    @Test
    void saveAndLoadRoundTripsTheContextAndCounters() {
        Map<String, Var> params = params(Shape.of(3), Shape.of(1));
        Optimizer opt = Optimizer.create(Optimizers.adamax(1e-2), params);
        opt.context().setEpoch(4).recordMetric(0.125);
        step(opt, params, 5);
        Optimizer other = Optimizer.create(Optimizers.adamax(1e-2), params(Shape.of(3), Shape.of(1)));
        other.loadStateDict(opt.stateDict());
        assertEquals(5, other.stepCount());
        assertEquals(4, other.context().epoch());
        assertEquals(0.125, other.context().metric());
        assertEquals(1, other.context().evaluations());
        OptimizerContractTest.assertDictsEqual(opt.stateDict(), other.stateDict(), "round trip");
    }

    @Test
    void learningRatesPerGroup() {
        Map<String, Var> params = params(Shape.of(3), Shape.of(1));
        Map<String, GradientTransformation> groups = new LinkedHashMap<>();
        groups.put("big", Optimizers.adam(1e-2));
        groups.put("small", Optimizers.adam(1e-4));
        Optimizer opt = Optimizer.create(Transforms.partition((n, s) -> n.equals("w") ? "big" : "small", groups),
                params);
        assertEquals(Map.of("big", 1e-2, "small", 1e-4), opt.learningRates());
        IllegalStateException e = assertThrows(IllegalStateException.class, opt::learningRate);
        assertTrue(e.getMessage().contains("one learning rate per group"), e.getMessage());
        assertEquals(1e-3, Optimizer.create(Optimizers.adam(1e-3), params).learningRate());
    }

    @Test
    void zeroGradClearsGradients() {
        Map<String, Var> params = params(Shape.of(3), Shape.of(1));
        Optimizer opt = Optimizer.create(Optimizers.sgd(0.1), params);
        params.get("w").addGrad(Tensor.ones(3));
        opt.zeroGrad();
        assertNull(params.get("w").grad());
        float[] before = params.get("w").value().data().clone();
        opt.step(); // no gradients: nothing moves
        assertArrayEquals(before, params.get("w").value().data());
        assertFalse(opt.lastUpdates().isActive(0));
    }

    @Test
    void creationChecksTheParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create(Optimizers.sgd(0.1), Map.of()));
        assertEquals("Optimizer.create: an empty parameter map; an optimizer needs parameters", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create(Optimizers.sgd(0.1), Map.of("x", Var.constant(Tensor.zeros(2)))));
        assertEquals("Optimizer.create: parameter 'x' does not require a gradient (a constant?); it could never be "
                + "updated", e.getMessage());
        Var shared = Var.parameter(Tensor.zeros(2));
        Map<String, Var> twice = new LinkedHashMap<>();
        twice.put("a", shared);
        twice.put("b", shared);
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create(Optimizers.sgd(0.1), twice));
        assertEquals("parameters 'a' and 'b' are the same tensor; each parameter must be listed once", e.getMessage());
    }

    // ----- helpers -----

    static Map<String, Var> params(Shape w, Shape b) {
        Random rng = new Random(12);
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("w", Var.parameter(Tensor.randn(rng, w)));
        m.put("b", Var.parameter(Tensor.randn(rng, b)));
        return m;
    }

    static void step(Optimizer opt, Map<String, Var> params, int n) {
        Random rng = new Random(opt.stepCount());
        for (int s = 0; s < n; s++) {
            for (Var v : params.values()) {
                v.zeroGrad();
                v.addGrad(Tensor.randn(rng, v.shape()));
            }
            opt.step();
        }
    }

    static Map<String, Tensor> copies(Map<String, Tensor> state) {
        Map<String, Tensor> out = new HashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
