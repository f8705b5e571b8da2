package polyhead.mtl.arch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.io.UserText;
import polyhead.mtl.Task;
import polyhead.nn.Module;

/**
 * What a multi-task network shares: an architecture holds the tasks' heads and whatever layers it shares or links
 * between them, produces one prediction per task, and says which parameters are shared (those a gradient-level
 * weighting acts on) and which belong to each task. Any architecture combines with any weighting and optimizer.
 */
public abstract class Architecture extends Module {
    private final List<Task> tasks;
    /** Layers every task reads before the architecture's own (soft sharing's towers, cross-stitch, MMoE), or null. */
    private Module trunk;

    protected Architecture(List<Task> tasks) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a multi-task architecture needs at least one task");
        }
        Map<String, Task> byName = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("task '" + t.name() + "' is declared twice");
            }
        }
        this.tasks = List.copyOf(tasks);
    }

    /** The tasks in declaration order. */
    public final List<Task> tasks() {
        return tasks;
    }

    public final Task task(String name) {
        for (Task t : tasks) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task " + UserText.quote(name) + "; tasks: " + taskNames());
    }

    public final List<String> taskNames() {
        List<String> names = new ArrayList<>();
        tasks.forEach(t -> names.add(t.name()));
        return names;
    }

    /** Predictions of the given tasks (task name → output), in declaration order. */
    public abstract Map<String, Var> outputs(Var input, Collection<String> taskNames);

    /** Predictions of every task. */
    public final Map<String, Var> outputs(Var input) {
        return outputs(input, taskNames());
    }

    /** Parameters shared between tasks, by dotted name; a gradient-level weighting combines their task gradients. */
    public abstract Map<String, Var> sharedParameters();

    /** Each task's own parameters (its head, tower, gate), by task name then dotted name. */
    public abstract Map<String, Map<String, Var>> taskParameters();

    /**
     * An extra term of the objective that belongs to the architecture itself (soft sharing's penalty between
     * towers), or null if there is none.
     */
    public Var regularization() {
        return null;
    }

    /**
     * A single shared representation z = encode(x) from which every task's prediction is computed by
     * {@link #decode}; gradient-level strategies can then work on ∂L_t/∂z instead of the shared parameters'
     * gradients, which is cheaper. False for architectures without one (soft sharing, cross-stitch).
     */
    public boolean hasSharedRepresentation() {
        return false;
    }

    /** The shared representation; only if {@link #hasSharedRepresentation()}. */
    public Var encode(Var input) {
        throw new UnsupportedOperationException(typeName() + " has no single shared representation; "
                + "use gradients of the shared parameters instead");
    }

    /** Task predictions from the shared representation (and the input, for gates); only with a representation. */
    public Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames) {
        throw new UnsupportedOperationException(typeName() + " has no single shared representation; "
                + "use gradients of the shared parameters instead");
    }

    /**
     * For subclasses whose towers or experts are layers of their own: registers shared layers {@code trunk} (may be
     * null: none) under {@code trunk}, which {@link #trunkOutput} applies before those layers. Call it first, so that
     * the trunk comes first in the state dict.
     */
    protected final void registerTrunk(Module trunk) {
        if (trunk != null) {
            this.trunk = registerModule("trunk", trunk);
        }
    }

    /** The registered trunk's output, or {@code input} without one. */
    protected final Var trunkOutput(Var input) {
        return trunk == null ? input : trunk.call(input);
    }

    /** The registered trunk's parameters ({@code trunk.*}, shared by every task); empty without one. */
    protected final Map<String, Var> trunkParameters() {
        return trunk == null ? new LinkedHashMap<>() : prefixed("trunk", trunk);
    }

    /** Helper for subclasses: the parameters of {@code m} named with the prefix it is registered under. */
    protected static Map<String, Var> prefixed(String prefix, Module m) {
        Map<String, Var> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(prefix + "." + k, v));
        return out;
    }

    /** An architecture has one output per task; call {@link #outputs(Var)}. */
    @Override
    protected final Var forward(Var input) {
        throw new UnsupportedOperationException(typeName() + " has one output per task; call outputs(input)");
    }

    @Override
    protected void summaryForward(Var input) {
        outputs(input);
    }
}
