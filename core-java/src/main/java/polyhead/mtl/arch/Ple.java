package polyhead.mtl.arch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.mtl.Task;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;

/**
 * Progressive layered extraction and its one-level form, customized gate control (Tang, Liu, Zhao &amp; Gong, "Progressive
 * Layered Extraction (PLE)", RecSys 2020).
 *
 * <p><b>CGC</b> (their §4.2, eq. 1–3): {@code S} experts shared by every task and {@code T} experts of each task's
 * own; task k's gate g^k(x) = softmax(W^k·x) weighs its own experts and the shared ones, S^k(x) = [E_k,1(x) … E_k,T(x),
 * E_s,1(x) … E_s,S(x)] in that order, and its head reads g^k(x)·S^k(x).
 *
 * <p><b>PLE</b> (§4.3, eq. 4–5, Fig. 5): CGC stacked in levels. At level j, task k's experts and gate read task k's
 * output of level j−1, the shared experts read the shared output of level j−1 (at level 1 everything reads x); every
 * level but the last also has a shared gate over <em>all</em> the level's experts (every task's and the shared ones,
 * in task order then shared), whose output the next level's shared experts read. The heads read the last level's task
 * outputs. One level is CGC. Gates are linear maps (with bias) of the flattened level input followed by a softmax.
 *
 * <p>Deviations: experts may output any shape ([N, …], mixed element by element), not only vectors; every level has
 * the same numbers of experts. LibMTL's {@code PLE} (commit 4336804) has no shared gate — its shared experts read each
 * task's path — this class follows the paper.
 *
 * <p>Parameters: {@code levels.<j>.shared.<i>.*}, {@code levels.<j>.tasks.<task>.<i>.*}, {@code levels.<j>.gates.<task>.*},
 * {@code levels.<j>.sharedGate.*} (inner levels), {@code heads.<task>.*}. Which are shared is decided by what they
 * reach, because a gradient-level weighting gives a task's parameters that task's gradient only: shared experts and
 * shared gates; a task's experts of an inner level (they feed the shared gate, so every task); a task's gate of a level
 * before the second-to-last (it feeds the task's inner experts). The rest — the last level's task experts, the last two
 * levels' task gates, the heads — reach one task's output and are that task's. With one level (CGC) the shared experts'
 * stacked outputs [N, S, …] are a single shared representation ({@link #encode}); with more there is none.
 */
public final class Ple extends Architecture {
    /** One extraction level: experts, a gate per task, and a shared gate unless it is the last level. */
    private static final class Level extends Module {
        final List<Module> shared = new ArrayList<>();
        final Map<String, List<Module>> own = new LinkedHashMap<>();
        final ModuleDict gates;
        final Linear sharedGate;

        Level(Supplier<? extends Module> expert, int inputFeatures, int sharedExperts, int taskExperts,
              List<String> tasks, boolean last, Random rng) {
            Map<String, Module> s = new LinkedHashMap<>();
            for (int i = 0; i < sharedExperts; i++) {
                Module m = expert.get();
                shared.add(m);
                s.put(Integer.toString(i), m);
            }
            registerModule("shared", new ModuleDict(s));
            Map<String, Module> byTask = new LinkedHashMap<>();
            for (String t : tasks) {
                List<Module> ms = new ArrayList<>();
                Map<String, Module> named = new LinkedHashMap<>();
                for (int i = 0; i < taskExperts; i++) {
                    Module m = expert.get();
                    ms.add(m);
                    named.put(Integer.toString(i), m);
                }
                own.put(t, ms);
                byTask.put(t, new ModuleDict(named));
            }
            registerModule("tasks", new ModuleDict(byTask));
            Map<String, Module> g = new LinkedHashMap<>();
            tasks.forEach(t -> g.put(t, new Linear(inputFeatures, taskExperts + sharedExperts, rng)));
            this.gates = registerModule("gates", new ModuleDict(g));
            this.sharedGate = last ? null
                    : registerModule("sharedGate", new Linear(inputFeatures, tasks.size() * taskExperts + sharedExperts, rng));
        }

        @Override
        public String typeName() {
            return "PleLevel";
        }

        @Override
        protected Var forward(Var input) {
            throw new UnsupportedOperationException("a PLE level has one output per task; see Ple");
        }
    }

    private final String name;
    private final List<Level> levels = new ArrayList<>();
    private final ModuleDict heads;

    private Ple(String name, List<Supplier<? extends Module>> experts, int[] levelInputFeatures, int sharedExperts,
                int taskExperts, List<Task> tasks, Random rng) {
        super(tasks);
        this.name = name;
        if (experts.isEmpty() || experts.size() != levelInputFeatures.length) {
            throw new IllegalArgumentException(name + " needs one expert builder and one gate input size per level, got "
                    + experts.size() + " builders and " + levelInputFeatures.length + " sizes");
        }
        if (sharedExperts < 1 || taskExperts < 0) {
            throw new IllegalArgumentException(name + " needs sharedExperts >= 1 and taskExperts >= 0, got sharedExperts="
                    + sharedExperts + ", taskExperts=" + taskExperts);
        }
        Map<String, Module> ls = new LinkedHashMap<>();
        for (int j = 0; j < experts.size(); j++) {
            if (levelInputFeatures[j] < 1) {
                throw new IllegalArgumentException(name + ": level " + j + " needs gate input features >= 1, got "
                        + levelInputFeatures[j]);
            }
            Level level = new Level(experts.get(j), levelInputFeatures[j], sharedExperts, taskExperts, taskNames(),
                    j == experts.size() - 1, rng);
            levels.add(level);
            ls.put(Integer.toString(j), level);
        }
        registerModule("levels", new ModuleDict(ls));
        Map<String, Module> h = new LinkedHashMap<>();
        tasks.forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
    }

