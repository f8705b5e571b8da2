package polyhead.optim;

import java.util.Map;

/**
 * {@link Transforms#reduceOnPlateau}: PyTorch's {@code ReduceLROnPlateau.step(metric)} run once for each new
 * evaluation the step context reports, and the updates scaled by {@code reducedLr / lr}. Saved as
 * {@code reduceOnPlateau.lr}, {@code .best}, {@code .badEvaluations}, {@code .cooldownLeft}, {@code .lastEvaluation}.
 */
final class ReduceOnPlateau implements GradientTransformation {
    private final Plateau settings;

    ReduceOnPlateau(Plateau settings) {
        this.settings = Check.notNull("reduceOnPlateau", "settings", settings);
    }

    @Override
    public String name() {
        return "reduceOnPlateau";
    }

    @Override
    public OptState init(Params params) {
        return new State(this);
    }

    @Override
    public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
        if (!(state instanceof State s) || s.owner != this) {
            throw OwnedState.foreign(this, state);
        }
        if (ctx.evaluations() > 0 && ctx.evaluations() != s.lastEvaluation) {
            s.lastEvaluation = ctx.evaluations();
            s.observe(ctx.metric());
        }
        ScaleBlocks.scale(updates, params, (float) s.scale());
        return s;
    }

    private static final class State implements OptState {
        final ReduceOnPlateau owner;
        final Plateau p;
        double lr;
        double best;
        long badEvaluations;
        long cooldownLeft;
        long lastEvaluation;

        State(ReduceOnPlateau owner) {
            this.owner = owner;
            this.p = owner.settings;
            this.lr = p.lr();
            this.best = p.mode() == Plateau.Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }

        /** One step of PyTorch's ReduceLROnPlateau with metric {@code value}. */
        void observe(double value) {
            if (p.isBetter(value, best)) {
                best = value;
                badEvaluations = 0;
            } else {
                badEvaluations++;
            }
            if (cooldownLeft > 0) {
                cooldownLeft--;
                badEvaluations = 0;
            }
            if (badEvaluations > p.patience()) {
                double reduced = Math.max(lr * p.factor(), p.minLr());
                if (lr - reduced > p.eps()) {
                    lr = reduced;
                }
                cooldownLeft = p.cooldown();
                badEvaluations = 0;
            }
        }

        double scale() {
            return p.lr() == 0 ? 1 : lr / p.lr();
        }

        @Override
        public void save(String path, StateWriter out) {
            out.value(path + ".lr", lr);
            out.value(path + ".best", best);
            out.counter(path + ".badEvaluations", badEvaluations);
            out.counter(path + ".cooldownLeft", cooldownLeft);
            out.counter(path + ".lastEvaluation", lastEvaluation);
        }

        @Override
        public void load(String path, StateReader in) {
            lr = in.value(path + ".lr");
            best = in.value(path + ".best");
            badEvaluations = in.counter(path + ".badEvaluations");
            cooldownLeft = in.counter(path + ".cooldownLeft");
            lastEvaluation = in.counter(path + ".lastEvaluation");
        }

        @Override
        public void learningRates(String group, Map<String, Double> out) {
            out.merge(group, scale(), (a, b) -> a * b);
        }

        @Override
        public String toString() {
            return "reduceOnPlateau state (lr " + lr + ", best " + best + ")";
        }
    }
}
