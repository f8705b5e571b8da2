package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.optim.Optimizers.Adam;
import polyhead.optim.Optimizers.AdamW;
import polyhead.optim.Optimizers.RmsProp;
import polyhead.optim.Optimizers.Sgd;
import polyhead.optim.schedule.Schedules;
import polyhead.tensor.Tensor;

/** The catalogue is the settings records read generically: the same defaults, settings, checks and chains. */
class OptimizerCatalogueTest {

    @Test
    void listsEverySettingsRecordOnceByItsName() {
        List<Class<?>> records = Arrays.asList(OptimizerSettings.class.getPermittedSubclasses());
        assertEquals(records, OptimizerCatalogue.entries().stream().map(e -> (Class<?>) e.type()).toList());
        assertEquals(List.of("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam", "radam", "lion"),
                OptimizerCatalogue.entries().stream().map(OptimizerCatalogue.Entry::name).toList());
        assertEquals("adamw", OptimizerCatalogue.entry(AdamW.defaults()).name());
    }

    @Test
    void defaultsAreTheRecordsInTheirOrder() {
        Map<String, Object> adam = new LinkedHashMap<>();
        adam.put("lr", 1e-3);
        adam.put("beta1", 0.9);
        adam.put("beta2", 0.999);
        adam.put("eps", 1e-8);
        adam.put("weightDecay", 0.0);
        adam.put("amsgrad", false);
        assertEquals(adam, OptimizerCatalogue.entry("adam").defaults());
        assertEquals(List.copyOf(adam.keySet()), List.copyOf(OptimizerCatalogue.entry("adam").defaults().keySet()));
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad"), OptimizerCatalogue.entry("adam").fields());
        assertEquals(1e-2, OptimizerCatalogue.entry("adamw").defaults().get("weightDecay"));

        // PyTorch's SGD has no default learning rate
        assertFalse(OptimizerCatalogue.entry("sgd").hasDefaultLr());
        assertEquals(Map.of("momentum", 0.0, "dampening", 0.0, "weightDecay", 0.0, "nesterov", false),
                OptimizerCatalogue.entry("sgd").defaults());
        for (OptimizerCatalogue.Entry<?> e : OptimizerCatalogue.entries()) {
            assertEquals(!e.name().equals("sgd"), e.hasDefaultLr(), e.name());
            assertEquals(e.hasDefaultLr() ? e.fields() : e.fields().subList(1, e.fields().size()),
                    List.copyOf(e.defaults().keySet()), e.name());
        }
    }

    @Test
    void settingsByNameAreTheRecordsWithTheRestDefault() {
        assertEquals(Adam.defaults(), OptimizerCatalogue.entry("adam").settings(Map.of()));
        assertEquals(Adam.lr(0.01).amsgrad(true).betas(0.8, 0.999),
                OptimizerCatalogue.entry("adam").settings(Map.of("lr", 0.01, "amsgrad", true, "beta1", 0.8)));
        assertEquals(Sgd.lr(0.1).momentum(0.9).nesterov(true),
                OptimizerCatalogue.entry("sgd").settings(Map.of("lr", 0.1, "momentum", 0.9, "nesterov", true)));
        assertEquals(RmsProp.defaults().centered(true), OptimizerCatalogue.entry("rmsprop").settings(Map.of("centered", true)));
        // an integer is a number
        assertEquals(Sgd.lr(1), OptimizerCatalogue.entry("sgd").settings(Map.of("lr", 1)));
    }

    @Test
    void refusesWhatTheRecordsRefuseWithTheirMessages() {
        assertMessage("adam: beta1 must be in [0, 1), got 1.0", () -> OptimizerCatalogue.entry("adam").settings(Map.of("beta1", 1.0)));
        assertMessage("adam: lr must be a finite number >= 0, got -0.001", () -> OptimizerCatalogue.entry("adam").settings(Map.of("lr", -1e-3)));
        assertMessage("sgd: lr is required (it has no default)", () -> OptimizerCatalogue.entry("sgd").settings(Map.of()));
        assertMessage("adam: unknown setting 'beta'; settings: lr, beta1, beta2, eps, weightDecay, amsgrad",
                () -> OptimizerCatalogue.entry("adam").settings(Map.of("beta", 0.9)));
        assertMessage("adam: amsgrad must be true or false, got 1", () -> OptimizerCatalogue.entry("adam").settings(Map.of("amsgrad", 1)));
        assertMessage("adam: eps must be a number, got small", () -> OptimizerCatalogue.entry("adam").settings(Map.of("eps", "small")));
        assertMessage("optimizer: unknown algorithm 'adamm'; known: sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, "
                + "nadam, radam, lion", () -> OptimizerCatalogue.entry("adamm"));
    }

    @Test
    void withChangesTheRateAndWeightDecayOnly() {
        OptimizerCatalogue.Entry<AdamW> e = OptimizerCatalogue.entry(AdamW.defaults());
        AdamW s = AdamW.lr(1e-3).amsgrad(true).betas(0.8, 0.99);
        assertEquals(new AdamW(Schedules.constant(0.5), 0.8, 0.99, 1e-8, 0.0, true), e.with(s, Schedules.constant(0.5), 0.0));
        assertMessage("adamw: weightDecay must be a finite number >= 0, got -1.0", () -> e.with(s, Schedules.constant(0.5), -1));
    }

    @Test
    void eachEntryBuildsItsFinishedOptimizerBitForBit() {
        Map<String, Function<OptimizerSettings, GradientTransformation>> direct = Map.of(
                "sgd", s -> Optimizers.sgd((Sgd) s),
                "adam", s -> Optimizers.adam((Adam) s),
                "adamw", s -> Optimizers.adamw((AdamW) s),
                "rmsprop", s -> Optimizers.rmsprop((RmsProp) s));
        for (OptimizerCatalogue.Entry<?> e : OptimizerCatalogue.entries()) {
            OptimizerSettings s = e.settings(Map.of("lr", 0.01, "weightDecay", 0.1));
            float[] viaCatalogue = trajectory(OptimizerCatalogue.optimizer(s));
            assertTrue(viaCatalogue[0] != 1f, e.name() + " moved");
            if (direct.containsKey(e.name())) {
                assertArrayEquals(trajectory(direct.get(e.name()).apply(s)), viaCatalogue, e.name());
            }
        }
    }

    private static float[] trajectory(GradientTransformation t) {
        Var p = Var.parameter(Tensor.wrap(polyhead.tensor.Shape.of(3), new float[] {1f, -2f, 0.5f}));
        Optimizer opt = Optimizer.create(t, Map.of("p", p));
        for (int step = 0; step < 5; step++) {
            p.zeroGrad();
            float[] v = p.value().data();
            p.addGrad(Tensor.wrap(p.shape(), new float[] {2 * v[0], 2 * v[1] - 1, v[2]}));
            opt.step();
        }
        return p.value().data().clone();
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable e) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
