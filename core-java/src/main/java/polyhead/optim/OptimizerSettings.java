package polyhead.optim;

import polyhead.optim.schedule.Schedule;

/**
 * The settings of one finished optimizer of {@link Optimizers}: a record whose static {@code lr(...)} factory states
 * the defaults, the only place they are stated. Every optimizer has a learning rate and a weight decay (which
 * parameter groups override); the rest is the record's own. {@link OptimizerCatalogue} reads the records generically.
 */
public sealed interface OptimizerSettings
        permits Optimizers.Sgd, Optimizers.Adagrad, Optimizers.RmsProp, Optimizers.Adadelta, Optimizers.Adam,
        Optimizers.AdamW, Optimizers.Adamax, Optimizers.NAdam, Optimizers.RAdam, Optimizers.Lion {
    /** The learning rate, a constant or a schedule evaluated at the global step. */
    Schedule lr();

    /** The weight decay λ ≥ 0 (0 leaves its block out of the chain). */
    double weightDecay();
}
