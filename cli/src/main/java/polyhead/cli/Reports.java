package polyhead.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.metrics.MetricTable;

/** Per-task results as the tool prints them (a table) and writes them (JSON objects per task). */
final class Reports {
    private Reports() {
    }

    /** {@code task.metric} values as {@code {task: {metric: value}}} in the spec's task order; NaN as null. */
    static Map<String, Object> perTask(Map<String, Double> values, ExperimentSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (TaskSpec t : spec.getTasks()) {
            Map<String, Object> task = new LinkedHashMap<>();
            String prefix = t.getName() + ".";
            values.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    task.put(k.substring(prefix.length()), finite(v));
                }
            });
            if (!task.isEmpty()) {
                out.put(t.getName(), task);
            }
        }
        return out;
    }

    /** One row per task, one column per metric (loss first); n/a where a task does not report a metric. */
    static MetricTable table(ExperimentSpec spec, Map<String, Double> values) {
        List<String> metrics = new ArrayList<>(List.of("loss"));
        for (TaskSpec t : spec.getTasks()) {
            t.getMetrics().forEach(m -> {
                if (!metrics.contains(m.getName())) {
                    metrics.add(m.getName());
                }
            });
        }
        List<String> headers = new ArrayList<>(List.of("task"));
        headers.addAll(metrics);
        MetricTable table = new MetricTable(headers.toArray(String[]::new));
        for (TaskSpec t : spec.getTasks()) {
            List<String> row = new ArrayList<>(List.of(t.getName()));
            for (String m : metrics) {
                Double v = values.get(t.getName() + "." + m);
                row.add(MetricTable.number(v == null ? Double.NaN : v, 4));
            }
            table.row(row.toArray(String[]::new));
        }
        return table;
    }

    /** JSON has no NaN or infinity: those are written as null. */
    static Object finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
