package polyhead.reference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * The W1 multi-task MLP of BENCHMARKS.md against PyTorch ({@code reference/generate_reference.py}): the same
 * weights and 16 Fashion-MNIST images give the same trunk output, logits, losses and gradients of
 * 1.0·CE(item) + 0.5·CE(group) with respect to every parameter and the input, to 1e-5 relative to the float64
 * reference ({@code |a − b| ≤ 1e-5·(|b| + max|b|)}).
 */
class W1ReferenceTest {
    static final double RTOL = 1e-5;

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

    @Test
    void outputsLossesAndAllGradientsMatchPyTorch() {
        Map<String, Object> fx = Fixtures.load("/reference/w1_mlp.json.gz");
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

        Object out = Fixtures.get(fx, "float64", "outputs");
        Fixtures.assertClose("trunk", h.value(), Fixtures.get(out, "trunk"), RTOL);
        Fixtures.assertClose("logits_item", logitsItem.value(), Fixtures.get(out, "logits_item"), RTOL);
        Fixtures.assertClose("logits_group", logitsGroup.value(), Fixtures.get(out, "logits_group"), RTOL);
        Fixtures.assertClose("loss_item", lossItem.value(), Fixtures.get(out, "loss_item"), RTOL);
        Fixtures.assertClose("loss_group", lossGroup.value(), Fixtures.get(out, "loss_group"), RTOL);
        Fixtures.assertClose("loss", loss.value(), Fixtures.get(out, "loss"), RTOL);

        Map<String, Object> grads = Fixtures.object(Fixtures.get(fx, "float64", "grads"), "grads");
        Map<String, Var> params = model.namedParameters();
        org.junit.jupiter.api.Assertions.assertEquals(params.size() + 1, grads.size(), "every parameter and x have a reference gradient");
        params.forEach((name, p) -> Fixtures.assertClose("grad " + name, p.grad(), grads.get(name), RTOL));
        Fixtures.assertClose("grad x", x.grad(), grads.get("x"), RTOL);
    }
}
