package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;

class ArchitecturesTest {
    static Task task(String name, int in, int out, Random rng) {
        return Task.builder(name).head(new Linear(in, out, rng)).loss(Losses.crossEntropy()).build();
    }

    static List<Task> twoTasks(int in, Random rng) {
        return List.of(task("a", in, 3, rng), task("b", in, 2, rng));
    }

    @Test
    void hardSharingSplitsSharedAndTaskParameters() {
        Random rng = new Random(0);
        HardSharing h = new HardSharing(new Sequential(new Linear(4, 5, rng), Activation.relu()), twoTasks(5, rng));
        assertEquals(List.of("trunk.0.weight", "trunk.0.bias"), List.copyOf(h.sharedParameters().keySet()));
        assertEquals(List.of("heads.a.weight", "heads.a.bias"), List.copyOf(h.taskParameters().get("a").keySet()));
        assertTrue(h.namedParameters().keySet().containsAll(h.taskParameters().get("b").keySet()));
        Var x = Var.constant(Tensor.randn(1, 6, 4));
        Map<String, Var> out = h.outputs(x);
        assertEquals(polyhead.tensor.Shape.of(6, 3), out.get("a").shape());
        assertEquals(polyhead.tensor.Shape.of(6, 2), out.get("b").shape());
        assertArrayEquals(out.get("b").value().data(), h.decode(x, h.encode(x), List.of("b")).get("b").value().data());
        assertEquals(List.of("b"), List.copyOf(h.outputs(x, List.of("b")).keySet()));
        assertTrue(h.summary(4).contains("heads.b (Linear)"), h.summary(4));
    }

    @Test
    void duplicateTaskNamesAreRejected() {
        Random rng = new Random(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HardSharing(new Linear(2, 2, rng), List.of(task("a", 2, 2, rng), task("a", 2, 2, rng))));
        assertEquals("task 'a' is declared twice", e.getMessage());
    }

    @Test
    void softSharingPenaltyIsTheSquaredDistanceBetweenTowers() {
        Random rng = new Random(0);
        SoftSharing s = new SoftSharing(() -> new Linear(2, 1, false, rng), twoTasks(1, rng), 0.5);
        assertTrue(s.sharedParameters().isEmpty());
        Var wa = s.taskParameters().get("a").get("towers.a.0.weight");
        Var wb = s.taskParameters().get("b").get("towers.b.0.weight");
        wa.value().copyFrom(Tensor.of(new float[] {1, 2}, 1, 2));
        wb.value().copyFrom(Tensor.of(new float[] {4, -2}, 1, 2));
        Var reg = s.regularization();
        assertEquals(0.5f * (9 + 16), reg.value().item(), 1e-6f);
        reg.backward();
        // d/dwa = 2λ(wa − wb) = (−3, 4)
        assertArrayEquals(new float[] {-3, 4}, wa.grad().data(), 1e-6f);
        assertArrayEquals(new float[] {3, -4}, wb.grad().data(), 1e-6f);
        assertNull(new SoftSharing(() -> new Linear(2, 1, rng), twoTasks(1, rng), 0).regularization());
    }

    @Test
    void softSharingRejectsTowersOfDifferentStructure() {
        Random rng = new Random(0);
        int[] calls = {0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SoftSharing(
                () -> new Linear(2, ++calls[0], rng), twoTasks(1, rng), 0.1));
        assertTrue(e.getMessage().contains("tower of task 'b'"), e.getMessage());
    }

    @Test
    void crossStitchMixesTaskActivationsWithItsUnits() {
        Random rng = new Random(0);
        List<java.util.function.Supplier<? extends polyhead.nn.Module>> stages = List.of(
                () -> new Linear(2, 2, false, rng), () -> new Linear(2, 2, false, rng));
        CrossStitch c = new CrossStitch(stages, twoTasks(2, rng));
        // the first stage of each tower feeds the unit, so every task: shared; the last stage is the task's own
        assertEquals(List.of("towers.a.0.weight", "towers.b.0.weight", "stitches.0.alpha"),
                List.copyOf(c.sharedParameters().keySet()));
        assertEquals(List.of("towers.a.1.weight", "heads.a.weight", "heads.a.bias"),
                List.copyOf(c.taskParameters().get("a").keySet()));
        ArchitectureContract.assertPartition(c);
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(c, Tensor.randn(2, 3, 2));
        Var alpha = c.sharedParameters().get("stitches.0.alpha");
        assertArrayEquals(new float[] {0.9f, 0.1f, 0.1f, 0.9f}, alpha.value().data());
        // with α = I the towers are independent: task a's output must not depend on task b's first stage
        alpha.value().copyFrom(Tensor.of(new float[] {1, 0, 0, 1}, 2, 2));
        Var x = Var.constant(Tensor.randn(3, 4, 2));
        float[] before = c.outputs(x).get("a").value().data();
        c.sharedParameters().get("towers.b.0.weight").value().fill(7f);
        assertArrayEquals(before, c.outputs(x).get("a").value().data());
        // with α mixing, it does
        alpha.value().copyFrom(Tensor.of(new float[] {0.5f, 0.5f, 0, 1}, 2, 2));
        float[] mixed = c.outputs(x).get("a").value().data();
        assertTrue(Math.abs(mixed[0] - before[0]) > 1e-4);
        // gradients through the whole network: with respect to the input by GradCheck, and to an off-diagonal α
        // (task a reading task b) by a central difference
        GradCheck.assertGradients(v -> c.outputs(v[0]).get("a"), x.value());
        c.zeroGrad();
        c.outputs(x).get("a").sum().backward();
        float analytic = alpha.grad().get(0, 1);
        float[] a = alpha.value().data();
        a[1] += 0.01f;
        double plus = c.outputs(x).get("a").sum().value().item();
        a[1] -= 0.02f;
        double minus = c.outputs(x).get("a").sum().value().item();
        a[1] += 0.01f;
        assertEquals((plus - minus) / 0.02, analytic, 1e-3 * (1 + Math.abs(analytic)));
        assertTrue(Math.abs(analytic) > 1e-3, "task a's output depends on α_ab");
    }

