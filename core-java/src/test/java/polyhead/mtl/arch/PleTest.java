package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/** CGC and PLE (Tang et al., 2020): the gated mixtures by hand and against LibMTL's CGC, gradients, what is shared. */
class PleTest {
    private static Task task(String name, int in, int out, Random rng) {
        return Task.builder(name).head(new Linear(in, out, rng)).loss(Losses.crossEntropy()).build();
    }

    private static List<Task> tasks(int in, Random rng) {
        return List.of(task("a", in, 3, rng), task("b", in, 2, rng));
    }

    private static Supplier<Module> dense(int in, int out, Random rng) {
        return () -> new Sequential(new Linear(in, out, rng), Activation.tanh());
    }

    private static Module child(Module m, String dotted) {
        for (String part : dotted.split("\\.")) {
            m = m.children().get(part);
        }
        return m;
    }

    @Test
    void cgcMixesEachTasksOwnExpertsThenTheSharedOnesWithItsGate() {
        Random rng = new Random(1);
        Ple cgc = Ple.cgc(dense(4, 3, rng), 4, 2, 1, tasks(3, rng), rng);
        assertEquals("CGC", cgc.typeName());
        Var x = Var.constant(Tensor.randn(2, 5, 4));
        for (String t : List.of("a", "b")) {
            // g = softmax(W_t x + b_t) over [E_t,0, E_s,0, E_s,1] (their eq. 2-3), then the head
            Var g = child(cgc, "levels.0.gates." + t).call(x).softmax(1);
            Var[] experts = {child(cgc, "levels.0.tasks." + t + ".0").call(x),
                child(cgc, "levels.0.shared.0").call(x), child(cgc, "levels.0.shared.1").call(x)};
            Var mixed = null;
            for (int k = 0; k < 3; k++) {
                Var term = experts[k].mul(g.slice(1, k, k + 1));
                mixed = mixed == null ? term : mixed.add(term);
            }
            Var expected = child(cgc, "heads." + t).call(mixed);
            assertArrayEquals(expected.value().data(), cgc.outputs(x).get(t).value().data(), 1e-6f, t);
        }
        // one level: the shared experts' stacked outputs are a single shared representation
        assertTrue(cgc.hasSharedRepresentation());
        assertEquals(Shape.of(5, 2, 3), cgc.encode(x).shape());
        assertArrayEquals(cgc.outputs(x).get("b").value().data(),
                cgc.decode(x, cgc.encode(x), List.of("b")).get("b").value().data());
        assertEquals(List.of("b"), List.copyOf(cgc.outputs(x, List.of("b")).keySet()));
    }

    @Test
    void cgcMatchesLibMtlsCgcWithTheSameWeights() {
        for (Object c : Fixtures.list(Fixtures.load("/reference/architectures_libmtl.json").get("cgc"), "cgc")) {
            int shared = (int) Fixtures.number(Fixtures.get(c, "sharedExperts"), "sharedExperts");
            int own = (int) Fixtures.number(Fixtures.get(c, "taskExperts"), "taskExperts");
            Tensor x = Fixtures.tensor(Fixtures.get(c, "x"));
            Random rng = new Random(0);
            List<Task> ts = List.of(task("a", 3, 3, rng), task("b", 3, 2, rng));
            Ple cgc = Ple.cgc(dense(5, 3, rng), 5, shared, own, ts, rng);
            Map<String, Tensor> state = new java.util.LinkedHashMap<>(cgc.stateDict());
            for (int k = 0; k < shared; k++) {
                put(state, "levels.0.shared." + k + ".0", Fixtures.list(Fixtures.get(c, "shared"), "shared").get(k));
            }
            for (String t : List.of("a", "b")) {
                for (int k = 0; k < own; k++) {
                    put(state, "levels.0.tasks." + t + "." + k + ".0", Fixtures.list(Fixtures.get(c, "own", t), t).get(k));
                }
                put(state, "heads." + t, Fixtures.get(c, "heads", t));
                // LibMTL's gate weighs [shared, own]; Tang et al.'s (and Ple's) [own, shared]: rotate the rows
                Tensor w = Fixtures.tensor(Fixtures.get(c, "gates", t, "weight"));
                Tensor b = Fixtures.tensor(Fixtures.get(c, "gates", t, "bias"));
                state.put("levels.0.gates." + t + ".weight", rotateRows(w, shared));
                state.put("levels.0.gates." + t + ".bias", rotateRows(b.reshape(b.size(), 1), shared).reshape(b.size()));
            }
            cgc.loadStateDict(state);
            Map<String, Var> out = cgc.outputs(Var.constant(x));
            for (String t : List.of("a", "b")) {
                Fixtures.assertClose("cgc " + shared + "/" + own + " task " + t, out.get(t).value(),
                        Fixtures.get(c, "outputs", t), 1e-5);
            }
        }
    }

