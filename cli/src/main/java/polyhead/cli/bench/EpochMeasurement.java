package polyhead.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.loss.Loss;
import polyhead.loss.Losses;
import polyhead.optim.Optimizer;
import polyhead.tensor.Arena;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * W1-epoch as {@code torch_baseline.py}'s {@code train_epochs} runs it: the W1 model trained on the 60,000 Fashion-MNIST
 * training images (pixels /255, then standardized with the peer's mean 0.2860 and std 0.3530), Adam lr 1e-3, batch
 * 128, a new seeded permutation every epoch (counted in the epoch's time, as is gathering the batch rows), the last
 * partial batch (60,000 mod 128 = 96) included; loss = 1.0·CE(item) + 0.5·CE(group). After each epoch (untimed) the
 * test accuracy of both heads on the 10,000 test images.
 *
 * <p>One measurement trains a fresh model (seeded by {@code seed}) for {@code epochs} epochs; its value is the median
 * epoch time, and it reports the test accuracies after the last epoch ({@code acc10}, {@code acc5}).
 */
final class EpochMeasurement implements Measurement {
    /** The peer's standardization of the [0, 1] pixels. */
    private static final float MEAN = 0.2860f;
    private static final float STD = 0.3530f;
    private static final int BATCH = 128;

    private final FashionMnist.Data data;
    private final float[] trainX;
    private final float[] testX;
    private final Gemm gemm;
    private final int epochs;
    private final long seed;

    EpochMeasurement(FashionMnist.Data data, Gemm gemm, int epochs, long seed) {
        if (!data.full()) {
            throw new IllegalArgumentException("W1-epoch needs the full 60,000-image Fashion-MNIST (Debian's "
                    + "dataset-fashion-mnist, or a folder holding it), found only the " + data.train().size()
                    + "-image subset in " + data.folder());
        }
        this.data = data;
        this.trainX = standardized(data.train().images().data());
        this.testX = standardized(data.test().images().data());
        this.gemm = gemm;
        this.epochs = epochs;
        this.seed = seed;
    }

    private static float[] standardized(float[] px) {
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (px[i] - MEAN) / STD;
        }
        return out;
    }

    @Override
    public String name() {
        return "W1-epoch mlp-mtl fmnist60k b" + BATCH + " adam";
    }

    @Override
    public String gemm() {
        return gemm.name();
    }

    /** The samples of one timed unit (an epoch), so that samples/s is images per second. */
    @Override
    public int batch() {
        return data.train().size();
    }

    /** 2·m·n·k of the epoch's products: forward, ∂W of every layer, ∂x of every layer but the first. */
    @Override
    public double flops() {
        double n = data.train().size();
        double layers = 784.0 * 256 + 256 * 128 + 128 * 10 + 128 * 5;
        double inputGrads = 256.0 * 128 + 128 * 10 + 128 * 5;
        return 2 * n * (2 * layers + inputGrads);
    }

    /** Trains {@code epochs} epochs ({@code warmup} and {@code steps} do not apply: an epoch is the unit). */
    @Override
    public Map<String, Double> measure(int warmup, int steps) {
        Gemm previous = Gemms.use(gemm);
        try {
            return train(epochs);
        } finally {
            Gemms.use(previous);
        }
    }

    /** A short untimed run for the JIT: one epoch. */
    Map<String, Double> warmUp() {
        Gemm previous = Gemms.use(gemm);
        try {
            return train(1);
        } finally {
            Gemms.use(previous);
        }
    }

    private Map<String, Double> train(int epochs) {
        Random rng = new Random(seed);
        Models.TwoHeads model = Models.mlpMtl(rng);
        Optimizer opt = BenchOptimizers.create("adam", model);
        Arena arena = TrainingMeasurement.ARENA ? new Arena() : null;
        Loss ce = Losses.crossEntropy();
        float[] items = data.train().items().data();
        float[] groups = data.train().groups().data();
        int n = items.length;
        int[] perm = new int[n];
        double[] times = new double[epochs];
        double[] acc = null;
        float[] xFull = new float[BATCH * 784];
        float[] y1Full = new float[BATCH];
        float[] y2Full = new float[BATCH];
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            shuffle(perm, rng);
            for (int s = 0; s < n; s += BATCH) {
                int b = Math.min(BATCH, n - s);
                boolean full = b == BATCH;
                float[] x = full ? xFull : new float[b * 784];
                float[] y1 = full ? y1Full : new float[b];
                float[] y2 = full ? y2Full : new float[b];
                // the rows as the library's batching gathers them (Dataset.batch: in parallel ranges when large)
                Dataset.gatherRows(trainX, 784, perm, s, s + b, x);
                for (int r = 0; r < b; r++) {
                    int k = perm[s + r];
                    y1[r] = items[k];
                    y2[r] = groups[k];
                }
                try (Arena.Scope step = arena == null ? null : arena.open()) {
                    opt.zeroGrad();
                    Var[] out = model.outputs(Var.constant(Tensor.wrap(Shape.of(b, 784), x)));
                    Var loss = ce.apply(out[0], Tensor.wrap(Shape.of(b), y1)).mul(1.0f)
                            .add(ce.apply(out[1], Tensor.wrap(Shape.of(b), y2)).mul(0.5f));
                    loss.backward();
                    opt.step();
                }
            }
            times[e] = (System.nanoTime() - t0) * 1e-9;
            acc = testAccuracy(model);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("step", Stats.median(times));
        r.put("acc10", acc[0]);
        r.put("acc5", acc[1]);
        return r;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates), drawn from {@code rng}. */
    private static void shuffle(int[] perm, Random rng) {
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
    }

    /** Accuracy of the 10-class and of the 5-class head on the test images. */
    private double[] testAccuracy(Models.TwoHeads model) {
        int n = data.test().size();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Var[] out = model.outputs(Var.constant(Tensor.wrap(Shape.of(n, 784), testX)));
            return new double[] {accuracy(out[0].value(), data.test().items().data()),
                    accuracy(out[1].value(), data.test().groups().data())};
        }
    }

    private static double accuracy(Tensor logits, float[] labels) {
        int classes = logits.shape().dim(1);
        float[] z = logits.data();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == (int) labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }
}
