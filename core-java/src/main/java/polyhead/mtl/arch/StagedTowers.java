package polyhead.mtl.arch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;

/**
 * One tower per task, cut into stages, with a link between consecutive stages through which a stage's activations
 * can reach other tasks' next stage: cross-stitch's units, learning to branch's branching choices. Holds what these
 * have in common: the towers ({@code towers.<task>.<stage>.*} after an optional shared {@code trunk.*}), the links
 * ({@code <links>.*}), the heads ({@code heads.<task>.*}), and the split — shared are the trunk, the links and every
 * stage but the last (a link may pass a stage's output on to every task, so a gradient-level weighting must combine
 * the tasks' gradients of it); a task's own parameters are its last stage and its head.
 */
abstract class StagedTowers extends Architecture {
    private final List<List<Module>> stagesByTask = new ArrayList<>();
    private final String linksName;
    private ModuleDict links;
    private ModuleDict heads;

    /**
     * Registers the trunk and the towers; the subclass then calls {@link #registerLinksAndHeads}.
     *
     * @param stages one builder per stage, called once per task, each call returning a fresh module
     */
    StagedTowers(Module trunk, List<Supplier<? extends Module>> stages, List<Task> tasks, String linksName) {
        super(tasks);
        registerTrunk(trunk);
        this.linksName = linksName;
        Map<String, Module> towers = new LinkedHashMap<>();
        for (Task t : tasks) {
            List<Module> ms = new ArrayList<>();
            stages.forEach(s -> ms.add(s.get()));
            stagesByTask.add(ms);
            towers.put(t.name(), new Sequential(ms));
        }
        registerModule("towers", new ModuleDict(towers));
    }

    /** Registers the links between stages, then the tasks' heads (so the state dict lists trunk, towers, links, heads). */
    final void registerLinksAndHeads(Map<String, Module> linkModules) {
        this.links = registerModule(linksName, new ModuleDict(linkModules));
        Map<String, Module> h = new LinkedHashMap<>();
        tasks().forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
    }

    final int stageCount() {
        return stagesByTask.get(0).size();
    }

    /**
     * The heads' outputs of {@code taskNames} after every task's tower from the trunk's output on {@code input}, with
     * {@code link.apply(s, xs)} turning the tasks' activations after stage s into the next stage's inputs.
     */
    final Map<String, Var> outputs(Var input, Collection<String> taskNames, BiFunction<Integer, List<Var>, List<Var>> link) {
        Var x = trunkOutput(input);
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < tasks().size(); t++) {
            xs.add(x);
        }
        int stageCount = stageCount();
        for (int s = 0; s < stageCount; s++) {
            for (int t = 0; t < xs.size(); t++) {
                xs.set(t, stagesByTask.get(t).get(s).call(xs.get(t)));
            }
            if (s < stageCount - 1) {
                xs = link.apply(s, xs);
            }
        }
        Map<String, Var> out = new LinkedHashMap<>();
        List<String> names = taskNames();
        for (int t = 0; t < names.size(); t++) {
            if (taskNames.contains(names.get(t))) {
                out.put(names.get(t), heads.get(names.get(t)).call(xs.get(t)));
            }
        }
        return out;
    }

    @Override
    public final Map<String, Var> sharedParameters() {
        Map<String, Var> p = trunkParameters();
        List<String> names = taskNames();
        for (int t = 0; t < names.size(); t++) {
            List<Module> ms = stagesByTask.get(t);
            for (int s = 0; s < ms.size() - 1; s++) {
                p.putAll(prefixed("towers." + names.get(t) + "." + s, ms.get(s)));
            }
        }
        p.putAll(prefixed(linksName, links));
        return p;
    }

    @Override
    public final Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        List<String> names = taskNames();
        for (int t = 0; t < names.size(); t++) {
            Map<String, Var> p = new LinkedHashMap<>();
            List<Module> ms = stagesByTask.get(t);
            int last = ms.size() - 1;
            p.putAll(prefixed("towers." + names.get(t) + "." + last, ms.get(last)));
            p.putAll(prefixed("heads." + names.get(t), heads.get(names.get(t))));
            out.put(names.get(t), p);
        }
        return out;
    }
}
