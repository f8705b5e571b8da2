package polyhead.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.checkpoint.CheckpointStore;
import polyhead.checkpoint.Checkpoints;
import polyhead.io.Json;
import polyhead.metrics.MetricTable;
import polyhead.train.History;

/**
 * What a finished run reports: the content of its {@code metrics.json} ({@link #metrics}) and the per-task table of
 * its results ({@link #table}). Metric values are keyed {@code task.metric} as {@code Trainer.evaluate} returns them.
 */
public final class RunReport {
    /** The run folder's file of final metrics and provenance. */
    public static final String METRICS = "metrics.json";

    private RunReport() {
    }

    /**
     * Where the numbers came from, besides the spec: {@code name} and {@code description} of the data, and the rows
     * of each split ({@code validation} 0 when none was held out).
     */
    public record Data(String name, String description, long train, long validation, long test) {
        Map<String, Object> toJson() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dataset", name);
            d.put("description", description);
            d.put("train", train);
            d.put("validation", validation);
            d.put("test", test);
            return d;
        }
    }

    /**
     * The content of {@code metrics.json}, in this order: {@code test} ({@link #perTask} of {@code test}),
     * {@code epochs}, {@code seed}, {@code data}, {@code checkpoint} (the latest of {@code store}, relative to the run
     * folder; left out when there is none), {@code versions} (library, spec format, checkpoint format, Java),
     * {@code initialWeights} (when given: file and SHA-256) and {@code spec} (the spec as run; left out when the run
     * had none, as an experiment built in Java has not). A mutable map, so that
     * a caller can add entries of its own (the tool's Δm against baselines).
     *
     * @param specVersion the version of the spec format (the DSL's, which this package does not see)
     */
    public static Map<String, Object> metrics(List<String> tasks, Map<String, Double> test, History history, long seed,
            Data data, CheckpointStore store, long specVersion, Map<String, Object> initialWeights, String specJson) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", perTask(test, tasks));
        m.put("epochs", (long) history.epochs());
        m.put("seed", seed);
        m.put("data", data.toJson());
        store.latest().ifPresent(l -> m.put("checkpoint", store.root().getParent().relativize(l.dir()).toString()));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("polyhead", Checkpoints.LIBRARY_VERSION);
        v.put("specVersion", specVersion);
        v.put("checkpointFormat", (long) Checkpoints.FORMAT_VERSION);
        v.put("java", System.getProperty("java.version"));
        m.put("versions", v);
        if (initialWeights != null) {
            m.put("initialWeights", initialWeights);
        }
        if (specJson != null) {
            m.put("spec", Json.parse(specJson, "spec.json"));
        }
        return m;
    }

    /** {@code task.metric} values as {@code {task: {metric: value}}} in {@code tasks}' order; NaN as null. */
    public static Map<String, Object> perTask(Map<String, Double> values, List<String> tasks) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String t : tasks) {
            Map<String, Object> task = new LinkedHashMap<>();
            String prefix = t + ".";
            values.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    task.put(k.substring(prefix.length()), finite(v));
                }
            });
            if (!task.isEmpty()) {
                out.put(t, task);
            }
        }
        return out;
    }

    /**
     * One row per task, one column per metric of {@code metrics} (loss first, whether listed or not); n/a where a
     * task does not report a metric.
     */
    public static MetricTable table(List<String> tasks, List<String> metrics, Map<String, Double> values) {
        List<String> columns = new ArrayList<>(List.of("loss"));
        metrics.stream().filter(m -> !columns.contains(m)).forEach(columns::add);
        List<String> headers = new ArrayList<>(List.of("task"));
        headers.addAll(columns);
        MetricTable table = new MetricTable(headers.toArray(String[]::new));
        for (String t : tasks) {
            List<String> row = new ArrayList<>(List.of(t));
            for (String m : columns) {
                Double v = values.get(t + "." + m);
                row.add(MetricTable.number(v == null ? Double.NaN : v, 4));
            }
            table.row(row.toArray(String[]::new));
        }
        return table;
    }

    /** JSON has no NaN or infinity: those are written as null. */
    public static Object finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
