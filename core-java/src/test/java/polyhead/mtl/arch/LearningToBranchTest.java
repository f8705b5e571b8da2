package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Seeds;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/** Learning to branch (Guo et al., 2020): relaxed and fixed trees by hand, gradients, sharing, the two phases. */
class LearningToBranchTest {
    private static final long SEED = 11;

    private static List<Task> tasks(int in, Random rng) {
        return List.of(Task.builder("a").head(new Linear(in, 3, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(in, 2, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("c").head(new Linear(in, 2, rng)).loss(Losses.crossEntropy()).build());
    }

    private static Supplier<Module> dense(int in, int out, Random rng) {
        return () -> new Sequential(new Linear(in, out, rng), Activation.tanh());
    }

    /** Three tasks, stages 4→3→3→2. */
    private static LearningToBranch tree(long fixAfter) {
        return tree(fixAfter, 0);
    }

    /** {@link #tree(long)} with the temperature decaying every {@code decay} passes. */
    private static LearningToBranch tree(long fixAfter, long decay) {
        Random rng = new Random(3);
        LearningToBranch l = new LearningToBranch(null, List.of(dense(4, 3, rng), dense(3, 3, rng), dense(3, 2, rng)),
                tasks(2, rng), 0.7, fixAfter, SEED, decay);
        Random init = new Random(5);
        for (String u : List.of("0", "1")) {
            float[] d = logits(l, u).value().data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) init.nextGaussian();
            }
        }
        return l;
    }

    private static Var logits(LearningToBranch l, String unit) {
        return l.namedParameters().get("branching." + unit + ".logits");
    }

    private static Module node(LearningToBranch l, String task, int stage) {
        return ((Sequential) l.children().get("towers").children().get(task)).get(stage);
    }

    private static Module head(LearningToBranch l, String task) {
        return l.children().get("heads").children().get(task);
    }

    private static final Tensor X = Tensor.randn(9, 5, 4);

    /** The documented noise of training pass {@code call}: one n×n draw of −log(−log u) per unit, in unit order. */
    private static List<float[]> noise(long call, int units, int n) {
        Random rng = new Random(Seeds.derive(SEED, call));
        List<float[]> out = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            float[] g = new float[n * n];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) -Math.log(-Math.log(rng.nextDouble()));
            }
            out.add(g);
        }
        return out;
    }

    /** Reference forward pass with explicit weights w[s][child][parent] between stage s and s+1. */
    private static Map<String, Tensor> reference(LearningToBranch l, double[][][] w) {
        List<String> names = List.of("a", "b", "c");
        List<Tensor> xs = new ArrayList<>(List.of(X, X, X));
        for (int s = 0; s < 3; s++) {
            for (int t = 0; t < 3; t++) {
                xs.set(t, node(l, names.get(t), s).call(Var.constant(xs.get(t))).value());
            }
            if (s < 2) {
                List<Tensor> mixed = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    Tensor m = Tensor.zeros(xs.get(0).shape().dims());
                    for (int j = 0; j < 3; j++) {
                        float[] src = xs.get(j).data();
                        for (int k = 0; k < src.length; k++) {
                            m.data()[k] += (float) (w[s][t][j] * src[k]);
                        }
                    }
                    mixed.add(m);
                }
                xs = mixed;
            }
        }
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (int t = 0; t < 3; t++) {
            out.put(names.get(t), head(l, names.get(t)).call(Var.constant(xs.get(t))).value());
        }
        return out;
    }

    /** The relaxed mixing weights w[s][child][parent] = softmax((θ_s[child] + g)/τ) of training pass {@code pass}. */
    private static double[][][] mixing(LearningToBranch l, long pass, double tau) {
        List<float[]> g = noise(pass, 2, 3);
        double[][][] w = new double[2][3][3];
        for (int s = 0; s < 2; s++) {
            float[] th = logits(l, Integer.toString(s)).value().data();
            for (int t = 0; t < 3; t++) {
                double z = 0;
                for (int j = 0; j < 3; j++) {
                    w[s][t][j] = Math.exp((th[t * 3 + j] + g.get(s)[t * 3 + j]) / tau);
                    z += w[s][t][j];
                }
                for (int j = 0; j < 3; j++) {
                    w[s][t][j] /= z;
                }
            }
        }
        return w;
    }

    private static void assertOutputs(Map<String, Tensor> want, Map<String, Var> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> {
            float[] g = got.get(k).value().data();
            for (int i = 0; i < g.length; i++) {
                assertEquals(v.data()[i], g[i], 1e-5, k + "[" + i + "]");
            }
        });
    }

    @Test
    void aTrainingPassMixesParentsWithTheGumbelSoftmaxOfItsDraw() {
        LearningToBranch l = tree(0);
        l.rewind(4);
        double[][][] w = mixing(l, 4, 0.7);
        Map<String, Var> out = l.outputs(Var.constant(X));
        assertEquals(5, l.calls());
        assertArrayEquals(new int[] {5, 3}, out.get("a").shape().dims());
        assertArrayEquals(new int[] {5, 2}, out.get("c").shape().dims());
        assertOutputs(reference(l, w), out);
        // the same pass count draws the same noise; the next one draws new noise
        l.rewind(4);
        assertArrayEquals(out.get("b").value().data(), l.outputs(Var.constant(X)).get("b").value().data());
        assertFalse(java.util.Arrays.equals(out.get("b").value().data(),
                l.outputs(Var.constant(X)).get("b").value().data()));
    }

    @Test
    void theTemperatureDecaysAsOneOverTheRootOfTheDecaySteps() {
        LearningToBranch constant = tree(0);
        LearningToBranch decaying = tree(0, 3);
        for (long pass : new long[] {0, 1, 2, 3, 5, 6, 8, 9, 299, 300}) {
            assertEquals(0.7, constant.temperatureAt(pass), 0.0);
            // τ/√(1 + ⌊n/3⌋): 1, 1, 1, 2, 2, 3, 3, 4, 100, 101 under the root
            double steps = 1 + pass / 3;
            assertEquals(0.7 / Math.sqrt(steps), decaying.temperatureAt(pass), 1e-15, "pass " + pass);
        }
        assertEquals(0.7 / 10, decaying.temperatureAt(297), 1e-15); // ⌊297/3⌋ = 99: √100
        // pass 7 mixes with τ = 0.7/√3 (⌊7/3⌋ = 2) and the draw of pass 7
        decaying.rewind(7);
        assertOutputs(reference(decaying, mixing(decaying, 7, 0.7 / Math.sqrt(3))),
                decaying.outputs(Var.constant(X)));
        // the constant tree at the same pass mixes differently (τ = 0.7)
        constant.rewind(7);
        decaying.rewind(7);
        assertFalse(java.util.Arrays.equals(constant.outputs(Var.constant(X)).get("a").value().data(),
                decaying.outputs(Var.constant(X)).get("a").value().data()));
        assertEquals("learning to branch: temperatureDecay must be >= 0 (0: constant), got -1",
                assertThrows(IllegalArgumentException.class, () -> tree(0, -1)).getMessage());
    }

    @Test
    void evaluationAndAFixedTreeReadOnlyTheArgmaxParent() {
        LearningToBranch l = tree(0);
        float[] th0 = logits(l, "0").value().data();
        float[] th1 = logits(l, "1").value().data();
        System.arraycopy(new float[] {0, 2, 1, 0, 2, 1, 3, 0, 0}, 0, th0, 0, 9);
        System.arraycopy(new float[] {5, 0, 0, 0, 0, 1, 0, 0, 1}, 0, th1, 0, 9);
        assertEquals(List.of(List.of(1, 1, 0), List.of(0, 2, 2)),
                l.parents().stream().map(p -> java.util.Arrays.stream(p).boxed().toList()).toList());
        double[][][] w = new double[2][3][3];
        int[][] p = {{1, 1, 0}, {0, 2, 2}};
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < 3; t++) {
                w[s][t][p[s][t]] = 1;
            }
        }
        Map<String, Tensor> want = reference(l, w);
        l.eval();
        assertOutputs(want, l.outputs(Var.constant(X)));
        assertEquals(0, l.calls(), "evaluation draws no noise");
        l.train(true);
        l.fix();
        assertOutputs(want, l.outputs(Var.constant(X)));
        assertEquals(0, l.calls());
        // paths: a = 1→0→a, b and c = 0→2→b, 0→2→c; node 0 of stage 0 is shared by b and c, node 1 serves a
        assertEquals(List.of(List.of(List.of(1, 2), List.of(0), List.of()),
                List.of(List.of(0), List.of(), List.of(1, 2)),
                List.of(List.of(0), List.of(1), List.of(2))), l.users());
        // the fixed state is in the state dict
        assertEquals(1f, l.stateDict().get("branching.state.fixed").data()[0]);
    }

    @Test
    void theTreeIsFixedAfterFixAfterTrainingPasses() {
        LearningToBranch l = tree(2);
        l.outputs(Var.constant(X));
        assertFalse(l.isFixed());
        l.outputs(Var.constant(X));
        assertFalse(l.isFixed());
        Map<String, Var> third = l.outputs(Var.constant(X));
        assertTrue(l.isFixed());
        assertEquals(2, l.calls(), "a fixed tree draws no more noise");
        l.eval();
        assertArrayEquals(l.outputs(Var.constant(X)).get("a").value().data(), third.get("a").value().data());
    }

    @Test
    void gradientsOfEveryParameterIncludingTheLogitsAtAFixedDraw() {
        LearningToBranch l = tree(0);
        List<Var> params = new ArrayList<>(l.parameters());
        assertTrue(params.contains(logits(l, "0")) && params.contains(logits(l, "1")));
        GradCheck.assertParameterGradients(() -> {
            l.rewind(7);
            return all(l, Var.constant(X));
        }, params);
        GradCheck.assertGradients(v -> {
            l.rewind(7);
            return all(l, v[0]);
        }, X);
        // a fixed tree's logits get no gradient; its used nodes do
        l.fix();
        l.zeroGrad();
        all(l, Var.constant(X)).sum().backward();
        assertTrue(logits(l, "0").grad() == null || allZero(logits(l, "0").grad()));
    }

    @Test
    void sharingSplitsLikeATreeWhoseEveryInnerNodeFeedsEveryTask() {
        LearningToBranch l = tree(0);
        ArchitectureContract.assertPartition(l);
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(l, X);
        assertTrue(l.sharedParameters().containsKey("towers.b.1.0.weight"));
        assertTrue(l.sharedParameters().containsKey("branching.1.logits"));
        assertEquals(List.of("towers.a.2.0.weight", "towers.a.2.0.bias", "heads.a.weight", "heads.a.bias"),
                List.copyOf(l.taskParameters().get("a").keySet()));
        l.fix();
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(l, X);
    }

    /**
     * LibMTL's LTB (ltb_libmtl.json, generate_ltb_reference.py) at epoch 10 of 100 picks each child's parent by its
     * hard Gumbel-softmax sample, arg max (α + g); Polyhead's evaluation-mode tree with logits α + g picks the same
     * parents and gives the same outputs from the same weights.
     */
    @Test
    void matchesLibMtlsLtbAlongItsSampledTree() {
        for (Object c : Fixtures.list(Fixtures.load("/reference/ltb_libmtl.json").get("ltb"), "ltb")) {
            Random rng = new Random(0);
            List<Supplier<? extends Module>> stages = new ArrayList<>();
            stages.add(dense(5, 3, rng));
            for (int s = 1; s < 5; s++) {
                stages.add(dense(3, 3, rng));
            }
            List<Task> ts = List.of(Task.builder("a").head(new Linear(3, 3, rng)).loss(Losses.crossEntropy()).build(),
                    Task.builder("b").head(new Linear(3, 2, rng)).loss(Losses.crossEntropy()).build(),
                    Task.builder("c").head(new Linear(3, 2, rng)).loss(Losses.crossEntropy()).build());
            LearningToBranch l = new LearningToBranch(null, stages, ts, 1, 0, SEED);
            Map<String, Tensor> state = new java.util.LinkedHashMap<>(l.stateDict());
            for (String t : List.of("a", "b", "c")) {
                put(state, "towers." + t + ".0.0", Fixtures.get(c, "stem", t));
                for (int s = 1; s < 5; s++) {
                    put(state, "towers." + t + "." + s + ".0",
                            Fixtures.get(Fixtures.list(Fixtures.get(c, "layers"), "layers").get(s - 1), t));
                }
                put(state, "heads." + t, Fixtures.get(c, "heads", t));
            }
            List<Object> perturbed = Fixtures.list(Fixtures.get(c, "perturbed"), "perturbed");
            for (int u = 0; u < 4; u++) {
                state.put("branching." + u + ".logits", Fixtures.tensor(perturbed.get(u)));
            }
            l.loadStateDict(state);
            l.eval();
            List<Object> parents = Fixtures.list(Fixtures.get(c, "parents"), "parents");
            for (int u = 0; u < 4; u++) {
                List<Object> want = Fixtures.list(parents.get(u), "parents");
                for (int t = 0; t < 3; t++) {
                    assertEquals((int) Fixtures.number(want.get(t), "parent"), l.parents().get(u)[t], "unit " + u);
                }
            }
            Map<String, Var> out = l.outputs(Var.constant(Fixtures.tensor(Fixtures.get(c, "x"))));
            for (String t : List.of("a", "b", "c")) {
                Fixtures.assertClose("LTB task " + t, out.get(t).value(), Fixtures.get(c, "outputs", t), 1e-5);
            }
        }
    }

    private static void put(Map<String, Tensor> state, String prefix, Object linear) {
        state.put(prefix + ".weight", Fixtures.tensor(Fixtures.get(linear, "weight")));
        state.put(prefix + ".bias", Fixtures.tensor(Fixtures.get(linear, "bias")));
    }

    @Test
    void badSettingsAreRefused() {
        Random rng = new Random(1);
        assertEquals("learning to branch needs at least 2 stages to branch between, got 1",
                assertThrows(IllegalArgumentException.class, () -> new LearningToBranch(null,
                        List.of(dense(4, 3, rng)), tasks(3, rng), 1, 0, 1)).getMessage());
        assertEquals("learning to branch: temperature must be > 0 and fixAfter >= 0, got 0.0 and 0",
                assertThrows(IllegalArgumentException.class, () -> new LearningToBranch(null,
                        List.of(dense(4, 3, rng), dense(3, 2, rng)), tasks(2, rng), 0, 0, 1)).getMessage());
        assertNotEquals(0, SEED);
    }

    private static boolean allZero(Tensor t) {
        for (float v : t.data()) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    private static Var all(Architecture arch, Var x) {
        List<Var> flat = new ArrayList<>();
        arch.outputs(x).values().forEach(o -> flat.add(o.reshape(-1)));
        return Shaping.concat(0, flat.toArray(new Var[0]));
    }
}
