package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.optim.Transforms.accumulate;
import static polyhead.optim.Transforms.chain;
import static polyhead.optim.Transforms.clipByGlobalNorm;
import static polyhead.optim.Transforms.maximize;
import static polyhead.optim.Transforms.reduceOnPlateau;
import static polyhead.optim.Transforms.scaleByLearningRate;
import static polyhead.optim.Transforms.scaleBySchedule;
import static polyhead.optim.Transforms.skipNonFinite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** The blocks with behaviour beyond a formula: accumulation, skipping, maximize, schedules, plateaus, clipping. */
class TransformsTest {

    // ----- accumulate -----

    /** k = 3 accumulated steps equal one step on the mean gradient (bit for bit); nothing moves in between. */
    @Test
    void accumulationEqualsOneStepOnTheMeanGradient() {
        Var a = Var.parameter(Tensor.of(new float[] {1f, -2f, 0.5f}, 3));
        Var b = Var.parameter(Tensor.of(new float[] {0.3f, 0.7f}, 2));
        Var a1 = Var.parameter(a.value().copy());
        Var b1 = Var.parameter(b.value().copy());
        Optimizer acc = Optimizer.create(accumulate(3, Optimizers.adamw(0.1, 0.01)), named("a", a, "b", b));
        Optimizer once = Optimizer.create(Optimizers.adamw(0.1, 0.01), named("a", a1, "b", b1));
        Random rng = new Random(2);
        for (int window = 0; window < 4; window++) {
            float[] sumA = new float[3];
            float[] sumB = new float[2];
            boolean bSeen = false;
            for (int call = 0; call < 3; call++) {
                float[] ga = gaussian(rng, 3);
                float[] gb = gaussian(rng, 2);
                add(sumA, ga);
                setGrad(a, ga);
                // b: a gradient only in the first call of windows 0 and 1, none at all in window 2
                if (call == 0 && window != 2) {
                    add(sumB, gb);
                    setGrad(b, gb);
                    bSeen = true;
                } else {
                    b.zeroGrad();
                }
                float[] before = a.value().data().clone();
                acc.step();
                if (call < 2) {
                    assertArrayEquals(before, a.value().data(), "moved before the k-th call");
                }
            }
            setGrad(a1, divide(sumA, 3));
            if (bSeen) {
                setGrad(b1, divide(sumB, 3)); // missing calls count as zero gradients
            } else {
                b1.zeroGrad();
            }
            once.step();
            assertArrayEquals(a1.value().data(), a.value().data(), "a after window " + window);
            assertArrayEquals(b1.value().data(), b.value().data(), "b after window " + window);
        }
        assertEquals(12, acc.stepCount());
    }

    /** The inner transformation's schedules see the number of its own updates, not of batches. */
    @Test
    void accumulatedScheduleCountsInnerUpdates() {
        Var p = Var.parameter(Tensor.zeros(1));
        Optimizer opt = Optimizer.create(accumulate(2, scaleByLearningRate(s -> 1.0 + s)), named("p", p));
        for (int i = 0; i < 6; i++) {
            setGrad(p, new float[] {1f});
            opt.step();
        }
        // 3 inner updates with lr 1, 2, 3 on gradient 1
        assertEquals(-6f, p.value().data()[0]);
        assertEquals(3.0, opt.learningRate());
    }

    // ----- skipNonFinite -----

    @Test
    void skipNonFiniteSkipsAndCountsAndLeavesEverythingUntouched() {
        Var p = Var.parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Var q = Var.parameter(Tensor.of(new float[] {-1f}, 1));
        Var p1 = Var.parameter(p.value().copy());
        Var q1 = Var.parameter(q.value().copy());
        Optimizer guarded = Optimizer.create(skipNonFinite(Optimizers.adamw(0.1, 0.1)), named("p", p, "q", q));
        Optimizer clean = Optimizer.create(Optimizers.adamw(0.1, 0.1), named("p", p1, "q", q1));
        float[][] gp = {{0.5f, -1f}, {Float.NaN, 1f}, {0.25f, 0.5f}, {1f, 1f}, {-0.5f, 2f}};
        float[][] gq = {{1f}, {1f}, {Float.POSITIVE_INFINITY}, {2f}, {-1f}};
        for (int s = 0; s < gp.length; s++) {
            boolean bad = s == 1 || s == 2;
            setGrad(p, gp[s]);
            setGrad(q, gq[s]);
            OptimizerStateDict before = guarded.stateDict();
            float[] pBefore = p.value().data().clone();
            guarded.step();
            if (bad) {
                assertArrayEquals(pBefore, p.value().data(), "moved on a non-finite step " + s);
                assertEquals(before.tensors().keySet(), guarded.stateDict().tensors().keySet());
                before.tensors().forEach((k, v) -> assertArrayEquals(v.data(),
                        guarded.stateDict().tensors().get(k).data(), k));
            } else {
                setGrad(p1, gp[s]);
                setGrad(q1, gq[s]);
                clean.step();
            }
            assertArrayEquals(p1.value().data(), p.value().data(), "step " + s);
            assertArrayEquals(q1.value().data(), q.value().data(), "step " + s);
        }
        assertEquals(2, guarded.skippedSteps());
        assertEquals(2L, guarded.stateDict().counters().get("skipNonFinite.skipped"));
        assertEquals(0L, guarded.stateDict().counters().get("skipNonFinite.consecutive"));
        assertEquals(0, clean.skippedSteps());
    }

