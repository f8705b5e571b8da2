package polyhead.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.MetricSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.io.Json;
import polyhead.metrics.DeltaM;
import polyhead.train.History;
import polyhead.io.TextFiles;

/**
 * {@code --baselines FILE}: single-task baselines for Δm ({@link DeltaM}: percent, positive = worse than the
 * baselines), as JSON {@code {"task": {"metric": value, ...}, ...}}; a metric is {@code loss} or one the spec's task
 * lists. Δm is taken over exactly the metrics the file gives, each better higher or lower as
 * {@link History#higherIsBetter(String, java.util.Map)} decides.
 */
final class Baselines {
    private Baselines() {
    }

    /** The baselines of {@code file} keyed {@code task.metric}, checked against the spec's tasks and metrics. */
    static Map<String, Double> read(Path file, ExperimentSpec spec) {
        Object root = Json.parse(TextFiles.read(file), file.toString());
        if (!(root instanceof Map<?, ?> tasks) || tasks.isEmpty()) {
            throw UserError.of(file + ": baselines must be a non-empty object {\"task\": {\"metric\": value}}");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> t : tasks.entrySet()) {
            String task = (String) t.getKey();
            TaskSpec ts = spec.getTasks().stream().filter(s -> s.getName().equals(task)).findFirst()
                    .orElseThrow(() -> UserError.of(file + ": $." + task + ": the spec has no task '" + task + "'"));
            if (!(t.getValue() instanceof Map<?, ?> metrics) || metrics.isEmpty()) {
                throw UserError.of(file + ": $." + task + ": expected an object {\"metric\": value}");
            }
            for (Map.Entry<?, ?> m : metrics.entrySet()) {
                String metric = (String) m.getKey();
                String path = file + ": $." + task + "." + metric;
                if (!metric.equals("loss") && !ts.getMetrics().contains(new MetricSpec(metric))) {
                    throw UserError.of(path + ": task " + task + " reports loss and " + ts.getMetrics()
                            + ", not " + metric);
                }
                if (!(m.getValue() instanceof Number n) || !(n.doubleValue() > 0)
                        || Double.isInfinite(n.doubleValue())) {
                    throw UserError.of(path + ": a baseline must be a finite number > 0, got " + m.getValue());
                }
                out.put(task + "." + metric, n.doubleValue());
            }
        }
        return out;
    }

    /** Δm (percent, positive = worse) of the {@code test} metrics against {@code baselines}, both keyed task.metric. */
    static double deltaM(Map<String, Double> test, Map<String, Double> baselines) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Boolean> higher = new LinkedHashMap<>();
        for (String key : baselines.keySet()) {
            Double v = test.get(key);
            if (v == null) {
                throw UserError.of("Δm: the run did not report " + key);
            }
            values.put(key, v);
            // read() admitted only loss and built-in metric names, so History always knows the direction here.
            higher.put(key, History.higherIsBetter(key, Map.of()));
        }
        return DeltaM.compute(values, baselines, higher);
    }
}
