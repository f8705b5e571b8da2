package polyhead.mtl.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Flatten;
import polyhead.nn.Linear;
import polyhead.nn.MaxPool2d;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** MTAN (Liu et al., 2019): the attention masks by hand, gradients, what is shared, feature maps. */
class MtanTest {
    private static List<Task> tasks(int in, Random rng) {
        return List.of(Task.builder("a").head(new Linear(in, 3, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(in, 2, rng)).loss(Losses.crossEntropy()).build());
    }

    private static Mtan dense(Random rng) {
        List<Sequential> blocks = List.of(new Sequential(new Linear(4, 5, rng), Activation.tanh()),
                new Sequential(new Linear(5, 3, rng), Activation.tanh()));
        return new Mtan(blocks, List.of(new int[] {5}, new int[] {3}), tasks(3, rng), rng);
    }

    private static Module child(Module m, String dotted) {
        for (String part : dotted.split("\\.")) {
            m = m.children().get(part);
        }
        return m;
    }

    @Test
    void eachTaskMasksEveryBlocksOutputWithItsAttention() {
        Random rng = new Random(1);
        Mtan m = dense(rng);
        assertEquals("MTAN", m.typeName());
        assertEquals(2, m.blockCount());
        assertFalse(m.hasSharedRepresentation());
        Var x = Var.constant(Tensor.randn(2, 6, 4));
        // block 0: u = W0 x + b0 (before the tanh), p = tanh(u); a = g_a0(u); â = a ⊙ p
        Var u0 = child(m, "blocks.0.0").call(x);
        Var p0 = u0.tanh();
        Var a0 = child(m, "attention.a.0").call(u0).mul(p0);
        // block 1: u = W1 p0 + b1, p = tanh(u); the mask reads [u; f(â0)], f = block 1's linear layer
        Var u1 = child(m, "blocks.1.0").call(p0);
        Var f = child(m, "blocks.1.0").call(a0);
        Var a1 = child(m, "attention.a.1").call(Shaping.concat(1, u1, f)).mul(u1.tanh());
        assertArrayEquals(child(m, "heads.a").call(a1).value().data(), m.outputs(x).get("a").value().data(), 1e-6f);
        assertEquals(List.of("b"), List.copyOf(m.outputs(x, List.of("b")).keySet()));
    }

    @Test
    void gradientsAndOwnership() {
        Random rng = new Random(2);
        Mtan m = dense(rng);
        Tensor x = Tensor.randn(3, 4, 4);
        ArchitectureContract.assertPartition(m);
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(m, x);
        ArchitectureContract.assertGradients(m, x);
        assertTrue(m.sharedParameters().keySet().stream().allMatch(k -> k.startsWith("blocks.")));
        assertTrue(m.taskParameters().get("b").containsKey("attention.b.1.0.weight"));
    }

    @Test
    void featureMapsAreAttendedWithOneByOneConvolutions() {
        Random rng = new Random(3);
        List<Sequential> blocks = List.of(new Sequential(new Conv2d(1, 2, 3, 1, 1, true, rng), Activation.relu()),
                new Sequential(new MaxPool2d(2, 2, 0), new Conv2d(2, 3, 3, 1, 1, true, rng), Activation.tanh()));
        List<Task> ts = List.of(
                Task.builder("a").head(new Sequential(new Flatten(), new Linear(12, 3, rng))).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Sequential(new Flatten(), new Linear(12, 2, rng))).loss(Losses.crossEntropy()).build());
        Mtan m = new Mtan(blocks, List.of(new int[] {2, 4, 4}, new int[] {3, 2, 2}), ts, rng);
        Tensor x = Tensor.randn(4, 2, 1, 4, 4);
        Map<String, Var> out = m.outputs(Var.constant(x));
        assertEquals(Shape.of(2, 3), out.get("a").shape());
        assertTrue(m.namedParameters().containsKey("attention.a.1.0.weight"));
        assertEquals(Shape.of(3, 6, 1, 1), m.namedParameters().get("attention.a.1.0.weight").shape());
        ArchitectureContract.assertOwnParametersReachOnlyTheirTask(m, x);
        ArchitectureContract.assertGradients(m, x);
    }

    @Test
    void aBlockWhoseLastLayerChangesTheShapeIsRefused() {
        Random rng = new Random(4);
        Mtan m = new Mtan(List.of(new Sequential(new Linear(4, 5, rng), new Linear(5, 3, rng))),
                List.of(new int[] {3}), tasks(3, rng), rng);
        ShapeException e = assertThrows(ShapeException.class, () -> m.outputs(Var.constant(Tensor.randn(5, 2, 4))));
        assertTrue(e.getMessage().contains("block 0's last layer changes the shape from [2, 5] to [2, 3]"), e.getMessage());
    }
}
