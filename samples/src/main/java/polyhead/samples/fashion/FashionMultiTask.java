package polyhead.samples.fashion;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.DataException;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;
import polyhead.tensor.Gemms;
import polyhead.tensor.Tensor;

/**
 * The main job until the command-line tool exists: a multi-task MLP (the W1 workload of BENCHMARKS.md) trained on
 * real Fashion-MNIST images for two tasks, the item type (10 classes) and its coarse group (5 classes), with one
 * shared trunk and a head per task; loss = 1.0·CE(item) + 0.5·CE(group). Prints per-task loss and test accuracy
 * after each epoch.
 *
 * <p>The optimizer here is plain SGD with momentum written out in {@link #sgdStep}; the optimizer library arrives
 * with its own issue.
 */
public final class FashionMultiTask {
    /** Shared trunk and two heads, named as in the PyTorch reference: trunk.0, trunk.2, heads.item, heads.group. */
    static final class Model extends Module {
        final Sequential trunk;
        final Linear item;
        final Linear group;

        Model(Random rng) {
            trunk = registerModule("trunk", new Sequential(new Linear(784, 256, rng), Activation.relu(),
                    new Linear(256, 128, rng), Activation.relu()));
            item = new Linear(128, 10, rng);
            group = new Linear(128, 5, rng);
            Map<String, Module> heads = new LinkedHashMap<>();
            heads.put("item", item);
            heads.put("group", group);
            registerModule("heads", new ModuleDict(heads));
        }

        @Override
        protected Var forward(Var x) {
            throw new UnsupportedOperationException("use outputs(x): this model has one output per task");
        }

        Var[] outputs(Var x) {
            Var h = trunk.call(x);
            return new Var[] {item.call(h), group.call(h)};
        }
    }

    record Options(Path data, int epochs, int batchSize, float lr, float momentum, long seed) {
        static Options parse(String[] args) {
            Path data = null;
            int epochs = 3;
            int batch = 128;
            float lr = 0.05f;
            long seed = 42;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    System.out.println("usage: FashionMultiTask [--data DIR] [--epochs N] [--batch-size N] [--lr X] [--seed N]");
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value (see --help)");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--data" -> data = Path.of(v);
                        case "--epochs" -> epochs = Integer.parseInt(v);
                        case "--batch-size" -> batch = Integer.parseInt(v);
                        case "--lr" -> lr = Float.parseFloat(v);
                        case "--seed" -> seed = Long.parseLong(v);
                        default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + a + ": '" + v + "' is not a number");
                }
            }
            if (epochs < 1 || batch < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("--epochs and --batch-size must be >= 1 and --lr > 0");
            }
            return new Options(data, epochs, batch, lr, 0.9f, seed);
        }
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (DataException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static Map<String, Double> run(Options o) {
        FashionMnist.Data data = FashionMnist.load(o.data());
        System.out.printf("Fashion-MNIST from %s (%s): %,d training and %,d test images%n", data.folder(),
                data.full() ? "full set" : "subset shipped with the repository", data.train().size(), data.test().size());
        System.out.printf("model: trunk 784-256-128 (ReLU), heads item[10] and group[5]; loss = 1.0·CE(item) + 0.5·CE(group)%n");
        System.out.printf("SGD lr %.3g momentum %.2g, batch %d, %d epochs, seed %d%n", o.lr(), o.momentum(),
                o.batchSize(), o.epochs(), o.seed());
        System.out.printf("matrix products: %s%n%n", Gemms.current().name());

        Model model = new Model(new Random(o.seed()));
        Loss ce = Losses.crossEntropy();
        Map<Var, Tensor> velocity = new LinkedHashMap<>();
        Random shuffle = new Random(o.seed() + 1);
        int n = data.train().size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        System.out.printf("%5s  %10s  %11s  %9s  %10s  %7s%n", "epoch", "loss item", "loss group", "acc item", "acc group", "seconds");
        Map<String, Double> result = Map.of();
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            long t0 = System.nanoTime();
            shuffle(order, shuffle);
            model.train(true);
            double sumItem = 0;
            double sumGroup = 0;
            int batches = 0;
            for (int start = 0; start < n; start += o.batchSize()) {
                int[] idx = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + o.batchSize()));
                Var x = Var.constant(rows(data.train().images(), idx));
                Var[] out = model.outputs(x);
                Var lItem = ce.apply(out[0], rows(data.train().items(), idx));
                Var lGroup = ce.apply(out[1], rows(data.train().groups(), idx));
                Var loss = lItem.add(lGroup.mul(0.5f));
                model.zeroGrad();
                loss.backward();
                sgdStep(model, velocity, o.lr(), o.momentum());
                sumItem += lItem.value().item();
                sumGroup += lGroup.value().item();
                batches++;
            }
            double[] acc = accuracy(model, data.test());
            System.out.printf("%5d  %10.4f  %11.4f  %9.4f  %10.4f  %7.1f%n", epoch, sumItem / batches, sumGroup / batches,
                    acc[0], acc[1], (System.nanoTime() - t0) / 1e9);
            result = Map.of("item.accuracy", acc[0], "group.accuracy", acc[1]);
        }
        System.out.printf("%ntest accuracy: item %.4f, group %.4f (%,d test images)%n", result.get("item.accuracy"),
                result.get("group.accuracy"), data.test().size());
        return result;
    }

    /** Heavy-ball SGD as PyTorch's: v ← μ·v + g, p ← p − lr·v. */
    static void sgdStep(Module model, Map<Var, Tensor> velocity, float lr, float momentum) {
        for (Var p : model.parameters()) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor v = velocity.computeIfAbsent(p, k -> Tensor.zeros(k.shape()));
            float[] vd = v.data();
            float[] gd = g.data();
            float[] pd = p.value().data();
            for (int i = 0; i < pd.length; i++) {
                vd[i] = momentum * vd[i] + gd[i];
                pd[i] -= lr * vd[i];
            }
        }
    }

    static double[] accuracy(Model model, FashionMnist.Split split) {
        model.eval();
        int n = split.size();
        int[] correct = new int[2];
        try (var scope = GradMode.noGrad()) {
            for (int start = 0; start < n; start += 1000) {
                int[] idx = new int[Math.min(1000, n - start)];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = start + i;
                }
                Var[] out = model.outputs(Var.constant(rows(split.images(), idx)));
                correct[0] += countCorrect(out[0].value(), rows(split.items(), idx));
                correct[1] += countCorrect(out[1].value(), rows(split.groups(), idx));
            }
        }
        return new double[] {(double) correct[0] / n, (double) correct[1] / n};
    }

    static int countCorrect(Tensor logits, Tensor labels) {
        int classes = logits.shape().dim(1);
        float[] z = logits.data();
        int correct = 0;
        for (int i = 0; i < labels.size(); i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == (int) labels.data()[i] ? 1 : 0;
        }
        return correct;
    }

    /** The rows {@code idx} of a tensor whose first dimension indexes samples. */
    static Tensor rows(Tensor t, int[] idx) {
        int[] dims = t.shape().dims();
        int width = t.size() / dims[0];
        float[] out = new float[idx.length * width];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(t.data(), idx[i] * width, out, i * width, width);
        }
        dims[0] = idx.length;
        return Tensor.wrap(polyhead.tensor.Shape.of(dims), out);
    }

    static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
