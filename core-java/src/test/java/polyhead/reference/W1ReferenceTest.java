package polyhead.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;
import polyhead.tensor.EjmlGemm;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Tensor;
import polyhead.tensor.VectorGemm;
import polyhead.testing.Fixtures;

/**
 * The W1 multi-task MLP of BENCHMARKS.md against PyTorch ({@code reference/generate_reference.py}): the same
 * weights and 16 Fashion-MNIST images give the same trunk output, logits, losses and gradients of
 * 1.0·CE(item) + 0.5·CE(group) with respect to every parameter and the input, to 1e-5 relative to the float64
 * reference ({@code |a − b| ≤ 1e-5·(|b| + max|b|)}) — with each GEMM implementation installed in turn, and the two
 * implementations agreeing with each other to the same tolerance.
 */
class W1ReferenceTest {
    static final double RTOL = 1e-5;
    private static Map<String, Object> fixture;

    static final class W1 extends Module {
        final Sequential trunk;
        final ModuleDict heads;

        W1() {
            Random rng = new Random(0); // overwritten by the fixture's weights
            trunk = registerModule("trunk", new Sequential(new Linear(784, 256, rng), Activation.relu(),
                    new Linear(256, 128, rng), Activation.relu()));
            Map<String, Module> h = new LinkedHashMap<>();
            h.put("item", new Linear(128, 10, rng));
            h.put("group", new Linear(128, 5, rng));
            heads = registerModule("heads", new ModuleDict(h));
        }

        @Override
        protected Var forward(Var x) {
            return trunk.call(x);
        }
    }

    static List<Gemm> gemms() {
        return List.of(new EjmlGemm(), new VectorGemm(1), new VectorGemm(2));
    }

    private static synchronized Map<String, Object> fixture() {
        if (fixture == null) {
            fixture = Fixtures.load("/reference/w1_mlp.json.gz");
        }
        return fixture;
    }

    /** Outputs, losses and gradients (named as in the fixture) of one forward and backward pass through {@code gemm}. */
    private static Map<String, Tensor> run(Gemm gemm) {
        Map<String, Object> fx = fixture();
        Gemm previous = Gemms.use(gemm);
        try {
            W1 model = new W1();
            Map<String, Tensor> state = new LinkedHashMap<>();
            Fixtures.object(fx.get("params"), "params").forEach((k, v) -> state.put(k, Fixtures.tensor(v)));
            model.loadStateDict(state);

            Var x = Var.parameter(Fixtures.tensor(Fixtures.get(fx, "inputs", "x")));
            Tensor item = Fixtures.tensor(Fixtures.get(fx, "inputs", "target_item"));
            Tensor group = Fixtures.tensor(Fixtures.get(fx, "inputs", "target_group"));
            Loss ce = Losses.crossEntropy();
            Var h = model.call(x);
            Var logitsItem = model.heads.get("item").call(h);
            Var logitsGroup = model.heads.get("group").call(h);
            Var lossItem = ce.apply(logitsItem, item);
            Var lossGroup = ce.apply(logitsGroup, group);
            Var loss = lossItem.add(lossGroup.mul(0.5f));
            loss.backward();

            Map<String, Tensor> r = new LinkedHashMap<>();
            r.put("trunk", h.value());
            r.put("logits_item", logitsItem.value());
            r.put("logits_group", logitsGroup.value());
            r.put("loss_item", lossItem.value());
            r.put("loss_group", lossGroup.value());
            r.put("loss", loss.value());
            model.namedParameters().forEach((name, p) -> r.put("grad " + name, p.grad()));
            r.put("grad x", x.grad());
            return r;
        } finally {
            Gemms.use(previous);
        }
    }

    @ParameterizedTest
    @MethodSource("gemms")
    void outputsLossesAndAllGradientsMatchPyTorch(Gemm gemm) {
        Map<String, Tensor> r = run(gemm);
        Map<String, Object> fx = fixture();
        Object out = Fixtures.get(fx, "float64", "outputs");
        for (String name : List.of("trunk", "logits_item", "logits_group", "loss_item", "loss_group", "loss")) {
            Fixtures.assertClose(gemm.name() + " " + name, r.get(name), Fixtures.get(out, name), RTOL);
        }
        Map<String, Object> grads = Fixtures.object(Fixtures.get(fx, "float64", "grads"), "grads");
        long gradients = r.keySet().stream().filter(k -> k.startsWith("grad ")).count();
        assertEquals(gradients, grads.size(), "every parameter and x have a reference gradient");
        r.forEach((name, t) -> {
            if (name.startsWith("grad ")) {
                Fixtures.assertClose(gemm.name() + " " + name, t, grads.get(name.substring(5)), RTOL);
            }
        });
    }

    @Test
    void ejmlAndVectorGemmAgree() {
        Map<String, Tensor> ejml = run(new EjmlGemm());
        Map<String, Tensor> vector = run(new VectorGemm(2));
        assertEquals(ejml.keySet(), vector.keySet());
        ejml.forEach((name, t) -> Fixtures.assertClose("vector vs ejml: " + name, vector.get(name), t, RTOL));
    }
}
