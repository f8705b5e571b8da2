package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class ModuleTest {
    static final class TwoHeads extends Module {
        final Sequential trunk;
        final ModuleDict heads;

        TwoHeads(Random rng) {
            trunk = registerModule("trunk", new Sequential(new Linear(4, 3, rng), Activation.relu(), new Linear(3, 3, rng)));
            Map<String, Module> h = new LinkedHashMap<>();
            h.put("item", new Linear(3, 2, rng));
            h.put("price", new Linear(3, 1, false, rng));
            heads = registerModule("heads", new ModuleDict(h));
        }

        @Override
        protected Var forward(Var x) {
            return heads.get("item").call(trunk.call(x));
        }
    }

    @Test
    void parametersAreNamedByDottedPaths() {
        TwoHeads m = new TwoHeads(new Random(0));
        assertEquals(List.of("trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias",
                "heads.item.weight", "heads.item.bias", "heads.price.weight"), List.copyOf(m.namedParameters().keySet()));
        assertEquals("trunk.2", m.trunk.get(2).path());
        assertEquals(4 * 3 + 3 + 3 * 3 + 3 + 3 * 2 + 2 + 3, m.parameterCount());
    }

    @Test
    void pathsFollowWhenAModuleIsRegisteredDeeper() {
        Sequential inner = new Sequential(new Linear(2, 2, new Random(0)));
        Sequential outer = new Sequential(new Sequential(inner));
        assertEquals("0.0.0", inner.get(0).path());
        assertTrue(outer.namedParameters().containsKey("0.0.0.weight"));
    }

    @Test
    void stateDictRoundTripsAndIsStrict() {
        TwoHeads a = new TwoHeads(new Random(1));
        TwoHeads b = new TwoHeads(new Random(2));
        Map<String, Tensor> copy = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> copy.put(k, v.copy()));
        b.loadStateDict(copy);
        for (String k : copy.keySet()) {
            assertArrayEquals(a.stateDict().get(k).data(), b.stateDict().get(k).data(), k);
        }
        copy.put("trunk.0.weight", Tensor.zeros(5, 4));
        ShapeException e = assertThrows(ShapeException.class, () -> b.loadStateDict(copy));
        assertEquals("state dict: trunk.0.weight has shape [5, 4] but the model expects [3, 4]", e.getMessage());
        copy.remove("trunk.0.weight");
        copy.put("extra", Tensor.zeros(1));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(copy));
        assertTrue(e2.getMessage().contains("missing [trunk.0.weight]") && e2.getMessage().contains("unexpected [extra]"),
                e2.getMessage());
    }

    @Test
    void shapeErrorsNameBothShapesAndTheLayerPath() {
        TwoHeads m = new TwoHeads(new Random(0));
        ShapeException e = assertThrows(ShapeException.class, () -> m.call(Var.constant(Tensor.zeros(8, 5))));
        assertEquals("trunk.0", e.modulePath());
        assertTrue(e.getMessage().startsWith("in trunk.0 (Linear): "), e.getMessage());
        assertTrue(e.getMessage().contains("[8, 5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        TwoHeads m = new TwoHeads(new Random(0));
        m.eval();
        assertFalse(m.trunk.get(0).isTraining());
        assertFalse(m.heads.get("price").isTraining());
        m.train(true);
        assertTrue(m.heads.get("price").isTraining());
    }

    @Test
    void duplicateOrDottedNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("w", Tensor.zeros(1));
                registerParameter("w", Tensor.zeros(1));
            }

            @Override
            protected Var forward(Var x) {
                return x;
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new ModuleDict(Map.of("a.b", Activation.relu())));
    }

    @Test
    void summaryListsLayersShapesAndCounts() {
        Sequential net = new Sequential(new Conv2d(1, 4, 3, 1, 1, true, new Random(0)), Activation.relu(),
                new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 10, new Random(0)));
        String s = net.summary(1, 8, 8);
        String[] lines = s.split("\n");
        assertTrue(lines[2].matches("0 \\(Conv2d\\)\\s+\\[N, 4, 8, 8\\]\\s+40"), lines[2]);
        assertTrue(lines[4].matches("2 \\(MaxPool2d\\)\\s+\\[N, 4, 4, 4\\]\\s+0"), lines[4]);
        assertTrue(lines[6].matches("4 \\(Linear\\)\\s+\\[N, 10\\]\\s+650"), lines[6]);
        assertTrue(s.contains("Total params: 690"), s);
        assertTrue(net.isTraining(), "summary restores the mode");
    }
}
