package polyhead.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import polyhead.serve.Predictions;
import polyhead.serve.Predictor;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * W1-predict: the latency of one {@link Predictor#predict} call on W1's network (trunk 784-256-128, class heads of 10
 * and 5) for a batch of {@code batch} random samples: the forward pass without a graph, both heads' softmax and
 * predicted classes, as {@code torch_predict.py} times {@code model(x)}, softmax and argmax under
 * {@code torch.no_grad()}.
 */
final class PredictMeasurement implements Measurement {
    private static final int POOL = 8;
    /**
     * The warm-up round's calls: at least this many seconds and {@link #WARMUP_CALLS} calls. A call compiles slowly:
     * W1's forward pass at 64 samples took 0.63 ms per call through its first ~2,000 calls and 0.36 ms from then on
     * (one thread), so the bench's usual warm-up (one round of --warmup + --steps calls) measured the JIT, not the
     * predictor.
     */
    static final int WARMUP_SECONDS = 3;
    static final int WARMUP_CALLS = 5_000;

    private final Predictor predictor;
    private final Gemm gemm;
    private final int batch;
    private final Tensor[] xs = new Tensor[POOL];
    private int next;
    /** Read after each call so that the JIT cannot drop the work. */
    private long sink;

    PredictMeasurement(Gemm gemm, int batch) {
        this.gemm = gemm;
        this.batch = batch;
        this.predictor = Predictor.of(Models.mlpMtlArchitecture(new Random(0)), 784);
        Random rng = new Random(0);
        for (int i = 0; i < POOL; i++) {
            xs[i] = Tensor.randn(rng, Shape.of(batch, 784));
        }
    }

    @Override
    public String name() {
        return "W1 predict b" + batch;
    }

    @Override
    public String gemm() {
        return gemm.name();
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public double flops() {
        return 2.0 * batch * (784 * 256 + 256 * 128 + 128 * 10 + 128 * 5);
    }

    @Override
    public Map<String, Double> measure(int warmup, int steps) {
        Gemm previous = Gemms.use(gemm);
        try {
            for (int i = 0; i < warmup; i++) {
                call();
            }
            double[] t = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                call();
                t[i] = (System.nanoTime() - t0) * 1e-9;
            }
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("step", Stats.median(t));
            r.put("sink", (double) (sink & 1));
            return r;
        } finally {
            Gemms.use(previous);
        }
    }

    /** The warm-up round: calls for {@link #WARMUP_SECONDS} and at least {@link #WARMUP_CALLS} of them, untimed. */
    void warmUp() {
        Gemm previous = Gemms.use(gemm);
        try {
            long end = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
            for (int i = 0; i < WARMUP_CALLS || System.nanoTime() < end; i++) {
                call();
            }
        } finally {
            Gemms.use(previous);
        }
    }

    private void call() {
        Predictions p = predictor.predict(xs[next++ % POOL]);
        sink += p.task("item").predicted()[0] + p.task("group").predicted()[0];
    }
}
