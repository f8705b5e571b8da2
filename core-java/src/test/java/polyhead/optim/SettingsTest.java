package polyhead.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Bad settings fail when the optimizer is built, with a message naming the setting and the value. */
class SettingsTest {

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad(() -> Optimizers.adam(-1e-3), "adam: lr must be a finite number >= 0, got -0.001"),
                bad(() -> Optimizers.sgd(Double.NaN), "sgd: lr must be a finite number >= 0, got NaN"),
                bad(() -> Optimizers.Adam.lr(1e-3).betas(1.0, 0.999), "adam: beta1 must be in [0, 1), got 1.0"),
                bad(() -> Optimizers.AdamW.lr(1e-3).betas(0.9, -0.1), "adamw: beta2 must be in [0, 1), got -0.1"),
                bad(() -> Optimizers.NAdam.lr(1e-3).betas(0.9, 1.5), "nadam: beta2 must be in [0, 1), got 1.5"),
                bad(() -> Optimizers.Lion.lr(1e-4).betas(1.0, 0.99), "lion: beta1 must be in [0, 1), got 1.0"),
                bad(() -> Optimizers.Adam.lr(1e-3).eps(0), "adam: eps must be a finite number > 0, got 0.0"),
                bad(() -> Optimizers.RmsProp.lr(1e-2).eps(-1e-8), "rmsprop: eps must be a finite number > 0, got -1.0E-8"),
                bad(() -> Optimizers.RmsProp.lr(1e-2).alpha(1), "rmsprop: alpha must be in [0, 1), got 1.0"),
                bad(() -> Optimizers.Adadelta.lr(1).rho(1), "adadelta: rho must be in [0, 1), got 1.0"),
                bad(() -> Optimizers.sgd(0.1, -0.9), "sgd: momentum must be a finite number >= 0, got -0.9"),
                bad(() -> Optimizers.Sgd.lr(0.1).nesterov(true),
                        "sgd: nesterov needs momentum > 0 and dampening = 0, got momentum 0.0, dampening 0.0"),
                bad(() -> Optimizers.Sgd.lr(0.1).momentum(0.9).dampening(0.1).nesterov(true),
                        "sgd: nesterov needs momentum > 0 and dampening = 0, got momentum 0.9, dampening 0.1"),
                bad(() -> Optimizers.Sgd.lr(0.1).dampening(2), "sgd: dampening must be in [0, 1], got 2.0"),
                bad(() -> Optimizers.adamw(1e-3, -0.01), "adamw: weightDecay must be a finite number >= 0, got -0.01"),
                bad(() -> Optimizers.Adagrad.lr(0.1).initialAccumulator(-1),
                        "adagrad: initialAccumulator must be a finite number >= 0, got -1.0"),
                bad(() -> Optimizers.Adagrad.lr(0.1).lrDecay(-1), "adagrad: lrDecay must be a finite number >= 0, got -1.0"),
                bad(() -> Optimizers.Adam.lr(s -> -0.5),
                        "adam: lr must be a finite number >= 0, got -0.5 from the lr schedule at step 0"),
                bad(() -> Transforms.scaleByAdam(0.9, 0.999, 0), "scaleByAdam: eps must be a finite number > 0, got 0.0"),
                bad(() -> Transforms.trace(0, true),
                        "trace: nesterov needs momentum > 0 and dampening = 0, got momentum 0.0, dampening 0.0"),
                bad(() -> Transforms.scaleByLearningRate(-1), "scaleByLearningRate: lr must be a finite number >= 0, got -1.0"),
                bad(() -> Transforms.clipByGlobalNorm(0), "clipByGlobalNorm: maxNorm must be a finite number > 0, got 0.0"),
                bad(() -> Transforms.clipByNorm(-1), "clipByNorm: maxNorm must be a finite number > 0, got -1.0"),
                bad(() -> Transforms.clipByValue(0), "clipByValue: maxValue must be a finite number > 0, got 0.0"),
                bad(() -> Transforms.accumulate(0, Optimizers.sgd(0.1)), "accumulate: k must be >= 1, got 0"),
                bad(() -> Transforms.skipNonFinite(Optimizers.sgd(0.1), -1),
                        "skipNonFinite: maxConsecutive must be >= 0, got -1"),
                bad(() -> Transforms.chain(), "chain: needs at least one transformation"),
                bad(() -> Transforms.partition((n, s) -> "a", Map.of()),
                        "partition: needs at least one label with its transformation"),
                bad(() -> Plateau.min(0.1).factor(1.0), "reduceOnPlateau: factor must be in [0, 1), got 1.0"),
                bad(() -> Plateau.min(0.1).patience(-1), "reduceOnPlateau: patience must be >= 0, got -1"),
                bad(() -> Plateau.min(0.1).minLr(-1), "reduceOnPlateau: minLr must be a finite number >= 0, got -1.0"),
                bad(() -> Plateau.min(-0.1), "reduceOnPlateau: lr must be a finite number >= 0, got -0.1"),
                // parameter groups are checked when the optimizer is created
                bad(() -> Optimizer.create(Transforms.partition((n, s) -> n.startsWith("trunk") ? "trunk" : "heads",
                        groups("trunk", "heads")), params("trunk.w", "trunk.b")),
                        "partition: no parameter got label 'heads' (an empty parameter group); parameters: "
                                + "Params[trunk.w[2], trunk.b[2]]"),
                bad(() -> Optimizer.create(Transforms.partition((n, s) -> s.rank() <= 1 ? "bias" : "weight",
                        groups("weight")), params("trunk.w", "trunk.b")),
                        "partition: parameter 'trunk.w' got label 'bias', which has no transformation (labels: [weight])"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSettings")
    void failsAtConstructionNamingTheSetting(Executable build, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    static Arguments bad(Executable build, String message) {
        return Arguments.of(build, message);
    }

    static Map<String, GradientTransformation> groups(String... labels) {
        Map<String, GradientTransformation> m = new LinkedHashMap<>();
        for (String l : labels) {
            m.put(l, Optimizers.sgd(0.1));
        }
        return m;
    }

    static Map<String, Var> params(String... names) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, Var.parameter(Tensor.zeros(2)));
        }
        return m;
    }
}
