package polyhead.experiment;

import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizers;
import polyhead.optim.Optimizers.Adadelta;
import polyhead.optim.Optimizers.Adagrad;
import polyhead.optim.Optimizers.Adam;
import polyhead.optim.Optimizers.AdamW;
import polyhead.optim.Optimizers.Adamax;
import polyhead.optim.Optimizers.Lion;
import polyhead.optim.Optimizers.NAdam;
import polyhead.optim.Optimizers.RAdam;
import polyhead.optim.Optimizers.RmsProp;
import polyhead.optim.Optimizers.Sgd;
import polyhead.optim.schedule.Schedule;

/**
 * A finished optimizer of {@link Optimizers} with its settings record (whose factories state the defaults), which an
 * {@link OptimizerPlan} can make again with another learning rate and weight decay: its schedule, and a parameter
 * group's overrides. Give the record a constant learning rate, the base rate; the plan's schedule shapes it.
 *
 * <pre>{@code Algorithm.of(Adam.lr(1e-3).amsgrad(true))}</pre>
 */
public final class Algorithm {
    /** Makes the optimizer with learning rate {@code lr} and weight decay {@code weightDecay}. */
    @FunctionalInterface
    private interface Maker {
        GradientTransformation make(Schedule lr, double weightDecay);
    }

    private final String name;
    private final double lr;
    private final double weightDecay;
    private final Maker maker;

    private Algorithm(String name, Schedule lr, double weightDecay, Maker maker) {
        this.name = name;
        this.lr = lr.valueAt(0);
        if (lr.valueAt(1L << 20) != this.lr) {
            throw new IllegalArgumentException("optimizer: give " + name + " a constant learning rate and shape it with "
                    + "OptimizerPlan.schedule(...)");
        }
        this.weightDecay = weightDecay;
        this.maker = maker;
    }

    public static Algorithm of(Sgd s) {
        return new Algorithm("sgd", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.sgd(new Sgd(lr, s.momentum(), s.dampening(), wd, s.nesterov())));
    }

    public static Algorithm of(Adagrad s) {
        return new Algorithm("adagrad", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.adagrad(new Adagrad(lr, s.lrDecay(), wd, s.initialAccumulator(), s.eps())));
    }

    public static Algorithm of(RmsProp s) {
        return new Algorithm("rmsprop", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.rmsprop(new RmsProp(lr, s.alpha(), s.eps(), wd, s.momentum(), s.centered())));
    }

    public static Algorithm of(Adadelta s) {
        return new Algorithm("adadelta", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.adadelta(new Adadelta(lr, s.rho(), s.eps(), wd)));
    }

    public static Algorithm of(Adam s) {
        return new Algorithm("adam", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.adam(new Adam(lr, s.beta1(), s.beta2(), s.eps(), wd, s.amsgrad())));
    }

    public static Algorithm of(AdamW s) {
        return new Algorithm("adamw", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.adamw(new AdamW(lr, s.beta1(), s.beta2(), s.eps(), wd, s.amsgrad())));
    }

    public static Algorithm of(Adamax s) {
        return new Algorithm("adamax", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.adamax(new Adamax(lr, s.beta1(), s.beta2(), s.eps(), wd)));
    }

    public static Algorithm of(NAdam s) {
        return new Algorithm("nadam", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.nadam(new NAdam(lr, s.beta1(), s.beta2(), s.eps(), wd, s.momentumDecay())));
    }

    public static Algorithm of(RAdam s) {
        return new Algorithm("radam", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.radam(new RAdam(lr, s.beta1(), s.beta2(), s.eps(), wd)));
    }

    public static Algorithm of(Lion s) {
        return new Algorithm("lion", s.lr(), s.weightDecay(),
                (lr, wd) -> Optimizers.lion(new Lion(lr, s.beta1(), s.beta2(), wd)));
    }

    public String name() {
        return name;
    }

    /** The base learning rate. */
    public double lr() {
        return lr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** The optimizer with learning rate {@code lr} and weight decay {@code weightDecay} (checked by its record). */
    GradientTransformation create(Schedule lr, double weightDecay) {
        return maker.make(lr, weightDecay);
    }

    @Override
    public String toString() {
        return name + "(lr " + lr + ", weightDecay " + weightDecay + ")";
    }
}
