package polyhead.mtl.arch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Initializers;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.tensor.Tensor;

/**
 * DSelect-k (Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen, Mazumder, Hong &amp; Chi, "DSelect-k: Differentiable
 * Selection in the Mixture of Experts with Applications to Multi-Task Learning", NeurIPS 2021): n shared experts, and
 * per task a gate that selects k of them in a differentiable way. Each of the task's k selectors holds m = ⌈log₂ n⌉
 * logits z ∈ ℝ^m and puts weight r(z)_l = Π_j [S(z_j) if bit j of l is 1, else 1 − S(z_j)] on expert l (their eq. 5,
 * bits most significant first), with the smooth step S(t) = 0 for t ≤ −γ/2, 1 for t ≥ γ/2 and −2t³/γ³ + 3t/(2γ) + ½
 * between (eq. 3); the gate is q(x) = Σ_i softmax(α)_i · r(z_i) (eq. 6) and task t's head reads Σ_l q_l·f_l(x).
 * Gates are per example (§4.2): z = Z_t·x and α = A_t·x, linear maps (with bias) of the flattened input, initialized
 * uniform in ±γ/100 and ±0.05 as in the authors' code.
 *
 * <p>{@link #regularization()} adds, for the last forward pass in training, the entropy of the selectors, λ·Σ h(r(z_i))
 * over the tasks, selectors and samples (§4.3, to drive each selector to a single expert; h(r) = −Σ_l r_l·log(r_l +
 * 10⁻⁶) as in LibMTL), and when n is not a power of 2 the authors' penalty Σ 1/Σ_{l&lt;n} r(z_i)_l that pushes the
 * selectors off the 2^m − n codes that name no expert. Deviations: both terms summed over every task (LibMTL's
 * {@code DSelect_k}, commit 4336804, takes the last task's selectors only and backpropagates them inside its forward);
 * λ defaults to LibMTL's fixed 10⁻⁶ ({@link #DEFAULT_ENTROPY_WEIGHT}); the paper's static (input-independent) gate
 * variant is not offered.
 *
 * <p>Parameters: {@code experts.<l>.*} (shared), {@code gates.<task>.z.*} and {@code gates.<task>.alpha.*}
 * (task-specific), {@code heads.<task>.*}. The shared representation is the stack of expert outputs [N, n, d].
 */
public final class DSelectK extends SharedRepresentation {
    /** λ, the weight of the selectors' entropy in {@link #regularization()}: LibMTL's constant. */
    public static final double DEFAULT_ENTROPY_WEIGHT = 1e-6;
    /** γ, the width of the smooth step's ramp: the paper's and LibMTL's default. */
    public static final double DEFAULT_GAMMA = 1.0;

    private final ModuleDict experts;
    private final ModuleDict gates;
    private final ModuleDict heads;
    private final int expertCount;
    private final int selectors;
    private final int bits;
    private final float gamma;
    private final double entropyWeight;
    /** Per bit j: the constants a_j, b_j with the factor of code l = a_j[l] + b_j[l]·S(z_j), shaped [1, 1, n]. */
    private final Tensor[] offsets;
    private final Tensor[] slopes;
    /** The regularizer of the last forward pass in training, or null. */
    private volatile Var pending;