    /**
     * CGC: one level of {@code sharedExperts} shared and {@code taskExperts} per-task experts, each built by a call of
     * {@code expert} (shared ones first, then each task's in task order), gated on the flattened input of
     * {@code inputFeatures} values; gates draw from {@code rng} after the experts are built.
     */
    public static Ple cgc(Supplier<? extends Module> expert, int inputFeatures, int sharedExperts, int taskExperts,
                          List<Task> tasks, Random rng) {
        return new Ple("CGC", List.of(expert), new int[] {inputFeatures}, sharedExperts, taskExperts, tasks, rng);
    }

    /**
     * PLE: one level per entry of {@code levels}, whose builder makes that level's experts (called as for
     * {@link #cgc}, level by level); {@code levelInputFeatures[j]} is the size of level j's flattened input (x, then
     * the previous level's expert output). Each level's gates draw from {@code rng} once its experts are built.
     */
    public static Ple progressive(List<Supplier<? extends Module>> levels, int[] levelInputFeatures, int sharedExperts,
                                  int taskExperts, List<Task> tasks, Random rng) {
        return new Ple("PLE", levels, levelInputFeatures.clone(), sharedExperts, taskExperts, tasks, rng);
    }

    @Override
    public String typeName() {
        return name;
    }

    /** The number of extraction levels. */
    public int levels() {
        return levels.size();
    }

    @Override
    public Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        if (levels.size() == 1) {
            return decode(input, encode(input), taskNames);
        }
        Var sharedIn = input;
        Map<String, Var> taskIn = new LinkedHashMap<>();
        for (String t : taskNames()) {
            taskIn.put(t, input);
        }
        for (int j = 0; j < levels.size(); j++) {
            Level level = levels.get(j);
            boolean last = j == levels.size() - 1;
            Var shared = stacked(level.shared, sharedIn);
            Map<String, Var> next = new LinkedHashMap<>();
            List<Var> all = new ArrayList<>();
            for (String t : taskNames()) {
                if (!last || taskNames.contains(t)) {
                    Var own = stacked(level.own.get(t), taskIn.get(t));
                    next.put(t, gated(level.gates.get(t), taskIn.get(t), own, shared));
                    if (own != null) {
                        all.add(own);
                    }
                }
            }
            if (!last) {
                all.add(shared);
                sharedIn = ExpertMixture.mix(gateWeights(level.sharedGate, sharedIn),
                        all.size() == 1 ? all.get(0) : Shaping.concat(1, all.toArray(new Var[0])));
            }
            taskIn = next;
        }
        Map<String, Var> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                out.put(t, heads.get(t).call(taskIn.get(t)));
            }
        }
        return out;
    }

    /** With one level (CGC) only. */
    @Override
    public boolean hasSharedRepresentation() {
        return levels.size() == 1;
    }

    /** CGC's shared experts' outputs stacked: [N, S, …]. */
    @Override
    public Var encode(Var input) {
        if (levels.size() != 1) {
            return super.encode(input);
        }
        return stacked(levels.get(0).shared, input);
    }

    /** CGC's task predictions from the shared experts' stacked outputs; each task's own experts read the input. */
    @Override
    public Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames) {
        if (levels.size() != 1) {
            return super.decode(input, shared, taskNames);
        }
        Level level = levels.get(0);
        Map<String, Var> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                Var own = stacked(level.own.get(t), input);
                out.put(t, heads.get(t).call(gated(level.gates.get(t), input, own, shared)));
            }
        }
        return out;
    }

    /** The experts' outputs on {@code x} stacked [N, K, …], or null for no experts. */
    private Var stacked(List<Module> experts, Var x) {
        if (experts.isEmpty()) {
            return null;
        }
        List<Var> outs = new ArrayList<>();
        experts.forEach(e -> outs.add(e.call(x)));
        return ExpertMixture.stack(outs, name);
    }

    /** A task gate's mixture of [own experts, shared experts] (their eq. 2–3). */
    private static Var gated(Module gate, Var x, Var own, Var shared) {
        Var experts = own == null ? shared : Shaping.concat(1, own, shared);
        return ExpertMixture.mix(gateWeights(gate, x), experts);
    }

    private static Var gateWeights(Module gate, Var x) {
        return gate.call(x.reshape(x.shape().dim(0), -1)).softmax(1);
    }

    @Override
    public Map<String, Var> sharedParameters() {
        Map<String, Var> p = new LinkedHashMap<>();
        int count = levels.size();
        for (int j = 0; j < count; j++) {
            Level level = levels.get(j);
            String prefix = "levels." + j;
            p.putAll(prefixed(prefix + ".shared", level.children().get("shared")));
            if (j < count - 1) {
                p.putAll(prefixed(prefix + ".tasks", level.children().get("tasks")));
            }
            if (j < count - 2) {
                p.putAll(prefixed(prefix + ".gates", level.gates));
            }
            if (level.sharedGate != null) {
                p.putAll(prefixed(prefix + ".sharedGate", level.sharedGate));
            }
        }
        return p;
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        int count = levels.size();
        for (String t : taskNames()) {
            Map<String, Var> p = new LinkedHashMap<>();
            for (int j = Math.max(0, count - 2); j < count; j++) {
                Level level = levels.get(j);
                if (j == count - 1) {
                    p.putAll(prefixed("levels." + j + ".tasks." + t,
                            level.children().get("tasks").children().get(t)));
                }
                p.putAll(prefixed("levels." + j + ".gates." + t, level.gates.get(t)));
            }
            p.putAll(prefixed("heads." + t, heads.get(t)));
            out.put(t, p);
        }
        return out;
    }
}
