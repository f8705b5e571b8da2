package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.optim.schedule.Schedule;

/**
 * Loss weights that follow schedules: the objective Σ_t w_t(n) L_t, where w_t = {@code schedules.get(t)} evaluated at
 * n = the optimizer step ({@link WeightingContext#step()}, from 0) or the epoch ({@link WeightingContext#epoch()},
 * from 0), as chosen by {@link Unit}. A task without a schedule weighs what it declares
 * ({@link WeightingContext#declaredWeight}). Stateless: the weight is a pure function of
 * the counter the trainer passes.
 */
public final class ScheduledWeights implements LossWeighting {
    /** Which counter the schedules read. */
    public enum Unit {
        /** {@link WeightingContext#step()}: optimizer steps taken so far. */
        STEP,
        /** {@link WeightingContext#epoch()}: the current epoch. */
        EPOCH
    }

    static final String NAME = "scheduled";

    private final Map<String, Schedule> schedules;
    private final Unit unit;

    ScheduledWeights(Map<String, Schedule> schedules, Unit unit) {
        if (unit == null) {
            throw new IllegalArgumentException(NAME + ": unit is null (STEP or EPOCH)");
        }
        Map<String, Schedule> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Schedule> e : schedules.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(NAME + ": schedule of task '" + e.getKey() + "' is null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        this.schedules = Map.copyOf(copy);
        this.unit = unit;
    }

    @Override
    public String name() {
        return NAME;
    }

    public Unit unit() {
        return unit;
    }

    /** The weight of {@code task} at {@code ctx}'s step or epoch. */
    public double weight(String task, WeightingContext ctx) {
        Schedule s = schedules.get(task);
        if (s == null) {
            return ctx.declaredWeight(task);
        }
        long n = unit == Unit.STEP ? ctx.step() : ctx.epoch();
        double w = s.valueAt(n);
        if (!Double.isFinite(w)) {
            throw new IllegalArgumentException(NAME + ": weight of task '" + task + "' at " + unit.name().toLowerCase()
                    + " " + n + " is not finite (" + w + ")");
        }
        return w;
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        return LossTerms.weightedSum(losses, task -> weight(task, ctx));
    }
}
