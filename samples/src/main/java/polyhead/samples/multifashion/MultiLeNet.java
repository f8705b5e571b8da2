package polyhead.samples.multifashion;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Flatten;
import polyhead.nn.Linear;
import polyhead.nn.MaxPool2d;
import polyhead.nn.Sequential;

/**
 * MultiLeNet, the network of Sener &amp; Koltun (2018) and Lin et al. (2019) for Multi-MNIST and Multi-Fashion (the W2
 * workload of BENCHMARKS.md): on 1×36×36 inputs, trunk Conv(1→10, k9) + ReLU + MaxPool 2, Conv(10→20, k5) + ReLU +
 * MaxPool 2, Flatten (500), Linear(500, 50) + ReLU; one head Linear(50, 10) per task, cross-entropy, accuracy.
 * Other input sides change only the flattened size (180 at 28×28).
 */
public final class MultiLeNet {
    private MultiLeNet() {
    }

    /** The model for {@code side}×{@code side} inputs with one 10-class task per name, initialized from {@code seed}. */
    public static HardSharing of(int side, List<String> tasks, long seed) {
        int s = ((side - 8) / 2 - 4) / 2;
        if (side - 8 < 2 || s < 1) {
            throw new IllegalArgumentException("MultiLeNet needs inputs of at least 18x18, got " + side + "x" + side);
        }
        Random rng = new Random(seed);
        Sequential trunk = new Sequential(
                new Conv2d(1, 10, 9, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(10, 20, 5, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(20 * s * s, 50, rng), Activation.relu());
        List<Task> t = new ArrayList<>();
        for (String name : tasks) {
            t.add(Task.builder(name).head(new Linear(50, 10, rng)).loss(Losses.crossEntropy())
                    .metrics(Metrics.accuracy()).build());
        }
        return new HardSharing(trunk, t);
    }
}
