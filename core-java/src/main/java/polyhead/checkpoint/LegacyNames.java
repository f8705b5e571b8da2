package polyhead.checkpoint;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import polyhead.optim.OptimizerStateDict;

/**
 * Reads checkpoints written before the experiment builder named a one-layer head as the layer itself: their
 * {@code heads.<task>.0.weight} is now {@code heads.<task>.weight}, the name a hand-built model has (so that a model's
 * names do not depend on the API that built it). The renaming applies to a task only where every stored name of its
 * head is under {@code heads.<task>.0.} and the model has none there, and only when it makes the checkpoint fit.
 */
final class LegacyNames {
    private static final Pattern HEAD = Pattern.compile("(?<![^./])heads\\.([^./]+)\\.0\\.");

    private LegacyNames() {
    }

    /** {@code c} with its one-layer heads renamed for {@code model}'s names, or null if nothing is to be renamed. */
    static Checkpoint migrate(Checkpoint c, Set<String> model) {
        Set<String> tasks = new LinkedHashSet<>();
        for (String k : c.model().keySet()) {
            Matcher m = HEAD.matcher(k);
            if (m.lookingAt()) {
                tasks.add(m.group(1));
            }
        }
        tasks.removeIf(t -> c.model().keySet().stream().anyMatch(k -> k.startsWith("heads." + t + ".")
                && !k.startsWith("heads." + t + ".0.")) || model.stream().anyMatch(k -> k.startsWith("heads." + t + ".0.")));
        if (tasks.isEmpty()) {
            return null;
        }
        OptimizerStateDict o = c.optimizer();
        return new Checkpoint(renamed(c.model(), tasks), o == null ? null : new OptimizerStateDict(o.version(),
                renamed(o.tensors(), tasks), renamed(o.counters(), tasks), renamed(o.values(), tasks)),
                c.weighting(), renamed(c.extra(), tasks), c.epoch(), c.step(), c.dataPosition(), c.rng(), c.counters(),
                c.values(), c.metrics(), c.history(), c.spec(), c.description());
    }

    private static <V> Map<String, V> renamed(Map<String, V> m, Set<String> tasks) {
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            Matcher h = HEAD.matcher(k);
            StringBuilder sb = new StringBuilder();
            while (h.find()) {
                h.appendReplacement(sb, tasks.contains(h.group(1)) ? "heads." + Matcher.quoteReplacement(h.group(1))
                        + "." : Matcher.quoteReplacement(h.group()));
            }
            h.appendTail(sb);
            out.put(sb.toString(), v);
        });
        return out;
    }
}
