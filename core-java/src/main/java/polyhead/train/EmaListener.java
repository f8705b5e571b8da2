package polyhead.train;

import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.nn.Module;
import polyhead.optim.Ema;

/**
 * Keeps an exponential moving average of a model's weights through a {@link Trainer#fit} run ({@link Ema}: Polyak
 * &amp; Juditsky, 1992, in the exponential form of TensorFlow's {@code ExponentialMovingAverage}), starting from the
 * weights at the start of the run and updated after every optimizer step ({@code a ← d·a + (1 − d)·p}); when the run
 * ends, the model's parameters take the averages. Buffers (batch-norm statistics) are not averaged.
 *
 * <p>Where this deviates from keeping a separate averaged model (timm's {@code ModelEmaV2}): validation during the
 * run sees the raw weights, and the average is not part of checkpoints, so a resumed run starts a new average.
 */
public final class EmaListener implements TrainingListener {
    private final Module model;
    private final double decay;
    private Ema ema;

    /** Averages the parameters of {@code model} with decay {@code decay} in [0, 1). */
    public EmaListener(Module model, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("ema: decay must be in [0, 1), got " + decay);
        }
        this.model = model;
        this.decay = decay;
    }

    public double decay() {
        return decay;
    }

    @Override
    public void fitStarted(int epochs, int stepsPerEpoch) {
        ema = Ema.create(model.namedParameters(), decay);
    }

    @Override
    public void stepEnded(int epoch, long step, Map<String, Double> taskLosses, int samples) {
        ema.update();
    }

    @Override
    public void fitEnded(History history) {
        Map<String, Var> params = model.namedParameters();
        ema.averages().forEach((name, average) -> params.get(name).value().copyFrom(average));
    }
}
