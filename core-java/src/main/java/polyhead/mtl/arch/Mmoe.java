package polyhead.mtl.arch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;

/**
 * Multi-gate mixture of experts (Ma, Zhao, Yi, Chen, Hong &amp; Chi, KDD 2018, eq. 5–6): K shared experts f_k, and per
 * task t a gate g_t(x) = softmax(W_t·x) over the experts; task t's head reads f^t(x) = Σ_k g_t(x)_k·f_k(x).
 * {@link #onePerTask one gate per task} is MMoE; {@link #oneGate one gate for all tasks} is the paper's OMoE
 * baseline (its eq. 4 with a single gate). Gates are linear maps of the flattened input, as in the paper.
 *
 * <p>With a trunk ({@code trunk.*}, shared), the experts read its output and the gates still read the model's input.
 * Parameters: {@code experts.<k>.*} (shared), {@code gates.<task>.*} for MMoE (task-specific) or {@code gate.*}
 * for OMoE (shared), {@code heads.<task>.*}. The shared representation is the stack of expert outputs [N, K, d].
 */
public final class Mmoe extends SharedRepresentation {
    private final ModuleDict experts;
    private final ModuleDict gates;
    private final Linear sharedGate;
    private final ModuleDict heads;
    private final int expertCount;

    private Mmoe(Module trunk, Supplier<? extends Module> expert, int expertCount, int inputFeatures, List<Task> tasks,
                 boolean gatePerTask, Random rng) {
        super(tasks);
        registerTrunk(trunk);
        if (expertCount < 1 || inputFeatures < 1) {
            throw new IllegalArgumentException("MMoE needs experts >= 1 and input features >= 1, got experts="
                    + expertCount + ", inputFeatures=" + inputFeatures);
        }
        this.expertCount = expertCount;
        Map<String, Module> e = new LinkedHashMap<>();
        for (int k = 0; k < expertCount; k++) {
            e.put(Integer.toString(k), expert.get());
        }
        this.experts = registerModule("experts", new ModuleDict(e));
        if (gatePerTask) {
            Map<String, Module> g = new LinkedHashMap<>();
            tasks.forEach(t -> g.put(t.name(), new Linear(inputFeatures, expertCount, rng)));
            this.gates = registerModule("gates", new ModuleDict(g));
            this.sharedGate = null;
        } else {
            this.gates = null;
            this.sharedGate = registerModule("gate", new Linear(inputFeatures, expertCount, rng));
        }
        Map<String, Module> h = new LinkedHashMap<>();
        tasks.forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
    }

    /** MMoE: one softmax gate per task. */
    public static Mmoe onePerTask(Supplier<? extends Module> expert, int experts, int inputFeatures, List<Task> tasks, Random rng) {
        return new Mmoe(null, expert, experts, inputFeatures, tasks, true, rng);
    }

    /** OMoE: one gate shared by every task. */
    public static Mmoe oneGate(Supplier<? extends Module> expert, int experts, int inputFeatures, List<Task> tasks, Random rng) {
        return new Mmoe(null, expert, experts, inputFeatures, tasks, false, rng);
    }

    /**
     * MMoE ({@code gatePerTask}) or OMoE whose experts read the output of a shared {@code trunk} (null: the input);
     * {@code inputFeatures} is the size of the flattened model input the gates read.
     */
    public static Mmoe withTrunk(Module trunk, Supplier<? extends Module> expert, int experts, int inputFeatures,
                                 List<Task> tasks, boolean gatePerTask, Random rng) {
        return new Mmoe(trunk, expert, experts, inputFeatures, tasks, gatePerTask, rng);
    }

    @Override
    public String typeName() {
        return gates != null ? "MMoE" : "OMoE";
    }

    /** The expert outputs stacked: [N, K, d]. */
    @Override
    public Var encode(Var input) {
        Var x = trunkOutput(input);
        return ExpertMixture.vectors(experts, x, "MMoE");
    }

    @Override
    public Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames) {
        Var flat = input.reshape(input.shape().dim(0), -1);
        Map<String, Var> out = new LinkedHashMap<>();
        Var common = sharedGate == null ? null : mixture(sharedGate.call(flat), shared);
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                Var mixed = common != null ? common : mixture(gates.get(t).call(flat), shared);
                out.put(t, heads.get(t).call(mixed));
            }
        }
        return out;
    }

    /** Σ_k softmax(logits)_k · experts[:, k, :]. */
    private static Var mixture(Var gateLogits, Var stacked) {
        return ExpertMixture.mix(gateLogits.softmax(1), stacked);
    }

    @Override
    public Map<String, Var> sharedParameters() {
        Map<String, Var> p = trunkParameters();
        p.putAll(prefixed("experts", experts));
        if (sharedGate != null) {
            p.putAll(prefixed("gate", sharedGate));
        }
        return p;
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            Map<String, Var> p = new LinkedHashMap<>();
            if (gates != null) {
                p.putAll(prefixed("gates." + t, gates.get(t)));
            }
            p.putAll(prefixed("heads." + t, heads.get(t)));
            out.put(t, p);
        }
        return out;
    }
}
