package polyhead.mtl.arch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;

/**
 * Hard parameter sharing (Caruana, 1997): one trunk shared by all tasks, one head per task on the trunk's output.
 * Parameters: {@code trunk.*} (shared) and {@code heads.<task>.*}. The trunk's output is the shared representation.
 */
public final class HardSharing extends SharedRepresentation {
    private final Module trunk;
    private final ModuleDict heads;

    public HardSharing(Module trunk, List<Task> tasks) {
        super(tasks);
        this.trunk = registerModule("trunk", trunk);
        Map<String, Module> h = new LinkedHashMap<>();
        tasks.forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
    }

    public Module trunk() {
        return trunk;
    }

    @Override
    public Var encode(Var input) {
        return trunk.call(input);
    }

    @Override
    public Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames) {
        Map<String, Var> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                out.put(t, heads.get(t).call(shared));
            }
        }
        return out;
    }

    @Override
    public Map<String, Var> sharedParameters() {
        return prefixed("trunk", trunk);
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            out.put(t, prefixed("heads." + t, heads.get(t)));
        }
        return out;
    }
}
