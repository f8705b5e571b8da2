package polyhead.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.io.CsvRecords;
import polyhead.metrics.Metric;
import polyhead.metrics.Metrics;
import polyhead.mtl.arch.Architecture;

/**
 * What a run recorded, one row per epoch: {@code epoch}, {@code train.loss} (the objective), {@code train.<task>.loss},
 * validation losses and metrics ({@code val.<task>.<metric>}, {@code val.<task>.loss}, {@code val.loss}),
 * task-relationship diagnostics ({@code grad_cos.<i>.<j>}, {@code grad_norm_ratio.<i>.<j>}), the largest global
 * gradient norm ({@code grad_norm.max}), the steps reported for exploding gradients ({@code exploding_gradients},
 * unless the check is off) and skipped for a non-finite loss or gradient ({@code skipped_steps}, with that policy),
 * the learning rate and the epoch's duration ({@code seconds}).
 */
public final class History {
    private final List<Map<String, Double>> rows = new ArrayList<>();

    /** A history of the given rows, oldest first (e.g. as a checkpoint recorded them). */
    public static History of(List<Map<String, Double>> rows) {
        History h = new History();
        rows.forEach(h::add);
        return h;
    }

    void add(Map<String, Double> row) {
        rows.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
    }

    /** The rows, oldest first. */
    public List<Map<String, Double>> rows() {
        return Collections.unmodifiableList(rows);
    }

    public int epochs() {
        return rows.size();
    }

    /** The values of {@code key} over the epochs (NaN where an epoch did not record it). */
    public double[] series(String key) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).getOrDefault(key, Double.NaN);
        }
        return out;
    }

    /** Every key recorded in any epoch, in first-seen order. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.keySet()));
        return keys;
    }

    /**
     * Whether a higher value of the history key {@code key} is better, for the model {@code arch}: the one answer
     * that early stopping, the best checkpoint and anything else that ranks epochs use. A loss ({@code train.loss},
     * {@code val.<task>.loss}, …) is better lower; {@code val.<task>.<metric>} is as the task's own metric of that
     * name says ({@link Metric#higherIsBetter()}, so a metric of the user's own counts too), or failing that the
     * built-in metric of that name ({@link Metrics#parse}).
     *
     * @throws IllegalArgumentException if the key names neither a loss nor a metric
     */
    public static boolean higherIsBetter(String key, Architecture arch) {
        Map<String, List<Metric>> metrics = new LinkedHashMap<>();
        arch.tasks().forEach(t -> metrics.put(t.name(), t.metrics()));
        Boolean higher = higherIsBetter(key, metrics);
        if (higher == null) {
            throw new IllegalArgumentException("cannot tell whether higher or lower is better for '" + key
                    + "'; give the direction explicitly");
        }
        return higher;
    }

    /**
     * {@link #higherIsBetter(String, Architecture)} for tasks listing {@code metrics} (by task name); null where it
     * cannot tell.
     */
    public static Boolean higherIsBetter(String key, Map<String, List<Metric>> metrics) {
        String[] parts = key.split("\\.");
        String last = parts[parts.length - 1];
        if (last.equals("loss")) {
            return false;
        }
        if (parts.length >= 3) {
            for (Metric m : metrics.getOrDefault(parts[parts.length - 2], List.of())) {
                if (m.name().equals(last)) {
                    return m.higherIsBetter();
                }
            }
        }
        try {
            return Metrics.parse(last).higherIsBetter();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The last epoch's row. */
    public Map<String, Double> last() {
        if (rows.isEmpty()) {
            throw new IllegalStateException("the history is empty");
        }
        return rows.get(rows.size() - 1);
    }

    /**
     * The history as CSV (RFC 4180, {@link CsvRecords#format}): a header of {@link #keys()} and one line per epoch,
     * empty cells where absent.
     */
    public String toCsv() {
        Set<String> keys = keys();
        StringBuilder sb = new StringBuilder(CsvRecords.format(List.copyOf(keys)));
        for (Map<String, Double> r : rows) {
            List<String> cells = new ArrayList<>(keys.size());
            for (String k : keys) {
                Double v = r.get(k);
                cells.add(v == null || v.isNaN() ? ""
                        : k.equals("epoch") ? Long.toString(Math.round(v)) : Double.toString(v));
            }
            sb.append(CsvRecords.format(cells));
        }
        return sb.toString();
    }
}
