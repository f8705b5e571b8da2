package polyhead.mtl.arch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;

/**
 * Soft parameter sharing (Duong et al., 2015; Yang &amp; Hospedales, 2017): each task has its own tower of the same
 * structure followed by its head, and an L2 penalty λ·Σ_{i&lt;j} ‖θ_i − θ_j‖² between corresponding tower parameters
 * pulls the towers together (inter-task regularization), added to the objective by {@link #regularization()}.
 * Nothing is shared outright but an optional trunk that every tower reads ({@code trunk.*}, the only shared
 * parameters; without one {@link #sharedParameters()} is empty). Parameters: {@code towers.<task>.0.*} (the tower) and
 * {@code towers.<task>.1.*} (the head).
 */
public final class SoftSharing extends Architecture {
    private final ModuleDict towers;
    private final Map<String, Module> bodies = new LinkedHashMap<>();
    private final double lambda;

    /**
     * @param tower  builds one task's tower; called once per task, each call must return a fresh module of the same
     *               structure (same parameter names and shapes)
     * @param lambda the strength λ ≥ 0 of the penalty
     */
    public SoftSharing(Supplier<? extends Module> tower, List<Task> tasks, double lambda) {
        this(null, tower, tasks, lambda);
    }

    /** As {@link #SoftSharing(Supplier, List, double)}, the towers reading the output of a shared {@code trunk}. */
    public SoftSharing(Module trunk, Supplier<? extends Module> tower, List<Task> tasks, double lambda) {
        super(tasks);
        registerTrunk(trunk);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("soft sharing: lambda must be a finite number >= 0, got " + lambda);
        }
        this.lambda = lambda;
        Map<String, Module> t = new LinkedHashMap<>();
        Map<String, Var> first = null;
        for (Task task : tasks) {
            Module body = tower.get();
            Map<String, Var> params = body.namedParameters();
            if (first == null) {
                first = params;
            } else if (!sameStructure(first, params)) {
                throw new IllegalArgumentException("soft sharing: the tower of task '" + task.name()
                        + "' differs from the first tower (parameters " + shapes(params) + " vs " + shapes(first) + ")");
            }
            bodies.put(task.name(), body);
            t.put(task.name(), new Sequential(body, task.head()));
        }
        this.towers = registerModule("towers", new ModuleDict(t));
    }

    private static boolean sameStructure(Map<String, Var> a, Map<String, Var> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!a.get(k).shape().equals(b.get(k).shape())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> shapes(Map<String, Var> p) {
        Map<String, String> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.shape().toString()));
        return out;
    }

    public double lambda() {
        return lambda;
    }

    @Override
    public Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        Var x = trunkOutput(input);
        Map<String, Var> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                out.put(t, towers.get(t).call(x));
            }
        }
        return out;
    }

    /** λ·Σ_{i&lt;j} Σ_p ‖θ_i,p − θ_j,p‖² over tower parameters p (heads excluded); null when λ = 0 or one task. */
    @Override
    public Var regularization() {
        if (lambda == 0 || bodies.size() < 2) {
            return null;
        }
        List<Map<String, Var>> params = new ArrayList<>();
        bodies.values().forEach(b -> params.add(b.namedParameters()));
        Var total = null;
        for (int i = 0; i < params.size(); i++) {
            for (int j = i + 1; j < params.size(); j++) {
                for (String name : params.get(i).keySet()) {
                    Var d = params.get(i).get(name).sub(params.get(j).get(name));
                    Var sq = d.mul(d).sum();
                    total = total == null ? sq : total.add(sq);
                }
            }
        }
        return total == null ? null : total.mul((float) lambda);
    }

    @Override
    public Map<String, Var> sharedParameters() {
        return trunkParameters();
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            out.put(t, prefixed("towers." + t, towers.get(t)));
        }
        return out;
    }
}
