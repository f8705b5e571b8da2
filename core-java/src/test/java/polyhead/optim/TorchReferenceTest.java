package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static polyhead.optim.Transforms.chain;
import static polyhead.optim.Transforms.maximize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Polyhead's optimizers against {@code torch.optim} 1.13 ({@code reference/generate_optim_reference.py}): from the
 * same float32 parameters and the same 20 float32 gradients (one parameter has none in every third step), every
 * parameter after every step agrees with PyTorch's float64 trajectory to 1e-5 relative
 * ({@code |a − b| ≤ 1e-5·(|b| + max|b|)}). Lion is compared with the script's loop written from the paper. Also
 * gradient clipping against {@code clip_grad_norm_} / {@code clip_grad_value_}, and {@code reduceOnPlateau} against
 * {@code ReduceLROnPlateau}.
 */
class TorchReferenceTest {
    static final double RTOL = 1e-5;
    static final Map<String, Object> FX = Fixtures.load("/reference/optim_reference.json");

    static Stream<Arguments> cases() {
        return Fixtures.object(FX.get("trajectories"), "trajectories").keySet().stream().map(Arguments::of);
    }

    /** The Polyhead transformation for a fixture case, from torch's option names. */
    static GradientTransformation build(String optimizer, Map<String, Object> o) {
        double lr = num(o, "lr", Double.NaN);
        double[] betas = o.containsKey("betas") ? betas(o) : null;
        GradientTransformation t = switch (optimizer) {
            case "SGD" -> Optimizers.sgd(Optimizers.Sgd.lr(lr).momentum(num(o, "momentum", 0))
                    .dampening(num(o, "dampening", 0)).weightDecay(num(o, "weight_decay", 0))
                    .nesterov(bool(o, "nesterov")));
            case "Adagrad" -> Optimizers.adagrad(Optimizers.Adagrad.lr(lr).lrDecay(num(o, "lr_decay", 0))
                    .initialAccumulator(num(o, "initial_accumulator_value", 0))
                    .weightDecay(num(o, "weight_decay", 0)));
            case "RMSprop" -> {
                Optimizers.RmsProp s = Optimizers.RmsProp.lr(lr).momentum(num(o, "momentum", 0))
                        .centered(bool(o, "centered")).weightDecay(num(o, "weight_decay", 0));
                yield Optimizers.rmsprop(o.containsKey("alpha") ? s.alpha(num(o, "alpha", 0)) : s);
            }
            case "Adadelta" -> {
                Optimizers.Adadelta s = Optimizers.Adadelta.lr(lr).weightDecay(num(o, "weight_decay", 0));
                s = o.containsKey("rho") ? s.rho(num(o, "rho", 0)) : s;
                yield Optimizers.adadelta(o.containsKey("eps") ? s.eps(num(o, "eps", 0)) : s);
            }
            case "Adam" -> {
                Optimizers.Adam s = Optimizers.Adam.lr(lr).weightDecay(num(o, "weight_decay", 0))
                        .amsgrad(bool(o, "amsgrad"));
                yield Optimizers.adam(betas == null ? s : s.betas(betas[0], betas[1]));
            }
            case "AdamW" -> {
                Optimizers.AdamW s = Optimizers.AdamW.lr(lr).amsgrad(bool(o, "amsgrad"));
                s = o.containsKey("weight_decay") ? s.weightDecay(num(o, "weight_decay", 0)) : s;
                yield Optimizers.adamw(betas == null ? s : s.betas(betas[0], betas[1]));
            }
            case "Adamax" -> {
                Optimizers.Adamax s = Optimizers.Adamax.lr(lr).weightDecay(num(o, "weight_decay", 0));
                yield Optimizers.adamax(betas == null ? s : s.betas(betas[0], betas[1]));
            }
            case "NAdam" -> {
                Optimizers.NAdam s = Optimizers.NAdam.lr(lr).weightDecay(num(o, "weight_decay", 0));
                yield Optimizers.nadam(o.containsKey("momentum_decay") ? s.momentumDecay(num(o, "momentum_decay", 0))
                        : s);
            }
            case "RAdam" -> {
                Optimizers.RAdam s = Optimizers.RAdam.lr(lr).weightDecay(num(o, "weight_decay", 0));
                yield Optimizers.radam(betas == null ? s : s.betas(betas[0], betas[1]));
            }
            case "Lion" -> {
                Optimizers.Lion s = Optimizers.Lion.lr(lr).weightDecay(num(o, "weight_decay", 0));
                yield Optimizers.lion(betas == null ? s : s.betas(betas[0], betas[1]));
            }
            default -> throw new AssertionError("no Polyhead optimizer for " + optimizer);
        };
        return bool(o, "maximize") ? chain(maximize(), t) : t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trajectoryMatchesPyTorch(String name) {
        Map<String, Object> c = Fixtures.object(Fixtures.get(FX, "trajectories", name), name);
        Map<String, Var> params = params();
        Optimizer opt = Optimizer.create(build((String) c.get("optimizer"), Fixtures.object(c.get("options"), "options")),
                params);
        List<Object> expected = Fixtures.list(c.get("float64"), "float64");
        List<Object> grads = Fixtures.list(FX.get("grads"), "grads");
        assertEquals(20, expected.size());
        for (int k = 0; k < expected.size(); k++) {
            setGradients(params, Fixtures.object(grads.get(k), "grads"));
            opt.step();
            Map<String, Object> after = Fixtures.object(expected.get(k), "step");
            for (Map.Entry<String, Var> p : params.entrySet()) {
                Fixtures.assertClose(name + " step " + (k + 1) + " " + p.getKey(), p.getValue().value(),
                        after.get(p.getKey()), RTOL);
            }
        }
    }

    @Test
    void everyOptimizerAndMainOptionIsCovered() {
        List<String> names = new ArrayList<>(Fixtures.object(FX.get("trajectories"), "t").keySet());
        for (String required : List.of("sgd", "sgd_momentum", "sgd_dampening", "sgd_nesterov", "sgd_weight_decay",
                "sgd_maximize", "adagrad", "adagrad_options", "rmsprop", "rmsprop_momentum", "rmsprop_centered",
                "adadelta", "adam", "adam_amsgrad", "adam_weight_decay", "adamw", "adamax", "nadam", "radam",
                "lion", "lion_weight_decay")) {
            assertTrue(names.contains(required), "fixture lacks case " + required);
        }
    }

    @Test
    void parameterWithoutGradientIsSkippedAsInPyTorch() {
        // the fixture's "h" has no gradient in steps 1, 4, 7, ...: it must not move in those steps
        Map<String, Var> params = params();
        Optimizer opt = Optimizer.create(Optimizers.adamw(0.05, 0.1), params);
        List<Object> grads = Fixtures.list(FX.get("grads"), "grads");
        for (int k = 0; k < 5; k++) {
            Map<String, Object> g = Fixtures.object(grads.get(k), "grads");
            float[] before = params.get("h").value().data().clone();
            setGradients(params, g);
            opt.step();
            boolean moved = !java.util.Arrays.equals(before, params.get("h").value().data());
            assertEquals(g.containsKey("h"), moved, "step " + (k + 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clippingCases")
    void clippingMatchesPyTorch(String name) {
        Map<String, Object> c = Fixtures.object(Fixtures.get(FX, "clipping", name), name);
        double max = Fixtures.number(c.get("max"), "max");
        GradientTransformation clip = switch ((String) c.get("kind")) {
            case "norm" -> Transforms.clipByGlobalNorm(max);
            case "norm_per_param" -> Transforms.clipByNorm(max);
            case "value" -> Transforms.clipByValue(max);
            default -> throw new AssertionError(c.get("kind"));
        };
        Map<String, Var> params = params();
        Params p = Optimizer.create(clip, params).params();
        Updates u = new Updates(p);
        Map<String, Object> g0 = Fixtures.object(Fixtures.list(FX.get("grads"), "grads").get(0), "grads");
        for (int i = 0; i < p.count(); i++) {
            u.setGradient(i, Fixtures.tensor(g0.get(p.name(i))));
        }
        clip.update(u, clip.init(p), p, StepContext.at(0));
        Map<String, Object> expected = Fixtures.object(c.get("float64"), "float64");
        for (int i = 0; i < p.count(); i++) {
            Fixtures.assertClose(name + " " + p.name(i), u.copyOf(i), expected.get(p.name(i)), RTOL);
        }
    }

    static Stream<Arguments> clippingCases() {
        return Fixtures.object(FX.get("clipping"), "clipping").keySet().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plateauCases")
    void reduceOnPlateauMatchesPyTorch(String name) {
        Map<String, Object> c = Fixtures.object(Fixtures.get(FX, "plateau", name), name);
        Map<String, Object> o = Fixtures.object(c.get("options"), "options");
        double lr = Fixtures.number(c.get("lr"), "lr");
        Plateau settings = ("max".equals(o.get("mode")) ? Plateau.max(lr) : Plateau.min(lr))
                .factor(num(o, "factor", 0.1)).patience((int) num(o, "patience", 10))
                .threshold(num(o, "threshold", 1e-4), "abs".equals(o.get("threshold_mode"))
                        ? Plateau.ThresholdMode.ABS : Plateau.ThresholdMode.REL)
                .cooldown((int) num(o, "cooldown", 0)).minLr(num(o, "min_lr", 0));
        Var p = Var.parameter(Tensor.zeros(2));
        Optimizer opt = Optimizer.create(chain(Optimizers.sgd(lr), Transforms.reduceOnPlateau(settings)),
                Map.of("p", p));
        List<Object> metrics = Fixtures.list(c.get("metrics"), "metrics");
        List<Object> lrs = Fixtures.list(c.get("lrs"), "lrs");
        for (int k = 0; k < metrics.size(); k++) {
            opt.context().recordMetric(Fixtures.number(metrics.get(k), "metric"));
            float before = p.value().data()[0];
            p.zeroGrad();
            p.addGrad(Tensor.ones(2));
            opt.step();
            double expected = Fixtures.number(lrs.get(k), "lr");
            assertEquals(expected, opt.learningRate(), 1e-12 * expected, name + " after evaluation " + (k + 1));
            // and the step used it: p moved by -lr·1
            assertEquals(-expected, p.value().data()[0] - before, 1e-6 * expected + Math.ulp(before) * 2,
                    name + " step " + (k + 1));
        }
    }

    static Stream<Arguments> plateauCases() {
        return Fixtures.object(FX.get("plateau"), "plateau").keySet().stream().map(Arguments::of);
    }

    /** Each settings record's defaults are PyTorch's ({@code optimizer.defaults}, recorded by the generator). */
    @Test
    void defaultsArePyTorchs() {
        Map<String, Map<String, Object>> polyhead = new LinkedHashMap<>();
        Optimizers.Sgd sgd = Optimizers.Sgd.lr(0.1);
        polyhead.put("SGD", Map.of("momentum", sgd.momentum(), "dampening", sgd.dampening(),
                "weight_decay", sgd.weightDecay(), "nesterov", sgd.nesterov()));
        Optimizers.Adagrad ag = Optimizers.Adagrad.defaults();
        polyhead.put("Adagrad", Map.of("lr", ag.lr().valueAt(0), "lr_decay", ag.lrDecay(), "eps", ag.eps(),
                "weight_decay", ag.weightDecay(), "initial_accumulator_value", ag.initialAccumulator()));
        Optimizers.RmsProp rp = Optimizers.RmsProp.defaults();
        polyhead.put("RMSprop", Map.of("lr", rp.lr().valueAt(0), "momentum", rp.momentum(), "alpha", rp.alpha(),
                "eps", rp.eps(), "centered", rp.centered(), "weight_decay", rp.weightDecay()));
        Optimizers.Adadelta ad = Optimizers.Adadelta.defaults();
        polyhead.put("Adadelta", Map.of("lr", ad.lr().valueAt(0), "rho", ad.rho(), "eps", ad.eps(),
                "weight_decay", ad.weightDecay()));
        Optimizers.Adam a = Optimizers.Adam.defaults();
        polyhead.put("Adam", Map.of("lr", a.lr().valueAt(0), "betas", List.of(a.beta1(), a.beta2()), "eps", a.eps(),
                "weight_decay", a.weightDecay(), "amsgrad", a.amsgrad()));
        Optimizers.AdamW w = Optimizers.AdamW.defaults();
        polyhead.put("AdamW", Map.of("lr", w.lr().valueAt(0), "betas", List.of(w.beta1(), w.beta2()), "eps", w.eps(),
                "weight_decay", w.weightDecay(), "amsgrad", w.amsgrad()));
        Optimizers.Adamax x = Optimizers.Adamax.defaults();
        polyhead.put("Adamax", Map.of("lr", x.lr().valueAt(0), "betas", List.of(x.beta1(), x.beta2()), "eps", x.eps(),
                "weight_decay", x.weightDecay()));
        Optimizers.NAdam na = Optimizers.NAdam.defaults();
        polyhead.put("NAdam", Map.of("lr", na.lr().valueAt(0), "betas", List.of(na.beta1(), na.beta2()),
                "eps", na.eps(), "weight_decay", na.weightDecay(), "momentum_decay", na.momentumDecay()));
        Optimizers.RAdam ra = Optimizers.RAdam.defaults();
        polyhead.put("RAdam", Map.of("lr", ra.lr().valueAt(0), "betas", List.of(ra.beta1(), ra.beta2()),
                "eps", ra.eps(), "weight_decay", ra.weightDecay()));

        Map<String, Object> torch = Fixtures.object(FX.get("defaults"), "defaults");
        assertEquals(torch.keySet(), polyhead.keySet());
        for (String cls : torch.keySet()) {
            Map<String, Object> expected = Fixtures.object(torch.get(cls), cls);
            assertEquals(expected.keySet(), polyhead.get(cls).keySet(), cls);
            expected.forEach((k, v) -> assertEquals(v, polyhead.get(cls).get(k), cls + "." + k));
        }
    }

    // ----- fixture helpers -----

    static Map<String, Var> params() {
        Map<String, Var> out = new LinkedHashMap<>();
        Fixtures.object(FX.get("params"), "params").forEach((n, t) -> out.put(n, Var.parameter(Fixtures.tensor(t))));
        return out;
    }

    static void setGradients(Map<String, Var> params, Map<String, Object> grads) {
        for (Map.Entry<String, Var> p : params.entrySet()) {
            p.getValue().zeroGrad();
            Object g = grads.get(p.getKey());
            if (g != null) {
                p.getValue().addGrad(Fixtures.tensor(g));
            }
        }
    }

    static double num(Map<String, Object> o, String key, double otherwise) {
        return o.containsKey(key) ? Fixtures.number(o.get(key), key) : otherwise;
    }

    static boolean bool(Map<String, Object> o, String key) {
        return Boolean.TRUE.equals(o.get(key));
    }

    static double[] betas(Map<String, Object> o) {
        List<Object> b = Fixtures.list(o.get("betas"), "betas");
        return new double[] {Fixtures.number(b.get(0), "beta1"), Fixtures.number(b.get(1), "beta2")};
    }
}
