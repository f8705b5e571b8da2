package polyhead.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.loss.Losses;
import polyhead.nn.Activation;
import polyhead.nn.AvgPool2d;
import polyhead.nn.BatchNorm;
import polyhead.nn.Conv2d;
import polyhead.nn.Flatten;
import polyhead.nn.Linear;
import polyhead.nn.MaxPool2d;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * A small conv net (conv, batch norm in training mode, ReLU, max pool, conv, ReLU, avg pool, flatten, linear,
 * cross-entropy) against PyTorch: every stage's output, the loss, the gradients of every parameter and of the input,
 * the batch-norm running statistics after the step, and the logits in evaluation mode, to 1e-5 relative to the
 * float64 reference.
 */
class ConvNetReferenceTest {
    static final double RTOL = 1e-5;

    static final class Net extends Module {
        final Sequential features;
        final Linear classifier;

        Net(int stride2, int padding2, int flat) {
            Random rng = new Random(0); // overwritten by the fixture's weights
            features = registerModule("features", new Sequential(new Conv2d(1, 4, 3, 1, 1, true, rng),
                    BatchNorm.twoD(4), Activation.relu(), new MaxPool2d(2), new Conv2d(4, 6, 3, stride2, padding2, true, rng),
                    Activation.relu(), new AvgPool2d(2), new Flatten()));
            classifier = registerModule("classifier", new Linear(flat, 10, rng));
        }

        @Override
        protected Var forward(Var x) {
            return classifier.call(features.call(x));
        }
    }

    @ParameterizedTest
    @CsvSource({"small_convnet.json, 1, 0, 24", "small_convnet_stride2.json, 2, 1, 6"})
    void matchesPyTorch(String file, int stride2, int padding2, int flat) {
        Map<String, Object> fx = Fixtures.load("/reference/" + file);
        Net net = new Net(stride2, padding2, flat);
        Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
        Fixtures.object(fx.get("params"), "params").forEach((k, v) -> state.put(k, Fixtures.tensor(v)));
        net.loadStateDict(state);

        Var x = Var.parameter(Fixtures.tensor(Fixtures.get(fx, "inputs", "x")));
        Tensor target = Fixtures.tensor(Fixtures.get(fx, "inputs", "target"));
        Object out = Fixtures.get(fx, "float64", "outputs");
        Var h = x;
        for (int i = 0; i < net.features.size(); i++) {
            h = net.features.get(i).call(h);
            Fixtures.assertClose("features." + i, h.value(), Fixtures.get(out, "features." + i), RTOL);
        }
        Var logits = net.classifier.call(h);
        Var loss = Losses.crossEntropy().apply(logits, target);
        Fixtures.assertClose("logits", logits.value(), Fixtures.get(out, "logits"), RTOL);
        Fixtures.assertClose("loss", loss.value(), Fixtures.get(out, "loss"), RTOL);

        loss.backward();
        Map<String, Object> grads = Fixtures.object(Fixtures.get(fx, "float64", "grads"), "grads");
        Map<String, Var> params = net.namedParameters();
        assertEquals(params.size() + 1, grads.size());
        params.forEach((name, p) -> {
            if (name.equals("features.0.bias")) {
                // Batch norm subtracts each channel's mean, so the bias of the conv before it has no effect: its
                // gradient is exactly 0 (the reference has |b| < 1e-16) and ours is float32 cancellation noise,
                // bounded here by 1e-5 of the conv weight gradient's scale.
                assertEquals(0.0, p.grad().maxAbs(), 1e-5 * params.get("features.0.weight").grad().maxAbs(), name);
                assertEquals(0.0, Fixtures.tensor(grads.get(name)).maxAbs(), 1e-15, name);
            } else {
                Fixtures.assertClose("grad " + name, p.grad(), grads.get(name), RTOL);
            }
        });
        Fixtures.assertClose("grad x", x.grad(), grads.get("x"), RTOL);

        Object buffers = Fixtures.get(fx, "float64", "buffers");
        Fixtures.assertClose("running_mean", net.stateDict().get("features.1.running_mean"),
                Fixtures.get(buffers, "features.1.running_mean"), RTOL);
        Fixtures.assertClose("running_var", net.stateDict().get("features.1.running_var"),
                Fixtures.get(buffers, "features.1.running_var"), RTOL);

        net.eval();
        try (var scope = GradMode.noGrad()) {
            Fixtures.assertClose("logits_eval", net.call(Var.constant(x.value())).value(), Fixtures.get(out, "logits_eval"), RTOL);
        }
    }
}
