package polyhead.optim;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * An exponential moving average of the weights, for evaluation (Polyak &amp; Juditsky, "Acceleration of Stochastic
 * Approximation by Averaging", 1992, in its exponential form as in TensorFlow's {@code ExponentialMovingAverage}
 * and timm's {@code ModelEmaV2}): starting from the parameters' values at creation, each {@link #update()} does
 * {@code a ← d·a + (1 − d)·p}. Call it after each optimizer step; evaluate with the averages swapped in:
 *
 * <pre>{@code
 * Ema ema = Ema.create(model.namedParameters(), 0.999);
 * ... opt.step(); ema.update(); ...
 * try (Ema.Swap s = ema.swapIn()) {   // the model holds the averages until closed
 *     evaluate(model);
 * }
 * }</pre>
 *
 * <p>Allocation-free per update. The averages and the update count save and restore bit-exactly.
 */
public final class Ema {
    private final double decay;
    private final Params params;
    private final float[][] average;
    private long updates;
    private boolean swapped;

    private Ema(Params params, double decay) {
        this.params = params;
        this.decay = decay;
        this.average = params.newSlot();
        for (int i = 0; i < params.count(); i++) {
            System.arraycopy(params.values(i), 0, average[i], 0, params.size(i));
        }
    }

    /** An average of {@code params}, starting at their current values, with decay {@code d} in [0, 1). */
    public static Ema create(Map<String, Var> params, double decay) {
        Check.beta("ema", "decay", decay);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        params.forEach((name, v) -> tensors.put(name, v.value()));
        return new Ema(Params.of(tensors), decay);
    }

    public double decay() {
        return decay;
    }

    /** Number of {@link #update()} calls. */
    public long updateCount() {
        return updates;
    }

    /** {@code a ← d·a + (1 − d)·p} for every parameter. */
    public void update() {
        if (swapped) {
            throw new IllegalStateException("ema: update() while the averages are swapped into the model; close the swap first");
        }
        float d = (float) decay;
        float c = (float) (1 - decay);
        for (int i = 0; i < params.count(); i++) {
            float[] p = params.values(i);
            float[] a = average[i];
            for (int j = 0; j < p.length; j++) {
                a[j] = d * a[j] + c * p[j];
            }
        }
        updates++;
    }

    /** A copy of the averages, by parameter name. */
    public Map<String, Tensor> averages() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.count(); i++) {
            out.put(params.name(i), Tensor.wrap(params.shape(i), average[i].clone()));
        }
        return out;
    }

    /** Exchanges the parameters' values and the averages, in place, until the returned swap is closed. */
    public Swap swapIn() {
        if (swapped) {
            throw new IllegalStateException("ema: the averages are already swapped in");
        }
        exchange();
        swapped = true;
        return new Swap();
    }

    private void exchange() {
        for (int i = 0; i < params.count(); i++) {
            float[] p = params.values(i);
            float[] a = average[i];
            for (int j = 0; j < p.length; j++) {
                float t = p[j];
                p[j] = a[j];
                a[j] = t;
            }
        }
    }

    /** Undoes {@link #swapIn()} when closed (once; closing again does nothing). */
    public final class Swap implements AutoCloseable {
        private boolean open = true;

        private Swap() {
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                exchange();
                swapped = false;
            }
        }
    }

    /** The averages as {@code ema.average/<param>} and the count as {@code ema.updates}. */
    public OptimizerStateDict stateDict() {
        if (swapped) {
            throw new IllegalStateException("ema: stateDict() while the averages are swapped into the model");
        }
        StateWriter out = new StateWriter();
        for (int i = 0; i < params.count(); i++) {
            out.tensor("ema.average/" + params.name(i), average[i], params.shape(i));
        }
        out.counter("ema.updates", updates);
        return out.toStateDict(OptimizerStateDict.FORMAT_VERSION);
    }

    /** Restores {@link #stateDict()}; all or nothing, errors name the entry. */
    public void loadStateDict(OptimizerStateDict dict) {
        if (swapped) {
            throw new IllegalStateException("ema: loadStateDict() while the averages are swapped into the model");
        }
        if (dict.version() > OptimizerStateDict.FORMAT_VERSION) {
            throw new IllegalArgumentException("ema state dict has format version " + dict.version()
                    + ", newer than the newest this Polyhead reads (" + OptimizerStateDict.FORMAT_VERSION + ")");
        }
        float[][] loaded = params.newSlot();
        StateReader in = new StateReader(dict);
        for (int i = 0; i < params.count(); i++) {
            in.tensor("ema.average/" + params.name(i), loaded[i], params.shape(i));
        }
        long n = in.counter("ema.updates");
        in.finish();
        for (int i = 0; i < loaded.length; i++) {
            System.arraycopy(loaded[i], 0, average[i], 0, loaded[i].length);
        }
        updates = n;
    }
}
