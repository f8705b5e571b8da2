package polyhead.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.metrics.MetricTable;
import polyhead.report.RunReport;

/** Per-task results as the tool prints them (a table) and writes them (JSON objects per task). */
final class Reports {
    private Reports() {
    }

    /** {@code task.metric} values as {@code {task: {metric: value}}} in the spec's task order; NaN as null. */
    static Map<String, Object> perTask(Map<String, Double> values, ExperimentSpec spec) {
        return RunReport.perTask(values, tasks(spec));
    }

    /** One row per task, one column per metric (loss first); n/a where a task does not report a metric. */
    static MetricTable table(ExperimentSpec spec, Map<String, Double> values) {
        List<String> metrics = new ArrayList<>();
        for (TaskSpec t : spec.getTasks()) {
            t.getMetrics().forEach(m -> metrics.add(m.getName()));
        }
        return RunReport.table(tasks(spec), metrics.stream().distinct().toList(), values);
    }

    /** The spec's task names, in its order. */
    static List<String> tasks(ExperimentSpec spec) {
        return spec.getTasks().stream().map(TaskSpec::getName).toList();
    }

}
