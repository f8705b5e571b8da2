package polyhead.experiment;

import java.util.Map;

import polyhead.optim.GradientTransformation;
import polyhead.optim.OptimizerCatalogue;
import polyhead.optim.OptimizerSettings;
import polyhead.optim.Optimizers;
import polyhead.optim.schedule.Schedule;

/**
 * A finished optimizer of {@link Optimizers} with its settings record (whose factories state the defaults), which an
 * {@link OptimizerPlan} can make again with another learning rate and weight decay: its schedule, and a parameter
 * group's overrides. The learning rate here is a number, the base rate; the plan's schedule shapes it. Any
 * optimizer of {@link OptimizerCatalogue} goes, with no code here per optimizer.
 *
 * <pre>{@code
 * Algorithm.of(Adam.lr(1e-3).amsgrad(true))
 * Algorithm.of("adam", Map.of("lr", 1e-3, "amsgrad", true))   // the same, by name
 * }</pre>
 */
public final class Algorithm {
    private final OptimizerCatalogue.Entry<OptimizerSettings> entry;
    /** The settings at the base rate: what {@link #create} changes the rate and weight decay of. */
    private final OptimizerSettings settings;
    private final double lr;

    @SuppressWarnings("unchecked")
    private Algorithm(OptimizerSettings settings, double lr) {
        this.entry = (OptimizerCatalogue.Entry<OptimizerSettings>) (OptimizerCatalogue.Entry<?>) OptimizerCatalogue.entry(settings);
        this.settings = settings;
        this.lr = lr;
    }

    /** {@code settings}, whose learning rate must be a constant: the base rate. */
    public static Algorithm of(OptimizerSettings settings) {
        OptimizerCatalogue.Entry<?> entry = OptimizerCatalogue.entry(settings);
        double lr = settings.lr().valueAt(0);
        if (settings.lr().valueAt(1L << 20) != lr) {
            throw new IllegalArgumentException("optimizer: give " + entry.name() + " a constant learning rate and "
                    + "shape it with OptimizerPlan.schedule(...)");
        }
        return new Algorithm(settings, lr);
    }

    /**
     * The optimizer called {@code name} with the settings given by name (see
     * {@link OptimizerCatalogue.Entry#settings}); each one not given is the core's default. The base rate is the
     * {@code lr} given, else the optimizer's default.
     *
     * @throws IllegalArgumentException for an unknown optimizer or setting, or a setting its record refuses
     */
    public static Algorithm of(String name, Map<String, ?> settings) {
        OptimizerCatalogue.Entry<?> entry = OptimizerCatalogue.entry(name);
        Object lr = settings.get(OptimizerCatalogue.LR);
        return new Algorithm(entry.settings(settings),
                lr instanceof Number n ? n.doubleValue() : (Double) entry.defaults().get(OptimizerCatalogue.LR));
    }

    public String name() {
        return entry.name();
    }

    /** The base learning rate. */
    public double lr() {
        return lr;
    }

    public double weightDecay() {
        return settings.weightDecay();
    }

    /** The optimizer with learning rate {@code lr} and weight decay {@code weightDecay} (checked by its record). */
    GradientTransformation create(Schedule lr, double weightDecay) {
        return entry.optimizer(entry.with(settings, lr, weightDecay));
    }

    @Override
    public String toString() {
        return name() + "(lr " + lr + ", weightDecay " + weightDecay() + ")";
    }
}
