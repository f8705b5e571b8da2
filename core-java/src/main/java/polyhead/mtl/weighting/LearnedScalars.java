package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * One learned scalar per task that a strategy hands the optimizer as its own parameters (uncertainty weighting's
 * log-variances, the loss scales of IMTL-L and IMTL-H). They are created for the task names given before training,
 * because the optimizer must know them before the first batch; they are named {@code <prefix>.<task>}, and their
 * state dict holds copies of the same values, loaded back into the same parameter objects.
 */
final class LearnedScalars {
    private final String strategy;
    private final String prefix;
    private final String what;
    private final Map<String, Var> values = new LinkedHashMap<>();

    /**
     * @param what    the scalar's name in messages ("log-variance")
     * @param initial the start of every task not in {@code perTask} (finite)
     * @param perTask the start of the tasks named here (each one of {@code tasks}, finite)
     */
    LearnedScalars(String strategy, String prefix, String what, List<String> tasks, double initial,
                   Map<String, Double> perTask) {
        this.strategy = strategy;
        this.prefix = prefix;
        this.what = what;
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException(strategy + ": needs the task names (T = 0 given)");
        }
        if (!Double.isFinite(initial)) {
            throw new IllegalArgumentException(strategy + ": initial " + what + " must be finite, got " + initial);
        }
        InitialValues.check(strategy, "initial " + what, tasks, perTask, false);
        for (String task : tasks) {
            double s = perTask.getOrDefault(task, initial);
            if (values.put(task, Var.parameter(Tensor.scalar((float) s))) != null) {
                throw new IllegalArgumentException(strategy + ": task '" + task + "' is listed twice");
            }
        }
    }

    /** The live parameter of {@code task}; fails in one line if the strategy was not made for it. */
    Var of(String task) {
        Var s = values.get(task);
        if (s == null) {
            throw new IllegalArgumentException(strategy + ": task '" + task + "' has no " + what + " (tasks: "
                    + values.keySet() + ")");
        }
        return s;
    }

    /** {@code <prefix>.<task>} → the live parameter. */
    Map<String, Var> parameters() {
        Map<String, Var> r = new LinkedHashMap<>();
        values.forEach((task, v) -> r.put(prefix + "." + task, v));
        return r;
    }

    /** task → the current value. */
    Map<String, Double> current() {
        Map<String, Double> r = new LinkedHashMap<>();
        values.forEach((task, v) -> r.put(task, (double) v.value().item()));
        return r;
    }

    /** {@code <prefix>.<task>} → a copy of the value. */
    Map<String, Tensor> stateDict() {
        Map<String, Tensor> r = new LinkedHashMap<>();
        values.forEach((task, v) -> r.put(prefix + "." + task, v.value().copy()));
        return r;
    }

    /** Writes the values of a {@link #stateDict()} into the parameters; the tasks must be the same. */
    void loadStateDict(Map<String, Tensor> state) {
        Map<String, Float> read = NamedScalars.read(strategy, state, prefix).get(prefix);
        if (!read.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException(strategy + ": state has " + what + "s for " + read.keySet()
                    + ", this strategy has tasks " + values.keySet());
        }
        read.forEach((task, v) -> values.get(task).value().data()[0] = v);
    }
}