    @Test
    void mmoeMixesExpertsWithPerTaskSoftmaxGates() {
        Random rng = new Random(0);
        Mmoe m = Mmoe.onePerTask(() -> new Linear(3, 2, rng), 2, 3, twoTasks(2, rng), rng);
        assertEquals("MMoE", m.typeName());
        assertTrue(m.sharedParameters().keySet().containsAll(List.of("experts.0.weight", "experts.1.bias")));
        assertTrue(m.taskParameters().get("a").containsKey("gates.a.weight"));
        Var x = Var.constant(Tensor.randn(4, 5, 3));
        Var outA = m.outputs(x).get("a");
        // by hand: f = Σ_k softmax(W_a x)_k E_k(x), then the head
        Linear gate = (Linear) m.children().get("gates").children().get("a");
        Var g = gate.call(x).softmax(1);
        Var e0 = m.children().get("experts").children().get("0").call(x);
        Var e1 = m.children().get("experts").children().get("1").call(x);
        Var f = e0.mul(g.slice(1, 0, 1)).add(e1.mul(g.slice(1, 1, 2)));
        Var expected = m.children().get("heads").children().get("a").call(f);
        assertArrayEquals(expected.value().data(), outA.value().data(), 1e-6f);

        Mmoe o = Mmoe.oneGate(() -> new Linear(3, 2, rng), 2, 3, twoTasks(2, rng), rng);
        assertEquals("OMoE", o.typeName());
        assertTrue(o.sharedParameters().containsKey("gate.weight"));
        assertTrue(o.summary(3).contains("experts.1 (Linear)"));
    }

    @Test
    void everyArchitectureKeepsATasksOwnParametersToThatTask() {
        Random rng = new Random(3);
        java.util.function.Supplier<polyhead.nn.Module> tower = () -> new Sequential(new Linear(4, 3, rng), Activation.tanh());
        Tensor x = Tensor.randn(4, 5, 4);
        for (Architecture a : List.of(new HardSharing(tower.get(), twoTasks(3, rng)),
                new SoftSharing(tower, twoTasks(3, rng), 0.1),
                new CrossStitch(List.of(tower, () -> new Linear(3, 3, rng), () -> new Linear(3, 3, rng)), twoTasks(3, rng)),
                Mmoe.onePerTask(tower, 2, 4, twoTasks(3, rng), rng), Mmoe.oneGate(tower, 2, 4, twoTasks(3, rng), rng))) {
            ArchitectureContract.assertPartition(a);
            ArchitectureContract.assertOwnParametersReachOnlyTheirTask(a, x);
            ArchitectureContract.assertGradients(a, x);
        }
    }

    @Test
    void towersAndExpertsMayReadASharedTrunk() {
        Random rng = new Random(0);
        java.util.function.Supplier<polyhead.nn.Module> tower = () -> new Sequential(new Linear(3, 2, rng), Activation.tanh());
        List<Architecture> archs = List.of(
                new SoftSharing(new Sequential(new Linear(4, 3, rng), Activation.tanh()), tower, twoTasks(2, rng), 0.1),
                new CrossStitch(new Sequential(new Linear(4, 3, rng), Activation.tanh()),
                        List.of(tower, () -> new Linear(2, 2, rng)), twoTasks(2, rng)),
                Mmoe.withTrunk(new Sequential(new Linear(4, 3, rng), Activation.tanh()), tower, 2, 4, twoTasks(2, rng),
                        true, rng));
        Tensor x = Tensor.randn(1, 5, 4);
        for (Architecture a : archs) {
            assertEquals("trunk.0.weight", a.namedParameters().keySet().iterator().next(), a.typeName());
            assertTrue(a.sharedParameters().containsKey("trunk.0.bias"), a.typeName());
            ArchitectureContract.assertPartition(a);
            ArchitectureContract.assertOwnParametersReachOnlyTheirTask(a, x);
            ArchitectureContract.assertGradients(a, x);
        }
        // MMoE's gates read the model's input, its experts the trunk's output
        Mmoe m = (Mmoe) archs.get(2);
        Var in = Var.constant(x);
        Var t = m.children().get("trunk").call(in);
        Var g = m.children().get("gates").children().get("a").call(in).softmax(1);
        Var f = m.children().get("experts").children().get("0").call(t).mul(g.slice(1, 0, 1))
                .add(m.children().get("experts").children().get("1").call(t).mul(g.slice(1, 1, 2)));
        assertArrayEquals(m.children().get("heads").children().get("a").call(f).value().data(),
                m.outputs(in).get("a").value().data(), 1e-6f);
    }
}