    @Test
    void skipNonFiniteFailsAfterMaxConsecutiveSkips() {
        Var p = Var.parameter(Tensor.zeros(2));
        Var q = Var.parameter(Tensor.zeros(1));
        Optimizer opt = Optimizer.create(skipNonFinite(Optimizers.sgd(0.1), 1), named("p", p, "q", q));
        setGrad(p, new float[] {1f, 1f});
        setGrad(q, new float[] {Float.NaN});
        opt.step();
        ArithmeticException e = assertThrows(ArithmeticException.class, opt::step);
        assertEquals("skipNonFinite: non-finite gradients in 2 consecutive steps (more than maxConsecutive = 1), "
                + "this time in 'q' at step 1", e.getMessage());
    }

    // ----- maximize -----

    @Test
    void maximizeFlipsTheDirection() {
        Var p = Var.parameter(Tensor.of(new float[] {1f}, 1));
        Optimizer opt = Optimizer.create(chain(maximize(), Optimizers.sgd(0.1)), named("p", p));
        setGrad(p, new float[] {2f});
        opt.step();
        assertEquals(1.2f, p.value().data()[0], 1e-7);

        // with Adam: maximizing f equals minimizing -f, bit for bit
        Var x = Var.parameter(Tensor.of(new float[] {0.5f, -0.5f}, 2));
        Var y = Var.parameter(x.value().copy());
        Optimizer up = Optimizer.create(chain(maximize(), Optimizers.adam(0.05)), named("x", x));
        Optimizer down = Optimizer.create(Optimizers.adam(0.05), named("x", y));
        Random rng = new Random(4);
        for (int s = 0; s < 10; s++) {
            float[] g = gaussian(rng, 2);
            setGrad(x, g);
            setGrad(y, new float[] {-g[0], -g[1]});
            up.step();
            down.step();
        }
        assertArrayEquals(y.value().data(), x.value().data());
    }

    // ----- schedules -----

    /** Schedules are evaluated at the global step, also for a parameter that missed steps. */
    @Test
    void schedulesUseTheGlobalStep() {
        Var p = Var.parameter(Tensor.zeros(1));
        Var q = Var.parameter(Tensor.zeros(1));
        Optimizer opt = Optimizer.create(chain(Optimizers.sgd(1.0), scaleBySchedule(s -> 1.0 / (1 + s))),
                named("p", p, "q", q));
        StepContext ctx = new StepContext();
        for (int s = 0; s < 4; s++) {
            setGrad(p, new float[] {1f});
            if (s == 3) {
                setGrad(q, new float[] {1f}); // q's first step is global step 3
            } else {
                q.zeroGrad();
            }
            opt.step(ctx.setStep(s));
            assertEquals(1.0 / (1 + s), opt.learningRate(), 1e-15);
        }
        assertEquals(-(1 + 1 / 2f + 1 / 3f + 1 / 4f), p.value().data()[0], 1e-6);
        assertEquals(-0.25f, q.value().data()[0]);
    }

