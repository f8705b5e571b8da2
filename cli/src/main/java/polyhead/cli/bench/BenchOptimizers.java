package polyhead.cli.bench;

import java.util.List;

import polyhead.nn.Module;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizer;
import polyhead.optim.Optimizers;

/**
 * The optimizers of the W1 workload, with {@code torch_baseline.py}'s settings ({@code make_opt}): {@code adam}
 * (Adam, lr 1e-3), {@code sgdm} (SGD, lr 1e-2, momentum 0.9) and {@code adamw} (AdamW, lr 1e-3, PyTorch's default
 * weight decay).
 */
final class BenchOptimizers {
    /** The names, in the order the bench runs them (as the peer script). */
    static final List<String> NAMES = List.of("adam", "sgdm", "adamw");

    private BenchOptimizers() {
    }

    /** The transformation called {@code name}. */
    static GradientTransformation transformation(String name) {
        return switch (name) {
            case "adam" -> Optimizers.adam(1e-3);
            case "sgdm" -> Optimizers.sgd(1e-2, 0.9);
            case "adamw" -> Optimizers.adamw(Optimizers.AdamW.lr(1e-3));
            default -> throw new IllegalArgumentException("'" + name + "' is not one of " + String.join(", ", NAMES));
        };
    }

    /** An optimizer called {@code name} over every parameter of {@code model}. */
    static Optimizer create(String name, Module model) {
        return Optimizer.create(transformation(name), model.namedParameters());
    }
}
