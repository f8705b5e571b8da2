package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * The contract every optimizer meets, run for each finished optimizer (and the main variants): it converges on a
 * quadratic bowl and on Rosenbrock's function from a fixed start (learning rate chosen per optimizer here); a
 * parameter without a gradient neither moves nor advances its state; save, load into a fresh optimizer and
 * continue equals the uninterrupted run bit for bit; a step allocates nothing in steady state, at any model size.
 */
class OptimizerContractTest {

    /** An optimizer under test: how to build it for a learning rate, and the rates used on the two problems. */
    record Case(String name, DoubleFunction<GradientTransformation> make, double bowlLr, double rosenbrockLr) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("sgd", Optimizers::sgd, 0.1, 1e-3),
            new Case("sgd momentum nesterov", lr -> Optimizers.sgd(Optimizers.Sgd.lr(lr).momentum(0.9).nesterov(true)),
                    0.05, 1e-3),
            new Case("adagrad", Optimizers::adagrad, 0.5, 0.3),
            new Case("rmsprop", Optimizers::rmsprop, 0.01, 1e-3),
            new Case("rmsprop centered momentum",
                    lr -> Optimizers.rmsprop(Optimizers.RmsProp.lr(lr).centered(true).momentum(0.5)), 0.01, 1e-3),
            // Adadelta with PyTorch's eps 1e-6 wanders on Rosenbrock (PyTorch too: (0.53, 0.35) after 20000
            // steps at lr 1); with eps 1e-8 it converges
            new Case("adadelta", lr -> Optimizers.adadelta(Optimizers.Adadelta.lr(lr).eps(1e-8)), 10, 0.3),
            new Case("adam", Optimizers::adam, 0.05, 0.02),
            new Case("adam amsgrad", lr -> Optimizers.adam(Optimizers.Adam.lr(lr).amsgrad(true)), 0.05, 0.02),
            new Case("adamw", lr -> Optimizers.adamw(lr, 1e-4), 0.05, 0.02),
            new Case("adamax", Optimizers::adamax, 0.05, 0.02),
            new Case("nadam", Optimizers::nadam, 0.05, 0.02),
            // RAdam's first 5 steps are plain momentum SGD: a larger rate diverges on Rosenbrock's steep walls
            new Case("radam", Optimizers::radam, 0.05, 0.003),
            new Case("lion", Optimizers::lion, 0.005, 0.002));

    static Stream<Arguments> cases() {
        return CASES.stream().map(Arguments::of);
    }

    // ----- convergence -----

    static final float[] BOWL_CENTER_A = {1.5f, -2f, 0.5f};
    static final float[] BOWL_CENTER_B = {-1f, 3f, 2f, -0.5f};
    static final float[] BOWL_CURVATURE_A = {1f, 0.5f, 2f};
    static final float[] BOWL_CURVATURE_B = {0.3f, 1f, 1.5f, 0.8f};

    /** f = Σ c·(x − a)² over two parameters of different shapes, from 0; the minimum is a. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convergesOnQuadraticBowl(Case c) {
        Var a = Var.parameter(Tensor.zeros(3));
        Var b = Var.parameter(Tensor.zeros(2, 2));
        Optimizer opt = Optimizer.create(c.make().apply(c.bowlLr()), named("a", a, "b", b));
        for (int step = 0; step < 3000; step++) {
            setGrad(a, bowlGrad(a, BOWL_CENTER_A, BOWL_CURVATURE_A));
            setGrad(b, bowlGrad(b, BOWL_CENTER_B, BOWL_CURVATURE_B));
            opt.step();
        }
        assertClose(BOWL_CENTER_A, a.value().data(), 0.02, c + " a");
        assertClose(BOWL_CENTER_B, b.value().data(), 0.02, c + " b");
    }

    static float[] bowlGrad(Var x, float[] center, float[] curvature) {
        float[] v = x.value().data();
        float[] g = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            g[i] = 2 * curvature[i] * (v[i] - center[i]);
        }
        return g;
    }

    /** f(x, y) = (1 − x)² + 100(y − x²)² from (−1.2, 1); the minimum is (1, 1) at the end of a curved valley. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convergesOnRosenbrock(Case c) {
        Var xy = Var.parameter(Tensor.of(new float[] {-1.2f, 1f}, 2));
        Optimizer opt = Optimizer.create(c.make().apply(c.rosenbrockLr()), named("xy", xy));
        for (int step = 0; step < 20000; step++) {
            float[] v = xy.value().data();
            double x = v[0];
            double y = v[1];
            setGrad(xy, new float[] {(float) (-2 * (1 - x) - 400 * x * (y - x * x)), (float) (200 * (y - x * x))});
            opt.step();
        }
        assertClose(new float[] {1f, 1f}, xy.value().data(), 0.05, c + " rosenbrock");
    }

    // ----- parameters without gradient -----

    /**
     * Parameter b has no gradient in steps 3–7: it does not move, none of its state entries change, and overall it
     * follows exactly (bit for bit) the trajectory of an optimizer over b alone that never saw those steps.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parameterWithoutGradientLeavesItAndItsStateUntouched(Case c) {
        Random rng = new Random(7);
        Var a = Var.parameter(Tensor.randn(rng, polyhead.tensor.Shape.of(4)));
        Var b = Var.parameter(Tensor.randn(rng, polyhead.tensor.Shape.of(2, 3)));
        Var bAlone = Var.parameter(b.value().copy());
        Optimizer both = Optimizer.create(c.make().apply(c.bowlLr()), named("a", a, "b", b));
        Optimizer alone = Optimizer.create(c.make().apply(c.bowlLr()), named("b", bAlone));
        for (int step = 0; step < 12; step++) {
            boolean bHasGrad = step < 3 || step >= 8;
            setGrad(a, randomGrad(rng, 4));
            float[] gb = randomGrad(rng, 6);
            if (bHasGrad) {
                setGrad(b, gb);
                setGrad(bAlone, gb);
            } else {
                b.zeroGrad();
            }
            float[] bBefore = b.value().data().clone();
            OptimizerStateDict before = both.stateDict();
            both.step();
            if (bHasGrad) {
                alone.step();
            } else {
                assertArrayEquals(bBefore, b.value().data(), c + ": b moved without a gradient at step " + step);
                assertEntriesOf("b", before, both.stateDict(), c + " step " + step);
                assertFalse(both.lastUpdates().isActive(1));
                assertArrayEquals(new float[6], both.lastUpdates().copyOf(1).data(), c + ": b's update segment");
            }
            assertArrayEquals(bAlone.value().data(), b.value().data(), c + ": b differs from b alone at step " + step);
        }
        assertNotEquals(0f, a.value().data()[0]);
    }

    /**
     * The update runs over one flat buffer, a loop per run of adjacent active parameters with equal step counts.
     * Three parameters, the middle one without a gradient in steps 2–4 and the last in step 6, so that the runs
     * are the whole buffer, then split around a gap, then split by unequal counts: each parameter still follows,
     * bit for bit, the trajectory of an optimizer over it alone.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyParameterFollowsItsOwnTrajectoryWhateverTheRuns(Case c) {
        assertLoneTrajectories(c.toString(), c.make().apply(c.bowlLr()), name -> c.make().apply(c.bowlLr()),
                new int[] {5, 6, 3}, 10, 11);
    }

    /** {@link #CASES} and the blocks whose element loops have a parallel path of their own. */
    static Stream<Arguments> largeCases() {
        List<Case> more = List.of(
                new Case("sgd momentum", lr -> Optimizers.sgd(lr, 0.9), 0.05, 1e-3),
                new Case("sgd momentum weight decay",
                        lr -> Optimizers.sgd(Optimizers.Sgd.lr(lr).momentum(0.9).weightDecay(1e-2)), 0.05, 1e-3),
                new Case("adam weight decay", lr -> Optimizers.adam(Optimizers.Adam.lr(lr).weightDecay(1e-2)), 0.05,
                        0.02));
        return Stream.concat(CASES.stream(), more.stream()).map(Arguments::of);
    }

    /**
     * From {@link Updates#PARALLEL_MIN} values on, the step's passes are split over the cores, at a point that here
     * falls inside the third parameter; every parameter is smaller than that, so an optimizer over it alone takes
     * the one-thread path. The middle parameter has no gradient in steps 2–4 and the last none in step 6 (runs
     * split around a gap and by unequal counts): each parameter still follows its lone trajectory bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("largeCases")
    void overTheParallelSizeEveryParameterFollowsItsOwnTrajectory(Case c) {
        assertLoneTrajectories(c.toString(), c.make().apply(c.bowlLr()), name -> c.make().apply(c.bowlLr()),
                LARGE_SIZES, 8, 12);
    }

    /**
     * The same with parameter groups, a and c in one (AdamW), b and d in the other (SGD momentum): each group's
     * view of the flat layout has a gap, and its passes cut the buffer as the whole buffer is cut.
     */
    @Test
    void overTheParallelSizeEveryGroupFollowsItsOwnTrajectory() {
        Function<String, GradientTransformation> group = name -> name.equals("a") || name.equals("c")
                ? Optimizers.adamw(0.05, 1e-2) : Optimizers.sgd(0.05, 0.9);
        GradientTransformation joint = Transforms.partition((name, shape) -> name.equals("a") || name.equals("c")
                ? "w" : "s", Map.of("w", group.apply("a"), "s", group.apply("b")));
        assertLoneTrajectories("partition", joint, group, LARGE_SIZES, 8, 12);
    }

    /** Four parameters of 96k values in all, each smaller than {@link Updates#PARALLEL_MIN}. */
    static final int[] LARGE_SIZES = {30_011, 7, 41_003, 25_000};

    /**
     * Parameters of {@code sizes} (named a, b, c …) under {@code joint}, each against a lone optimizer
     * {@code lone.apply(its name)}, for {@code steps} steps of random gradients from {@code seed}; the second parameter
     * has no gradient in steps 2–4 and the last none in step 6.
     */
    static void assertLoneTrajectories(String what, GradientTransformation joint,
            Function<String, GradientTransformation> lone, int[] sizes, int steps, long seed) {
        Random rng = new Random(seed);
        int count = sizes.length;
        if (sizes == LARGE_SIZES) {
            assertTrue(Arrays.stream(sizes).sum() >= Updates.PARALLEL_MIN,
                    "the joint optimizer takes the parallel path");
            assertTrue(Arrays.stream(sizes).allMatch(n -> n < Updates.PARALLEL_MIN), "the lone ones do not");
        }
        String[] names = new String[count];
        Var[] together = new Var[count];
        Var[] alone = new Var[count];
        Optimizer[] alones = new Optimizer[count];
        Map<String, Var> all = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            names[k] = String.valueOf((char) ('a' + k));
            together[k] = Var.parameter(Tensor.randn(rng, polyhead.tensor.Shape.of(sizes[k])));
            alone[k] = Var.parameter(together[k].value().copy());
            alones[k] = Optimizer.create(lone.apply(names[k]), named(names[k], alone[k]));
            all.put(names[k], together[k]);
        }
        Optimizer opt = Optimizer.create(joint, all);
        for (int step = 0; step < steps; step++) {
            for (int k = 0; k < count; k++) {
                boolean hasGrad = !(k == 1 && step >= 2 && step <= 4) && !(k == count - 1 && step == 6);
                float[] g = randomGrad(rng, sizes[k]);
                if (hasGrad) {
                    setGrad(together[k], g);
                    setGrad(alone[k], g);
                    alones[k].step();
                } else {
                    together[k].zeroGrad();
                }
            }
            opt.step();
            for (int k = 0; k < count; k++) {
                assertArrayEquals(alone[k].value().data(), together[k].value().data(),
                        what + ": parameter " + names[k] + " differs from its lone run at step " + step);
            }
        }
    }

    /** The state entries for parameter {@code name} (ending in {@code /name}) are identical in both dicts. */
    static void assertEntriesOf(String name, OptimizerStateDict x, OptimizerStateDict y, String what) {
        int n = 0;
        for (Map.Entry<String, Tensor> e : x.tensors().entrySet()) {
            if (e.getKey().endsWith("/" + name)) {
                assertArrayEquals(e.getValue().data(), y.tensors().get(e.getKey()).data(), what + " " + e.getKey());
                n++;
            }
        }
        for (Map.Entry<String, Long> e : x.counters().entrySet()) {
            if (e.getKey().endsWith("/" + name)) {
                assertEquals(e.getValue(), y.counters().get(e.getKey()), what + " " + e.getKey());
                n++;
            }
        }
        for (Map.Entry<String, Double> e : x.values().entrySet()) {
            if (e.getKey().endsWith("/" + name)) {
                assertEquals(e.getValue(), y.values().get(e.getKey()), what + " " + e.getKey());
                n++;
            }
        }
        // every optimizer except plain SGD keeps per-parameter state
        assertTrue(n > 0 || what.startsWith("sgd "), what + ": no state entries for " + name);
    }

    // ----- save / load / continue -----

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void saveLoadContinueEqualsUninterruptedBitForBit(Case c) {
        Random data = new Random(3);
        float[][] grads = new float[30][];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = randomGrad(data, 7);
        }
        Var a = Var.parameter(Tensor.of(new float[] {0.5f, -1f, 2f}, 3));
        Var b = Var.parameter(Tensor.of(new float[] {1f, 0f, -0.25f, 3f}, 2, 2));
        Optimizer uninterrupted = Optimizer.create(c.make().apply(c.bowlLr()), named("a", a, "b", b));
        Var a2 = Var.parameter(a.value().copy());
        Var b2 = Var.parameter(b.value().copy());
        Optimizer first = Optimizer.create(c.make().apply(c.bowlLr()), named("a", a2, "b", b2));
        int k = 11;
        for (int s = 0; s < k; s++) {
            feed(s, grads, a, b);
            uninterrupted.step();
            feed(s, grads, a2, b2);
            first.step();
        }
        OptimizerStateDict saved = first.stateDict();
        // a fresh model and optimizer, restored from the saved values
        Var a3 = Var.parameter(a2.value().copy());
        Var b3 = Var.parameter(b2.value().copy());
        Optimizer resumed = Optimizer.create(c.make().apply(c.bowlLr()), named("a", a3, "b", b3));
        resumed.loadStateDict(saved);
        assertEquals(k, resumed.stepCount());
        for (int s = k; s < grads.length; s++) {
            feed(s, grads, a, b);
            uninterrupted.step();
            feed(s, grads, a3, b3);
            resumed.step();
        }
        assertArrayEquals(a.value().data(), a3.value().data(), c + " a");
        assertArrayEquals(b.value().data(), b3.value().data(), c + " b");
        assertDictsEqual(uninterrupted.stateDict(), resumed.stateDict(), c.toString());
    }

    /** b has no gradient in every fourth step, so saved per-parameter counts differ between parameters. */
    static void feed(int step, float[][] grads, Var a, Var b) {
        setGrad(a, Arrays.copyOfRange(grads[step], 0, 3));
        if (step % 4 == 2) {
            b.zeroGrad();
        } else {
            setGrad(b, Arrays.copyOfRange(grads[step], 3, 7));
        }
    }

    static void assertDictsEqual(OptimizerStateDict x, OptimizerStateDict y, String what) {
        assertEquals(x.tensors().keySet(), y.tensors().keySet(), what);
        for (String key : x.tensors().keySet()) {
            assertArrayEquals(x.tensors().get(key).data(), y.tensors().get(key).data(), what + " " + key);
        }
        assertEquals(x.counters(), y.counters(), what);
        assertEquals(x.values().keySet(), y.values().keySet(), what);
        for (String key : x.values().keySet()) {
            assertEquals(Double.doubleToRawLongBits(x.values().get(key)),
                    Double.doubleToRawLongBits(y.values().get(key)), what + " " + key);
        }
    }

    // ----- allocation -----

    /**
     * Bytes allocated per step, after warm-up, for a small model and one 100× larger: both zero. Measured with
     * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes} over many steps; gradients stay set, so
     * only the optimizer runs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stepAllocatesNothingInSteadyState(Case c) {
        long small = bytesPerStep(c, 16, 40);
        long large = bytesPerStep(c, 1600, 4000);
        assertEquals(0, small, c + ": bytes allocated per step, small model");
        assertEquals(0, large, c + ": bytes allocated per step, large model");
    }

    static long bytesPerStep(Case c, int n1, int n2) {
        Random rng = new Random(11);
        Var a = Var.parameter(Tensor.randn(rng, polyhead.tensor.Shape.of(n1)));
        Var b = Var.parameter(Tensor.randn(rng, polyhead.tensor.Shape.of(n2 / 4, 4)));
        Var idle = Var.parameter(Tensor.zeros(3)); // never has a gradient
        setGrad(a, scaled(randomGrad(rng, n1), 1e-3f));
        setGrad(b, scaled(randomGrad(rng, n2), 1e-3f));
        Optimizer opt = Optimizer.create(c.make().apply(1e-4), named("a", a, "b", b, "idle", idle));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        // rounds until steady state (the minimum): the first ones may still run interpreted or C1 code, and the
        // Vector API loops (ArrayMath, applying the flat buffer to the parameters) allocate their vectors until C2
        // compiles them, which for a tiny model in a busy test JVM can take longer than a few thousand steps
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 3000; i++) {
                opt.step();
            }
            int steps = 500;
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                opt.step();
            }
            long after = mx.getCurrentThreadAllocatedBytes();
            best = Math.min(best, (after - before) / steps);
            if (best == 0) {
                break;
            }
        }
        assertFalse(Float.isNaN(a.value().data()[0]));
        return best;
    }

    // ----- helpers -----

    static Map<String, Var> named(Object... nameVar) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < nameVar.length; i += 2) {
            m.put((String) nameVar[i], (Var) nameVar[i + 1]);
        }
        return m;
    }

    static void setGrad(Var v, float[] g) {
        v.zeroGrad();
        v.addGrad(Tensor.wrap(v.shape(), g));
    }

    static float[] randomGrad(Random rng, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        return g;
    }

    static float[] scaled(float[] g, float f) {
        for (int i = 0; i < g.length; i++) {
            g[i] *= f;
        }
        return g;
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " element " + i + " " + Arrays.toString(actual));
        }
    }
}