    @Test
    void aScheduleGivingANegativeLearningRateFailsTheStep() {
        Var p = Var.parameter(Tensor.zeros(1));
        Optimizer opt = Optimizer.create(scaleByLearningRate(s -> 0.1 - 0.1 * s), named("p", p));
        setGrad(p, new float[] {1f});
        opt.step();
        opt.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
        assertTrue(e.getMessage().startsWith("scaleByLearningRate: the lr schedule gave -0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("at step 2"), e.getMessage());
    }

    // ----- reduce on plateau -----

    /** A metric is judged once per new evaluation, however many steps run in between; the state round-trips. */
    @Test
    void plateauReactsOncePerEvaluationAndRestores() {
        GradientTransformation t = chain(Optimizers.sgd(1.0), reduceOnPlateau(Plateau.min(1.0).patience(1)
                .factor(0.5).cooldown(1).minLr(0.2)));
        Var p = Var.parameter(Tensor.zeros(1));
        Optimizer opt = Optimizer.create(t, named("p", p));
        setGrad(p, new float[] {1f});
        double[] metrics = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
        // torch: bad evaluations 2, 3 -> reduce at the 3rd (patience 1), cooldown 1 eats the 4th, reduce at 6th, ...
        double[] expected = {1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2};
        OptimizerStateDict saved = null;
        for (int k = 0; k < metrics.length; k++) {
            opt.context().recordMetric(metrics[k]);
            for (int s = 0; s < 3; s++) {
                opt.step();
            }
            assertEquals(expected[k], opt.learningRate(), 1e-12, "after evaluation " + (k + 1));
            if (k == 3) {
                saved = opt.stateDict();
            }
        }
        assertEquals(0.5, saved.values().get("reduceOnPlateau.lr"));
        Var p2 = Var.parameter(Tensor.zeros(1));
        Optimizer resumed = Optimizer.create(t, named("p", p2));
        resumed.loadStateDict(saved);
        assertEquals(4, resumed.context().evaluations());
        setGrad(p2, new float[] {1f});
        for (int k = 4; k < metrics.length; k++) {
            resumed.context().recordMetric(metrics[k]);
            resumed.step();
            assertEquals(expected[k], resumed.learningRate(), 1e-12, "resumed, after evaluation " + (k + 1));
        }
    }

    // ----- clipping -----

    @Test
    void globalNormCountsOnlyParametersWithGradients() {
        Var p = Var.parameter(Tensor.zeros(2));
        Var q = Var.parameter(Tensor.zeros(2));
        Optimizer opt = Optimizer.create(chain(clipByGlobalNorm(1.0), scaleByLearningRate(1.0)), named("p", p, "q", q));
        setGrad(p, new float[] {3f, 4f});
        opt.step();
        assertEquals(-0.6f, p.value().data()[0], 1e-6);
        assertEquals(-0.8f, p.value().data()[1], 1e-6);
        assertArrayEquals(new float[2], q.value().data());
    }

    // ----- state checks -----

    @Test
    void aStateFromAnotherTransformationIsRefused() {
        Params params = Params.of(Map.of("w", Tensor.zeros(2)));
        GradientTransformation one = Optimizers.adam(1e-3);
        GradientTransformation other = Optimizers.adam(1e-3);
        OptState s = one.init(params);
        Updates u = new Updates(params);
        u.setGradient(0, Tensor.ones(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.update(u, s, params, StepContext.at(0)));
        assertTrue(e.getMessage().contains("update got a state it did not make"), e.getMessage());
        Params otherParams = Params.of(Map.of("w", Tensor.zeros(2)));
        e = assertThrows(IllegalArgumentException.class,
                () -> one.update(new Updates(otherParams), s, otherParams, StepContext.at(0)));
        assertTrue(e.getMessage().contains("state was initialised for Params[w[2]]"), e.getMessage());
    }

    /** The pure API (init, update, apply) gives what Optimizer gives; update returns the (donated) state. */
    @Test
    void pureFunctionDrivesTheSameSteps() {
        Tensor w = Tensor.of(new float[] {1f, 2f, 3f}, 3);
        Var v = Var.parameter(w.copy());
        Params params = Params.of(Map.of("w", w));
        GradientTransformation t = Optimizers.radam(0.1);
        OptState state = t.init(params);
        Updates u = new Updates(params);
        Optimizer opt = Optimizer.create(t, named("w", v));
        Random rng = new Random(3);
        for (int s = 0; s < 8; s++) {
            Tensor g = Tensor.wrap(w.shape(), gaussian(rng, 3));
            u.setGradient(0, g);
            state = t.update(u, state, params, StepContext.at(s));
            u.applyTo(params);
            setGrad(v, g.data().clone());
            opt.step();
        }
        assertArrayEquals(v.value().data(), w.data());
        assertNotEquals(1f, w.data()[0]);
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

    static float[] gaussian(Random rng, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        return g;
    }

    static void add(float[] sum, float[] g) {
        for (int i = 0; i < g.length; i++) {
            sum[i] += g[i];
        }
    }

    static float[] divide(float[] x, int k) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / k;
        }
        return out;
    }
}
