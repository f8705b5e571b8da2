package polyhead.serve;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.io.UserText;

/** What one {@link Predictor#predict} call gives: every task's {@link TaskOutput}, in the tasks' declaration order. */
public record Predictions(int samples, Map<String, TaskOutput> tasks) {
    public Predictions {
        tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /** The output of task {@code name}; an error naming the tasks there are if there is no such task. */
    public TaskOutput task(String name) {
        TaskOutput t = tasks.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no task " + UserText.quote(name) + " in these predictions; tasks: "
                    + List.copyOf(tasks.keySet()));
        }
        return t;
    }
}