    /**
     * @param expert        builds each of the {@code experts} (n ≥ 2) experts, called n times in order
     * @param selectors     k, the number of experts each task's gate selects (1 ≤ k)
     * @param inputFeatures the size of the flattened input the gates read
     * @param gamma         the smooth step's γ &gt; 0
     * @param entropyWeight λ ≥ 0
     * @param rng           draws the gates, after the experts are built
     */
    public DSelectK(Supplier<? extends Module> expert, int experts, int selectors, int inputFeatures, double gamma,
                    double entropyWeight, List<Task> tasks, Random rng) {
        super(tasks);
        if (experts < 2 || selectors < 1 || inputFeatures < 1) {
            throw new IllegalArgumentException("DSelect-k needs experts >= 2, selectors >= 1 and input features >= 1, "
                    + "got experts=" + experts + ", selectors=" + selectors + ", inputFeatures=" + inputFeatures);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma) || !(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
            throw new IllegalArgumentException("DSelect-k needs gamma > 0 and entropyWeight >= 0 (finite), got gamma="
                    + gamma + ", entropyWeight=" + entropyWeight);
        }
        this.expertCount = experts;
        this.selectors = selectors;
        this.bits = 32 - Integer.numberOfLeadingZeros(experts - 1);
        this.gamma = (float) gamma;
        this.entropyWeight = entropyWeight;
        Map<String, Module> e = new LinkedHashMap<>();
        for (int l = 0; l < experts; l++) {
            e.put(Integer.toString(l), expert.get());
        }
        this.experts = registerModule("experts", new ModuleDict(e));
        Map<String, Module> g = new LinkedHashMap<>();
        float zRange = (float) gamma / 100;
        for (Task t : tasks) {
            Linear z = new Linear(inputFeatures, selectors * bits, rng)
                    .initialize(Initializers.uniform(-zRange, zRange), Initializers.uniform(-zRange, zRange), rng);
            Linear alpha = new Linear(inputFeatures, selectors, rng)
                    .initialize(Initializers.uniform(-0.05f, 0.05f), Initializers.uniform(-0.05f, 0.05f), rng);
            Map<String, Module> pair = new LinkedHashMap<>();
            pair.put("z", z);
            pair.put("alpha", alpha);
            g.put(t.name(), new ModuleDict(pair));
        }
        this.gates = registerModule("gates", new ModuleDict(g));
        Map<String, Module> h = new LinkedHashMap<>();
        tasks.forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
        offsets = new Tensor[bits];
        slopes = new Tensor[bits];
        for (int j = 0; j < bits; j++) {
            float[] a = new float[experts];
            float[] b = new float[experts];
            for (int l = 0; l < experts; l++) {
                boolean one = ((l >> (bits - 1 - j)) & 1) == 1;
                a[l] = one ? 0 : 1; // 1 − S(z_j) for a 0 bit, S(z_j) for a 1 bit
                b[l] = one ? 1 : -1;
            }
            offsets[j] = Tensor.of(a, 1, 1, experts);
            slopes[j] = Tensor.of(b, 1, 1, experts);
        }
    }

    @Override
    public String typeName() {
        return "DSelect-k";
    }

    /** The expert outputs stacked: [N, n, d]. */
    @Override
    public Var encode(Var input) {
        return ExpertMixture.vectors(experts, input, typeName());
    }

    @Override
    public Map<String, Var> decode(Var input, Var shared, Collection<String> taskNames) {
        Var flat = input.reshape(input.shape().dim(0), -1);
        Map<String, Var> out = new LinkedHashMap<>();
        Var reg = null;
        for (String t : taskNames()) {
            if (!taskNames.contains(t)) {
                continue;
            }
            Var r = selectorOutputs(t, flat);
            Var w = gates.get(t).children().get("alpha").call(flat).softmax(1);
            Var q = w.reshape(w.shape().dim(0), selectors, 1).mul(r).sum(1, false);
            out.put(t, heads.get(t).call(ExpertMixture.mix(q, shared)));
            reg = reg == null ? penalty(r) : reg.add(penalty(r));
        }
        if (isTraining()) {
            pending = reg;
        }
        return out;
    }

    /** Each selector's weights over the experts, r(z_i): [N, k, n]. */
    Var selectorOutputs(String task, Var flat) {
        int n = flat.shape().dim(0);
        Var z = gates.get(task).children().get("z").call(flat).reshape(n, selectors, bits);
        Var r = null;
        for (int j = 0; j < bits; j++) {
            Var s = smoothStep(z.slice(2, j, j + 1), gamma);
            Var factor = s.mul(Var.constant(slopes[j])).add(Var.constant(offsets[j]));
            r = r == null ? factor : r.mul(factor);
        }
        return r;
    }

    /** S(t): 0 below −γ/2, 1 above γ/2, the cubic −2t³/γ³ + 3t/(2γ) + ½ between (their eq. 3). */
    static Var smoothStep(Var t, float gamma) {
        Var c = t.clamp(-gamma / 2, gamma / 2);
        return c.pow(3).mul(-2 / (gamma * gamma * gamma)).add(c.mul(3 / (2 * gamma))).add(0.5f);
    }

    /** λ·Σ −r log(r + 10⁻⁶), plus Σ 1/Σ_l r when n is not a power of 2. */
    private Var penalty(Var r) {
        Var entropy = r.mul(r.add(1e-6f).log()).sum().mul((float) -entropyWeight);
        if (expertCount == 1 << bits) {
            return entropy;
        }
        return entropy.add(r.sum(2, false).pow(-1).sum());
    }

    /**
     * The selectors' entropy (times λ) and, for n not a power of 2, the penalty on codes that name no expert, of the
     * last forward pass in training mode (the trainer adds it right after its forward pass); null before one.
     */
    @Override
    public Var regularization() {
        return pending;
    }

    public int selectors() {
        return selectors;
    }

    @Override
    public Map<String, Var> sharedParameters() {
        return prefixed("experts", experts);
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            Map<String, Var> p = new LinkedHashMap<>(prefixed("gates." + t, gates.get(t)));
            p.putAll(prefixed("heads." + t, heads.get(t)));
            out.put(t, p);
        }
        return out;
    }
}