    private static void put(Map<String, Tensor> state, String prefix, Object linear) {
        state.put(prefix + ".weight", Fixtures.tensor(Fixtures.get(linear, "weight")));
        state.put(prefix + ".bias", Fixtures.tensor(Fixtures.get(linear, "bias")));
    }

    /** The rows [s…, o…] of {@code m} reordered to [o…, s…], the first {@code first} rows moved last. */
    private static Tensor rotateRows(Tensor m, int first) {
        int rows = m.shape().dim(0);
        int cols = m.size() / rows;
        float[] out = new float[m.size()];
        for (int r = 0; r < rows; r++) {
            int to = (r - first + rows) % rows;
            System.arraycopy(m.data(), r * cols, out, to * cols, cols);
        }
        return Tensor.wrap(m.shape(), out);
    }

    /** PLE of {@code levels} levels of dense experts 4 → 3 → 3 …, gates on each level's input. */
    private static Ple ple(int levels, int shared, int own, Random rng) {
        List<Supplier<? extends Module>> ls = new ArrayList<>();
        int[] inputs = new int[levels];
        for (int j = 0; j < levels; j++) {
            ls.add(dense(j == 0 ? 4 : 3, 3, rng));
            inputs[j] = j == 0 ? 4 : 3;
        }
        return Ple.progressive(ls, inputs, shared, own, tasks(3, rng), rng);
    }

    @Test
    void pleFeedsTheSharedGatesMixtureOfAllExpertsToTheNextLevelsSharedExperts() {
        Random rng = new Random(2);
        Ple p = ple(2, 1, 1, rng);
        assertEquals("PLE", p.typeName());
        assertEquals(2, p.levels());
        assertFalse(p.hasSharedRepresentation());
        assertThrows(UnsupportedOperationException.class, () -> p.encode(Var.constant(Tensor.zeros(1, 4))));
        assertTrue(p.namedParameters().containsKey("levels.0.sharedGate.weight"));
        assertFalse(p.namedParameters().containsKey("levels.1.sharedGate.weight"), "the last level has none");
        Var x = Var.constant(Tensor.randn(3, 6, 4));
        // by hand: level 0 task paths and shared path, then level 1 for task a
        Var ea = child(p, "levels.0.tasks.a.0").call(x);
        Var eb = child(p, "levels.0.tasks.b.0").call(x);
        Var es = child(p, "levels.0.shared.0").call(x);
        Var ga = child(p, "levels.0.gates.a").call(x).softmax(1);
        Var a0 = ea.mul(ga.slice(1, 0, 1)).add(es.mul(ga.slice(1, 1, 2)));
        Var gs = child(p, "levels.0.sharedGate").call(x).softmax(1); // over [E_a, E_b, E_s]
        Var s0 = ea.mul(gs.slice(1, 0, 1)).add(eb.mul(gs.slice(1, 1, 2))).add(es.mul(gs.slice(1, 2, 3)));
        Var ga1 = child(p, "levels.1.gates.a").call(a0).softmax(1);
        Var a1 = child(p, "levels.1.tasks.a.0").call(a0).mul(ga1.slice(1, 0, 1))
                .add(child(p, "levels.1.shared.0").call(s0).mul(ga1.slice(1, 1, 2)));
        assertArrayEquals(child(p, "heads.a").call(a1).value().data(), p.outputs(x).get("a").value().data(), 1e-6f);
    }

