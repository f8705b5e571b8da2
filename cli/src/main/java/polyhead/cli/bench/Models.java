package polyhead.cli.bench;

import java.util.List;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Flatten;
import polyhead.nn.Linear;
import polyhead.nn.MaxPool2d;
import polyhead.nn.Module;
import polyhead.nn.Sequential;

/** The two networks of BENCHMARKS.md, layer for layer as in {@code torch_baseline.py}: a shared trunk, two heads. */
final class Models {
    private Models() {
    }

    /** A trunk and two heads; {@link #outputs} gives one output per task. */
    abstract static class TwoHeads extends Module {
        final Sequential trunk;
        final Linear head1;
        final Linear head2;

        TwoHeads(Sequential trunk, Linear head1, Linear head2) {
            this.trunk = registerModule("trunk", trunk);
            this.head1 = registerModule("head1", head1);
            this.head2 = registerModule("head2", head2);
        }

        @Override
        protected Var forward(Var x) {
            throw new UnsupportedOperationException("use outputs(x): this model has one output per task");
        }

        Var[] outputs(Var x) {
            Var h = trunk.call(x);
            return new Var[] {head1.call(h), head2.call(h)};
        }
    }

    /** W1 mlp-mtl: 784 → Linear 256 → ReLU → Linear 128 → ReLU; heads Linear(128, 10) and Linear(128, 5). */
    static TwoHeads mlpMtl(Random rng) {
        return new TwoHeads(mlpTrunk(rng), new Linear(128, 10, rng), new Linear(128, 5, rng)) {
        };
    }

    /**
     * W1 as a hard-sharing {@link Architecture}, what a {@link polyhead.serve.Predictor} serves: the trunk of
     * {@link #mlpMtl}, class tasks {@code item} (10) and {@code group} (5) with cross-entropy losses.
     */
    static Architecture mlpMtlArchitecture(Random rng) {
        Sequential trunk = mlpTrunk(rng);
        return new HardSharing(trunk, List.of(
                Task.builder("item").head(new Linear(128, 10, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("group").head(new Linear(128, 5, rng)).loss(Losses.crossEntropy()).build()));
    }

    private static Sequential mlpTrunk(Random rng) {
        return new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng),
                Activation.relu());
    }

    /**
     * W2 lenet-mtl (MultiLeNet) on 1×36×36: Conv(1→10, k9), ReLU, MaxPool 2, Conv(10→20, k5), ReLU, MaxPool 2,
     * Flatten (500), Linear(500, 50), ReLU; heads Linear(50, 10) and Linear(50, 10).
     */
    static TwoHeads multiLeNet(Random rng) {
        return new TwoHeads(new Sequential(new Conv2d(1, 10, 9, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(10, 20, 5, rng), Activation.relu(), new MaxPool2d(2), new Flatten(),
                new Linear(500, 50, rng), Activation.relu()), new Linear(50, 10, rng), new Linear(50, 10, rng)) {
        };
    }
}
