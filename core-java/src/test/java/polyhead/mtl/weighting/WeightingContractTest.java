package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * The one contract every {@link Weighting} meets, run against every factory of {@link Weightings}: output shape,
 * finiteness, a single task reducing to its own gradient (or loss) up to the documented scale, invariance under a
 * permutation of the tasks, identical task gradients giving a parallel update, state-dict round trips, and one-line
 * error messages that name the strategy.
 */
class WeightingContractTest {
    private static final List<String> TASKS = List.of("a", "b", "c", "d");

    /**
     * A factory and what the contract expects of it.
     *
     * @param permutationTasks the number of tasks for which the result must not depend on their order (0: never —
     *                         random draws follow the order)
     * @param singleTaskScale  for T = 1 with gradient g (or loss L, passed as a one-element array), the factor s with
     *                         output = s·g (or objective = s·L + offset)
     * @param singleTaskHead   for T = 1, the head weight (gradient-level only)
     * @param seededDraws      whether the strategy draws random numbers that do not follow the task order (GradDrop's
     *                         one per feature): the permutation check then gives both orders the same generator
     */
    record Case(String label, Supplier<Weighting> factory, int permutationTasks,
                ToDoubleFunction<double[]> singleTaskScale, ToDoubleFunction<double[]> singleTaskHead,
                boolean seededDraws) {
        Case(String label, Supplier<Weighting> factory, int permutationTasks, ToDoubleFunction<double[]> singleTaskScale,
             ToDoubleFunction<double[]> singleTaskHead) {
            this(label, factory, permutationTasks, singleTaskScale, singleTaskHead, false);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> gradientLevel() {
        ToDoubleFunction<double[]> one = g -> 1;
        ToDoubleFunction<double[]> inverseNorm = g -> 1 / Grads.norm(g);
        return Stream.of(
                new Case("pcGrad", Weightings::pcGrad, 2, one, one),
                new Case("mgda (loss+)", Weightings::mgda, 4, one, one),
                new Case("mgda none", () -> Weightings.mgda(Mgda.Normalization.NONE), 4, one, one),
                new Case("mgda l2", () -> Weightings.mgda(Mgda.Normalization.L2), 4, one, one),
                new Case("mgda loss", () -> Weightings.mgda(Mgda.Normalization.LOSS), 4, one, one),
                new Case("caGrad", Weightings::caGrad, 4, g -> 1.5 / 1.25, one),
                new Case("caGrad c=0.2", () -> Weightings.caGrad(0.2), 4, g -> 1.2 / 1.04, one),
                new Case("nashMtl", Weightings::nashMtl, 4, inverseNorm, inverseNorm),
                new Case("gradNorm", () -> Weightings.gradNorm(0.1), 4, one, one),
                new Case("imtlG", Weightings::imtlG, 4, one, one),
                new Case("imtlH", () -> Weightings.imtlH(TASKS), 4, one, one),
                new Case("fairGrad", Weightings::fairGrad, 4, inverseNorm, inverseNorm),
                new Case("excessMtl", () -> Weightings.excessMtl(0.5), 4, one, one),
                new Case("sdmGrad", Weightings::sdmGrad, 4, one, one),
                // over a representation [1, P] of ones (see Grads.of): one task keeps every element
                new Case("gradDrop", Weightings::gradDrop, 4, one, one, true),
                new Case("gradDrop leak=0.3", () -> Weightings.gradDrop(0.3), 4, one, one, true),
                // α = 3: w = ‖g‖^{−2α/(1+α)} = ‖g‖^{−3/2}
                new Case("fairGrad α=3", () -> Weightings.fairGrad(3), 4, g -> Math.pow(Grads.norm(g), -1.5),
                        g -> Math.pow(Grads.norm(g), -1.5)),
                new Case("alignedMtl", Weightings::alignedMtl, 4, one, one),
                new Case("upGrad", Weightings::upGrad, 4, one, one),
                new Case("gradVac", Weightings::gradVac, 2, one, one),
                // loss 0.8: m = (1 - 0.9) g / 0.8, alpha = 1; heads 1/0.8
                new Case("dbMtl", Weightings::dbMtl, 4, g -> 0.1 / 0.8, g -> 1 / (0.8 + 1e-8)),
                // loss 0.8: y = 0.5·0.8 g/‖g‖, λ = softmax of one value = 1
                new Case("moCo", Weightings::moCo, 4, g -> 0.4 / Grads.norm(g), one));
    }

    static Stream<Case> lossLevel() {
        ToDoubleFunction<double[]> none = g -> Double.NaN;
        return Stream.of(
                new Case("equal", Weightings::equal, 4, l -> 1, none),
                new Case("fixed", () -> Weightings.fixed(Map.of("a", 2.0, "b", 0.5, "z", 3.0)), 4, l -> 2, none),
                new Case("scheduled", () -> Weightings.scheduled(Map.of("a", n -> 2 + n, "c", n -> 1.0 / (1 + n)),
                        ScheduledWeights.Unit.STEP), 4, l -> 2, none),
                new Case("uncertainty", () -> Weightings.uncertainty(TASKS), 4, l -> 0.5, none),
                new Case("dwa", Weightings::dwa, 4, l -> 1, none),
                new Case("randomLossWeighting", Weightings::randomLossWeighting, 0, l -> 1, none),
                new Case("famo", () -> Weightings.famo(TASKS), 4, l -> 1, none),
                new Case("gls", Weightings::gls, 4, l -> 1, none),
                new Case("imtlL", () -> Weightings.imtlL(TASKS), 4, l -> 1, none),
                new Case("stch", Weightings::stch, 4, l -> 1 / l[0], none),
                new Case("stch W=0 (sums the losses)", () -> Weightings.stch(0.5, 0), 4, l -> 1 / l[0], none));
    }

    static Stream<Case> all() {
        return Stream.concat(gradientLevel(), lossLevel());
    }

    // ----- gradient level -----

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void outputHasTheRowLengthAndIsFinite(Case c) {
        GradientWeighting w = (GradientWeighting) c.factory().get();
        Random rng = new Random(1);
        for (int step = 0; step < 3; step++) {
            TaskGradients g = Grads.of(TASKS.subList(0, 3), Grads.random(rng, 3, 7), new double[] {1.2, 0.7, 2.5});
            Combination out = w.combine(g, Grads.ctx(step));
            assertEquals(7, out.shared().length);
            assertEquals(3, out.taskWeights().length);
            for (float x : out.shared()) {
                assertTrue(Float.isFinite(x), c + ": " + x);
            }
            for (double x : out.taskWeights()) {
                assertTrue(Double.isFinite(x), c + ": " + x);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void oneTaskGivesItsOwnGradientUpToTheDocumentedScale(Case c) {
        double[] g = {0.5, -1.25, 2.0, 0.125};
        Combination out = ((GradientWeighting) c.factory().get())
                .combine(Grads.of(List.of("a"), new double[][] {g}, new double[] {0.8}), Grads.ctx(0));
        double s = c.singleTaskScale().applyAsDouble(g);
        double[] expected = new double[g.length];
        for (int k = 0; k < g.length; k++) {
            expected[k] = s * g[k];
        }
        Grads.assertVector(expected, out.shared(), 1e-6 * Grads.norm(expected), c + " shared");
        assertEquals(c.singleTaskHead().applyAsDouble(g), out.taskWeights()[0], 1e-9, c + " head weight");
    }

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void permutingTheTasksPermutesOnlyTheHeadWeights(Case c) {
        int n = c.permutationTasks();
        assertTrue(n >= 2, "every gradient-level strategy is deterministic for two tasks at least");
        Random rng = new Random(7);
        double[][] rows = Grads.random(rng, n, 6);
        double[] losses = {0.9, 1.7, 0.4, 2.2};
        int[] perm = n == 2 ? new int[] {1, 0} : new int[] {2, 0, 3, 1};
        double[][] permRows = new double[n][];
        double[] permLosses = new double[n];
        List<String> permTasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            permRows[i] = rows[perm[i]];
            permLosses[i] = losses[perm[i]];
            permTasks.add(TASKS.get(perm[i]));
        }
        Combination a = ((GradientWeighting) c.factory().get())
                .combine(Grads.of(TASKS.subList(0, n), rows, Arrays.copyOf(losses, n)), Grads.ctx(3));
        Combination b = ((GradientWeighting) c.factory().get())
                .combine(Grads.of(permTasks, permRows, permLosses), Grads.ctx(c.seededDraws() ? 3 : 4));
        double scale = 0;
        for (float x : a.shared()) {
            scale = Math.max(scale, Math.abs(x));
        }
        Grads.assertVector(Grads.toDouble(a.shared()), b.shared(), 1e-6 * scale + 1e-7, c + " shared");
        for (int i = 0; i < n; i++) {
            assertEquals(a.taskWeights()[perm[i]], b.taskWeights()[i], 1e-6, c + " head weight of " + permTasks.get(i));
        }
    }

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void identicalGradientsGiveAParallelUpdate(Case c) {
        double[] g = {0.3, -0.7, 1.1, 0.05, -2.0};
        Combination out = ((GradientWeighting) c.factory().get())
                .combine(Grads.of(TASKS.subList(0, 3), new double[][] {g, g, g}, new double[] {1.5, 0.5, 1.0}),
                        Grads.ctx(0));
        double[] d = Grads.toDouble(out.shared());
        double cos = Grads.dot(d, g) / (Grads.norm(d) * Grads.norm(g));
        assertTrue(cos > 1 - 1e-9, c + ": cos(d, g) = " + cos);
    }

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void stateSurvivesARoundTrip(Case c) {
        GradientWeighting a = (GradientWeighting) c.factory().get();
        Random rng = new Random(11);
        for (int step = 0; step < 4; step++) {
            // task d joins late and task a skips a step, so name-keyed state is exercised
            List<String> tasks = step == 0 ? List.of("a", "b", "c") : step == 2 ? List.of("b", "c", "d")
                    : List.of("a", "b", "c", "d");
            double[] losses = new double[tasks.size()];
            for (int t = 0; t < losses.length; t++) {
                losses[t] = 0.5 + rng.nextDouble();
            }
            a.combine(Grads.of(tasks, Grads.random(rng, tasks.size(), 5), losses), Grads.ctx(step));
            a.epochEnd(step, Map.of("a", 1.0 + step, "b", 2.0 / (1 + step)));
        }
        assertRoundTrip(c, a);
        GradientWeighting b = (GradientWeighting) c.factory().get();
        b.loadStateDict(a.stateDict());
        TaskGradients g = Grads.of(TASKS, Grads.random(new Random(5), 4, 5), new double[] {0.3, 0.6, 0.9, 1.2});
        Combination fromA = a.combine(g, Grads.ctx(42));
        Combination fromB = b.combine(g, Grads.ctx(42));
        assertArrayEquals(fromA.shared(), fromB.shared(), c + ": a restored strategy continues identically");
        assertArrayEquals(fromA.taskWeights(), fromB.taskWeights(), c.label());
    }

    @ParameterizedTest
    @MethodSource("gradientLevel")
    void faultsGiveOneLineMessagesNamingTheStrategy(Case c) {
        GradientWeighting w = (GradientWeighting) c.factory().get();
        assertFault(w, "T = 0", () -> w.combine(new TaskGradients(List.of(), new float[0][], new double[0]),
                Grads.ctx(0)));

        TaskGradients ragged = Grads.of(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        ragged.grads()[1] = new float[] {4, 5}; // the record checked lengths when built; its arrays stay writable
        assertFault(w, "length", () -> w.combine(ragged, Grads.ctx(0)));

        TaskGradients nan = Grads.of(new double[] {1, 2, 3}, new double[] {4, Double.NaN, 6});
        assertFault(w, "not finite", () -> w.combine(nan, Grads.ctx(0)));

        IllegalArgumentException record = assertThrows(IllegalArgumentException.class, () ->
                new TaskGradients(List.of("a", "b"), new float[][] {{1, 2}, {3}}, new double[] {1, 1}));
        assertTrue(record.getMessage().contains("length"), record.getMessage());
    }

    // ----- loss level -----

    @ParameterizedTest
    @MethodSource("lossLevel")
    void objectiveIsAFiniteScalar(Case c) {
        LossWeighting w = (LossWeighting) c.factory().get();
        Var out = w.combine(losses(1.5, 0.25, 3.0, 0.75), Grads.ctx(0));
        assertEquals(1, out.value().size());
        assertTrue(Float.isFinite(out.value().item()), c + ": " + out.value().item());
    }

    @ParameterizedTest
    @MethodSource("lossLevel")
    void oneTaskGivesItsOwnLossUpToTheDocumentedScale(Case c) {
        LossWeighting w = (LossWeighting) c.factory().get();
        Var loss = Var.parameter(Tensor.scalar(1.7f));
        Var out = w.combine(Map.of("a", loss), Grads.ctx(0));
        out.backward();
        double s = c.singleTaskScale().applyAsDouble(new double[] {1.7});
        assertEquals(s, loss.grad().item(), 1e-6, c + ": ∂objective/∂L");
    }

    @ParameterizedTest
    @MethodSource("lossLevel")
    void permutingTheTasksChangesNothing(Case c) {
        if (c.permutationTasks() == 0) {
            // random weights are drawn in the map's order: the same seed with another order gives other weights
            LossWeighting w = (LossWeighting) c.factory().get();
            float x = w.combine(losses(1, 2, 3, 4), Grads.ctx(5)).value().item();
            float y = w.combine(reversed(losses(1, 2, 3, 4)), Grads.ctx(5)).value().item();
            assertTrue(x != y, c + ": order-dependent draws expected");
            return;
        }
        LossWeighting a = (LossWeighting) c.factory().get();
        LossWeighting b = (LossWeighting) c.factory().get();
        for (int e = 0; e < 3; e++) {
            Map<String, Double> means = Map.of("a", 1.0 / (1 + e), "b", 1.0, "c", 2.0 - 0.3 * e, "d", 0.5 + e);
            a.epochEnd(e, means);
            b.epochEnd(e, means);
        }
        float x = a.combine(losses(1.5, 0.25, 3.0, 0.75), Grads.ctx(5)).value().item();
        float y = b.combine(reversed(losses(1.5, 0.25, 3.0, 0.75)), Grads.ctx(5)).value().item();
        assertEquals(x, y, 1e-6 * Math.abs(x), c.label());
    }

    @ParameterizedTest
    @MethodSource("lossLevel")
    void identicalTaskGradientsGiveAParallelUpdate(Case c) {
        // L_t = ½‖θ − m‖² for every task: the combined gradient must be a positive multiple of θ − m
        LossWeighting w = (LossWeighting) c.factory().get();
        Var theta = Var.parameter(Tensor.of(new float[] {0.5f, -1.5f, 2.0f}, 3));
        Var m = Var.constant(Tensor.of(new float[] {1f, 1f, -1f}, 3));
        Map<String, Var> losses = new LinkedHashMap<>();
        for (String t : TASKS.subList(0, 3)) {
            losses.put(t, theta.sub(m).pow(2f).sum().mul(0.5f));
        }
        w.combine(losses, Grads.ctx(8)).backward();
        double[] grad = Grads.toDouble(theta.grad().data());
        double[] diff = {-0.5, -2.5, 3.0};
        double cos = Grads.dot(grad, diff) / (Grads.norm(grad) * Grads.norm(diff));
        assertTrue(cos > 1 - 1e-6, c + ": cos = " + cos);
    }

    @ParameterizedTest
    @MethodSource("lossLevel")
    void lossStateSurvivesARoundTrip(Case c) {
        LossWeighting a = (LossWeighting) c.factory().get();
        for (int e = 0; e < 3; e++) {
            Var out = a.combine(losses(1.0 + e, 2.0, 0.5, 1.5), Grads.ctx(e));
            if (out.requiresGrad()) { // only the strategy's own parameters can require a gradient here
                out.backward();
            }
            for (Var p : a.parameters().values()) { // one SGD step on the strategy's own parameters
                p.value().data()[0] -= 0.3f * p.grad().item();
                p.zeroGrad();
            }
            a.epochEnd(e, Map.of("a", 1.0 / (1 + e), "b", 1.0 + e, "c", 0.7));
            if (a.observesStepEffect()) {
                a.stepTaken(Map.of("a", 1.0 + e, "b", 2.0, "c", 0.5), Map.of("a", 0.9 + e, "b", 1.5, "c", 0.45));
            }
        }
        assertRoundTrip(c, a);
        LossWeighting b = (LossWeighting) c.factory().get();
        b.loadStateDict(a.stateDict());
        float x = a.combine(losses(1.5, 0.25, 3.0, 0.75), Grads.ctx(77)).value().item();
        float y = b.combine(losses(1.5, 0.25, 3.0, 0.75), Grads.ctx(77)).value().item();
        assertEquals(x, y, 0f, c + ": a restored strategy continues identically");
    }

    @ParameterizedTest
    @MethodSource("lossLevel")
    void lossFaultsGiveOneLineMessagesNamingTheStrategy(Case c) {
        LossWeighting w = (LossWeighting) c.factory().get();
        assertFault(w, "T = 0", () -> w.combine(Map.of(), Grads.ctx(0)));
        assertFault(w, "not a scalar", () -> w.combine(Map.of("a", Var.constant(Tensor.zeros(2))), Grads.ctx(0)));
    }

    // ----- both -----

    @ParameterizedTest
    @MethodSource("all")
    void unexpectedStateIsRefusedNamingTheStrategy(Case c) {
        Weighting w = c.factory().get();
        assertFault(w, "", () -> w.loadStateDict(Map.of("bogus.entry", Tensor.scalar(1f))));
    }

    @ParameterizedTest
    @MethodSource("all")
    void namesAreShortAndStable(Case c) {
        String name = c.factory().get().name();
        assertNotNull(name);
        assertTrue(name.matches("[a-zA-Z]+"), name);
        assertEquals(name, c.factory().get().name());
    }

    /** The state dict is a copy, and a fresh strategy loading it reports the same state. */
    private static void assertRoundTrip(Case c, Weighting a) {
        Map<String, Tensor> state = a.stateDict();
        Map<String, Tensor> again = a.stateDict();
        for (Tensor t : state.values()) {
            t.data()[0] += 1000; // must not reach the strategy
        }
        Weighting b = c.factory().get();
        b.loadStateDict(again);
        Map<String, Tensor> restored = b.stateDict();
        assertEquals(again.keySet(), restored.keySet(), c.label());
        for (String k : again.keySet()) {
            assertArrayEquals(again.get(k).data(), restored.get(k).data(), c + ": " + k);
            assertArrayEquals(again.get(k).data(), a.stateDict().get(k).data(), c + ": state dict is a copy, " + k);
        }
    }

    private static void assertFault(Weighting w, String fault, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(w.name() + ":") || m.contains(w.name() + " "), "message names " + w.name() + ": " + m);
        assertTrue(m.contains(fault), "message says '" + fault + "': " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    private static Map<String, Var> losses(double... values) {
        Map<String, Var> r = new LinkedHashMap<>();
        for (int t = 0; t < values.length; t++) {
            r.put(TASKS.get(t), Var.constant(Tensor.scalar((float) values[t])));
        }
        return r;
    }

    private static Map<String, Var> reversed(Map<String, Var> m) {
        List<String> keys = new ArrayList<>(m.keySet());
        Map<String, Var> r = new LinkedHashMap<>();
        for (int i = keys.size() - 1; i >= 0; i--) {
            r.put(keys.get(i), m.get(keys.get(i)));
        }
        return r;
    }
}