    @Test
    void expertsMayOutputFeatureMaps() {
        Random rng = new Random(3);
        Supplier<Module> conv = () -> new Sequential(new Conv2d(1, 2, 3, 1, 1, true, rng), Activation.tanh());
        Supplier<Module> conv2 = () -> new Sequential(new Conv2d(2, 2, 3, 1, 1, true, rng), Activation.tanh());
        List<Task> ts = List.of(
                Task.builder("a").head(new Sequential(new polyhead.nn.Flatten(), new Linear(32, 3, rng)))
                        .loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Sequential(new polyhead.nn.Flatten(), new Linear(32, 2, rng)))
                        .loss(Losses.crossEntropy()).build());
        Ple p = Ple.progressive(List.of(conv, conv2), new int[] {16, 32}, 2, 1, ts, rng);
        Tensor x = Tensor.randn(4, 2, 1, 4, 4);
        Map<String, Var> out = p.outputs(Var.constant(x));
        assertEquals(Shape.of(2, 3), out.get("a").shape());
        assertEquals(Shape.of(2, 2), out.get("b").shape());
        ArchitectureContract.assertGradients(p, x);
    }

    @Test
    void gradientsOfEveryParameterAndTheInputMatchFiniteDifferences() {
        Random rng = new Random(4);
        ArchitectureContract.assertGradients(Ple.cgc(dense(4, 3, rng), 4, 2, 1, tasks(3, rng), rng),
                Tensor.randn(5, 3, 4));
        ArchitectureContract.assertGradients(ple(3, 1, 1, rng), Tensor.randn(6, 3, 4));
    }

    @Test
    void aTasksOwnParametersReachOnlyThatTask() {
        Random rng = new Random(5);
        Tensor x = Tensor.randn(6, 4, 4);
        Ple cgc = Ple.cgc(dense(4, 3, rng), 4, 1, 2, tasks(3, rng), rng);
        ArchitectureContract.assertPartition(cgc);
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(cgc, x);
        assertEquals(List.of("levels.0.shared.0.0.weight", "levels.0.shared.0.0.bias"),
                List.copyOf(cgc.sharedParameters().keySet()));
        for (int levels = 2; levels <= 4; levels++) {
            Ple p = ple(levels, 1, 1, rng);
            ArchitectureContract.assertPartition(p);
            ArchitectureContract.assertOwnParametersReachOnlyTheirTask(p, x);
            // the last level's experts and the last two levels' gates are the task's own
            int last = levels - 1;
            assertTrue(p.taskParameters().get("a").containsKey("levels." + last + ".tasks.a.0.0.weight"));
            assertTrue(p.taskParameters().get("a").containsKey("levels." + (last - 1) + ".gates.a.weight"));
            assertTrue(p.sharedParameters().containsKey("levels." + (last - 1) + ".tasks.a.0.0.weight"));
        }
    }

    @Test
    void badSettingsAreRefusedInOneLine() {
        Random rng = new Random(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ple.cgc(dense(4, 3, rng), 4, 0, 1, tasks(3, rng), rng));
        assertEquals("CGC needs sharedExperts >= 1 and taskExperts >= 0, got sharedExperts=0, taskExperts=1",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Ple.progressive(List.of(dense(4, 3, rng)), new int[] {4, 3}, 1, 1, tasks(3, rng), rng));
        assertEquals("PLE needs one expert builder and one gate input size per level, got 1 builders and 2 sizes",
                e.getMessage());
    }
}
