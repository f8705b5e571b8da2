package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static polyhead.optim.Transforms.addDecayedWeights;
import static polyhead.optim.Transforms.addL2;
import static polyhead.optim.Transforms.chain;
import static polyhead.optim.Transforms.partition;
import static polyhead.optim.Transforms.scaleByAdadelta;
import static polyhead.optim.Transforms.scaleByAdagrad;
import static polyhead.optim.Transforms.scaleByAdam;
import static polyhead.optim.Transforms.scaleByAdamax;
import static polyhead.optim.Transforms.scaleByLearningRate;
import static polyhead.optim.Transforms.scaleByLion;
import static polyhead.optim.Transforms.scaleByNadam;
import static polyhead.optim.Transforms.scaleByRadam;
import static polyhead.optim.Transforms.scaleByRms;
import static polyhead.optim.Transforms.trace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Equivalent forms give bit-identical trajectories: each finished optimizer and the chain it documents; a partition
 * into two groups and two separate optimizers; a partition with one group and no partition.
 */
class EquivalenceTest {
    static final Map<String, Shape> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("trunk.0.weight", Shape.of(4, 3));
        SHAPES.put("trunk.0.bias", Shape.of(4));
        SHAPES.put("heads.a.weight", Shape.of(2, 4));
        SHAPES.put("heads.a.bias", Shape.of(2));
    }

    static Stream<Arguments> namedAndChained() {
        return Stream.of(
                Arguments.of("adamw", Optimizers.adamw(1e-2, 0.1),
                        chain(scaleByAdam(0.9, 0.999, 1e-8), addDecayedWeights(0.1), scaleByLearningRate(1e-2))),
                Arguments.of("adam amsgrad l2", Optimizers.adam(Optimizers.Adam.lr(1e-2).amsgrad(true).weightDecay(0.1)),
                        chain(addL2(0.1), scaleByAdam(0.9, 0.999, 1e-8, true), scaleByLearningRate(1e-2))),
                Arguments.of("sgd nesterov l2", Optimizers.sgd(Optimizers.Sgd.lr(0.1).momentum(0.9).nesterov(true)
                        .weightDecay(1e-3)), chain(addL2(1e-3), trace(0.9, true), scaleByLearningRate(0.1))),
                Arguments.of("sgd dampening", Optimizers.sgd(Optimizers.Sgd.lr(0.1).momentum(0.9).dampening(0.3)),
                        chain(trace(0.9, 0.3, false), scaleByLearningRate(0.1))),
                Arguments.of("rmsprop centered momentum", Optimizers.rmsprop(Optimizers.RmsProp.lr(1e-2).centered(true)
                        .momentum(0.5).weightDecay(1e-2)), chain(addL2(1e-2), scaleByRms(0.99, 1e-8, true),
                        trace(0.5, false), scaleByLearningRate(1e-2))),
                Arguments.of("adagrad", Optimizers.adagrad(Optimizers.Adagrad.lr(0.1).lrDecay(0.01)
                        .initialAccumulator(0.1)), chain(scaleByAdagrad(0.1, 1e-10, 0.01), scaleByLearningRate(0.1))),
                Arguments.of("adadelta", Optimizers.adadelta(1.0),
                        chain(scaleByAdadelta(0.9, 1e-6), scaleByLearningRate(1.0))),
                Arguments.of("adamax", Optimizers.adamax(2e-3),
                        chain(scaleByAdamax(0.9, 0.999, 1e-8), scaleByLearningRate(2e-3))),
                Arguments.of("nadam", Optimizers.nadam(2e-3),
                        chain(scaleByNadam(0.9, 0.999, 1e-8, 4e-3), scaleByLearningRate(2e-3))),
                Arguments.of("radam", Optimizers.radam(1e-3),
                        chain(scaleByRadam(0.9, 0.999, 1e-8), scaleByLearningRate(1e-3))),
                Arguments.of("lion", Optimizers.lion(Optimizers.Lion.lr(1e-3).weightDecay(0.1)),
                        chain(scaleByLion(0.9, 0.99), addDecayedWeights(0.1), scaleByLearningRate(1e-3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedAndChained")
    void finishedOptimizerEqualsItsChainBitForBit(String name, GradientTransformation named,
            GradientTransformation chained) {
        Run a = new Run(named);
        Run b = new Run(chained);
        Random g = new Random(5);
        for (int step = 0; step < 25; step++) {
            Map<String, float[]> grads = randomGrads(g, step);
            a.step(grads);
            b.step(grads);
        }
        a.assertSameParams(b, name);
        assertEquals(a.opt.stateDict().tensors().keySet(), b.opt.stateDict().tensors().keySet());
    }

    /** Trunk with AdamW, heads with SGD momentum: the same as one optimizer per group, bit for bit. */
    @Test
    void twoGroupsEqualTwoOptimizers() {
        Labeler byPart = (name, shape) -> name.startsWith("trunk.") ? "trunk" : "heads";
        Map<String, GradientTransformation> groups = new LinkedHashMap<>();
        groups.put("trunk", Optimizers.adamw(1e-2, 0.1));
        groups.put("heads", Optimizers.sgd(Optimizers.Sgd.lr(0.05).momentum(0.9)));
        Run together = new Run(partition(byPart, groups));

        Run trunk = new Run(Optimizers.adamw(1e-2, 0.1), "trunk.");
        Run heads = new Run(Optimizers.sgd(Optimizers.Sgd.lr(0.05).momentum(0.9)), "heads.");
        Random g = new Random(6);
        for (int step = 0; step < 25; step++) {
            Map<String, float[]> grads = randomGrads(g, step);
            together.step(grads);
            trunk.step(grads);
            heads.step(grads);
        }
        for (String n : SHAPES.keySet()) {
            Run separate = n.startsWith("trunk.") ? trunk : heads;
            assertArrayEquals(separate.params.get(n).value().data(), together.params.get(n).value().data(), n);
        }
        // the state of each group is the separate optimizer's, under partition.<label>.
        Map<String, Tensor> joined = together.opt.stateDict().tensors();
        trunk.opt.stateDict().tensors().forEach((k, v) ->
                assertArrayEquals(v.data(), joined.get("partition.trunk." + k).data(), k));
        heads.opt.stateDict().tensors().forEach((k, v) ->
                assertArrayEquals(v.data(), joined.get("partition.heads." + k).data(), k));
        assertEquals(Map.of("trunk", 1e-2, "heads", 0.05), together.opt.learningRates());
    }

    @Test
    void partitionWithOneGroupEqualsNoPartition() {
        Run plain = new Run(Optimizers.nadam(1e-2));
        Run grouped = new Run(partition((name, shape) -> "all", Map.of("all", Optimizers.nadam(1e-2))));
        Random g = new Random(8);
        for (int step = 0; step < 25; step++) {
            Map<String, float[]> grads = randomGrads(g, step);
            plain.step(grads);
            grouped.step(grads);
        }
        plain.assertSameParams(grouped, "one group");
        Map<String, Tensor> p = plain.opt.stateDict().tensors();
        Map<String, Tensor> q = grouped.opt.stateDict().tensors();
        assertEquals(p.size(), q.size());
        p.forEach((k, v) -> assertArrayEquals(v.data(), q.get("partition.all." + k).data(), k));
    }

    /** No weight decay on biases: with a rank-based labeler, biases follow Adam, weights AdamW. */
    @Test
    void noWeightDecayOnBiases() {
        Map<String, GradientTransformation> groups = new LinkedHashMap<>();
        groups.put("decay", Optimizers.adamw(1e-2, 0.5));
        groups.put("noDecay", Optimizers.adamw(1e-2, 0));
        Run grouped = new Run(partition((name, shape) -> shape.rank() <= 1 ? "noDecay" : "decay", groups));
        Run adam = new Run(Optimizers.adam(1e-2));
        Run adamw = new Run(Optimizers.adamw(1e-2, 0.5));
        Random g = new Random(9);
        for (int step = 0; step < 10; step++) {
            Map<String, float[]> grads = randomGrads(g, step);
            grouped.step(grads);
            adam.step(grads);
            adamw.step(grads);
        }
        for (String n : SHAPES.keySet()) {
            Run expected = n.endsWith("bias") ? adam : adamw;
            assertArrayEquals(expected.params.get(n).value().data(), grouped.params.get(n).value().data(), n);
        }
    }

    // ----- helpers -----

    /** Gradients for every parameter; heads.a.* have none in every third step. */
    static Map<String, float[]> randomGrads(Random rng, int step) {
        Map<String, float[]> out = new TreeMap<>();
        for (Map.Entry<String, Shape> e : SHAPES.entrySet()) {
            float[] g = new float[e.getValue().size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rng.nextGaussian();
            }
            if (!(e.getKey().startsWith("heads.") && step % 3 == 1)) {
                out.put(e.getKey(), g);
            }
        }
        return out;
    }

    /** Identical starting parameters (those whose name starts with a prefix) under one optimizer. */
    static final class Run {
        final Map<String, Var> params = new LinkedHashMap<>();
        final Optimizer opt;

        Run(GradientTransformation t, String... prefixes) {
            Random init = new Random(1);
            for (Map.Entry<String, Shape> e : SHAPES.entrySet()) {
                Var v = Var.parameter(Tensor.randn(init, e.getValue()));
                if (prefixes.length == 0 || List.of(prefixes).stream().anyMatch(e.getKey()::startsWith)) {
                    params.put(e.getKey(), v);
                }
            }
            opt = Optimizer.create(t, params);
        }

        void step(Map<String, float[]> grads) {
            for (Map.Entry<String, Var> p : params.entrySet()) {
                p.getValue().zeroGrad();
                float[] g = grads.get(p.getKey());
                if (g != null) {
                    p.getValue().addGrad(Tensor.wrap(p.getValue().shape(), g.clone()));
                }
            }
            opt.step();
        }

        void assertSameParams(Run other, String what) {
            for (String n : params.keySet()) {
                assertArrayEquals(params.get(n).value().data(), other.params.get(n).value().data(), what + " " + n);
            }
        }
    }
}
