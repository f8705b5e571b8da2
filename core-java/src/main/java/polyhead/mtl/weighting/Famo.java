package polyhead.mtl.weighting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * FAMO, fast adaptive multitask optimization (Liu, Feng, Stone &amp; Liu, "FAMO: Fast Adaptive Multitask
 * Optimization", NeurIPS 2023, Sec. 3, eq. 5–7 and Alg. 1), as LibMTL's {@code FAMO.py} and the authors' code run it.
 *
 * <p>One logit ξ_t per task, z = softmax(ξ) over the tasks present in the batch, and with D_t = L_t − L_t* + ε
 * (L_t* = 0, ε = 10⁻⁸) the objective
 * <pre>
 *   Σ_t (z_t / c) log D_t,    c = Σ_t z_t / D_t  (held constant),
 * </pre>
 * whose gradient is Σ_t w_t ∇L_t with w_t = z_t / (c D_t), weights that sum to 1 (eq. 6: the update that decreases
 * every log-loss at the rate z asks for). After the optimizer's step the trainer computes the same batch's losses
 * L_t⁺ again ({@link #observesStepEffect()}) and the logits learn from the decrease of the log-losses,
 * δ_t = log D_t − log D_t⁺ (eq. 7):
 * <pre>
 *   ∂/∂ξ = J_softmax(ξ)ᵀ δ = z ⊙ (δ − z·δ),    ξ ← Adam(ξ, ∂/∂ξ + γ ξ; lr β)
 * </pre>
 * with torch's Adam (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, weight decay γ added to the gradient), learning rate
 * {@link #DEFAULT_LR} and decay {@link #DEFAULT_WEIGHT_DECAY} (LibMTL's and the paper's defaults) unless given. A
 * task whose loss fell by more gets a smaller logit: its weight moves to the tasks that improve less.
 *
 * <p>A loss weighting: it works with every architecture, and has no gradient source (it never reads per-task
 * gradients, which is what makes it cost one backward pass; the price is one extra forward pass per step). Losses
 * must be greater than −ε (cross-entropy, MSE and the like are ≥ 0); others are refused. Deviations: L* is fixed
 * at 0 as in LibMTL (the paper allows a known lower bound); the logits of tasks absent from a batch get no gradient
 * from it (Adam and the decay still move them, as torch's Adam does for the whole vector); with gradient
 * accumulation every call of the optimizer counts as a step. The logits are created for the task names given to
 * the factory (softmax needs them all from the start, ξ = 0). State — logits, Adam's two moments per task and its
 * step count — is kept as float and saved in checkpoints, so a resumed run continues exactly.
 */
public final class Famo implements LossWeighting {
    /** β = 0.025, the learning rate of the logits in LibMTL's and the authors' code. */
    public static final double DEFAULT_LR = 0.025;
    /** γ = 10⁻³, the weight decay of the logits in LibMTL's and the authors' code. */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-3;
    static final String NAME = "famo";
    static final double EPS = 1e-8;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private final double lr;
    private final double weightDecay;
    private final Map<String, Float> logits = new LinkedHashMap<>();
    private final Map<String, Float> firstMoments = new LinkedHashMap<>();
    private final Map<String, Float> secondMoments = new LinkedHashMap<>();
    private long updates;

    Famo(List<String> tasks, double lr, double weightDecay) {
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": needs the task names (T = 0 given)");
        }
        if (!(lr > 0) || Double.isInfinite(lr) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(NAME + ": needs a finite lr > 0 and weight decay >= 0, got lr=" + lr
                    + ", weightDecay=" + weightDecay);
        }
        this.lr = lr;
        this.weightDecay = weightDecay;
        for (String t : tasks) {
            if (logits.put(t, 0f) != null) {
                throw new IllegalArgumentException(NAME + ": task '" + t + "' is listed twice");
            }
            firstMoments.put(t, 0f);
            secondMoments.put(t, 0f);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** z = softmax of the logits of {@code tasks} (those present in a batch), in their order. */
    public double[] taskShares(Iterable<String> tasks) {
        List<String> names = known(tasks);
        double[] xi = new double[names.size()];
        for (int i = 0; i < xi.length; i++) {
            xi[i] = logits.get(names.get(i));
        }
        return LossTerms.scaledSoftmax(xi, 1);
    }

    /** The current logits ξ by task (a copy). */
    public Map<String, Double> logits() {
        return NamedScalars.doubles(logits);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        double[] z = taskShares(losses.keySet());
        double[] d = new double[z.length];
        double c = 0;
        int t = 0;
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            d[t] = shifted(e.getKey(), e.getValue().value().item());
            c += z[t] / d[t];
            t++;
        }
        Var sum = null;
        t = 0;
        for (Var loss : losses.values()) {
            Var term = loss.add((float) EPS).log().mul((float) (z[t++] / c));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    @Override
    public boolean observesStepEffect() {
        return true;
    }

    /**
     * One Adam step of the logits on J_softmaxᵀ δ, δ_t = log D_t(before) − log D_t(after), over the tasks in both.
     */
    @Override
    public void stepTaken(Map<String, Double> lossesBefore, Map<String, Double> lossesAfter) {
        List<String> tasks = lossesBefore.keySet().stream().filter(lossesAfter::containsKey).toList();
        double[] z = taskShares(tasks);
        double[] delta = new double[z.length];
        double zDelta = 0;
        for (int i = 0; i < delta.length; i++) {
            String task = tasks.get(i);
            delta[i] = Math.log(shifted(task, lossesBefore.get(task))) - Math.log(shifted(task, lossesAfter.get(task)));
            zDelta += z[i] * delta[i];
        }
        Map<String, Double> grads = new LinkedHashMap<>();
        logits.keySet().forEach(task -> grads.put(task, 0.0));
        for (int i = 0; i < delta.length; i++) {
            grads.put(tasks.get(i), z[i] * (delta[i] - zDelta));
        }
        updates++;
        double bias1 = 1 - Math.pow(BETA1, updates);
        double bias2 = 1 - Math.pow(BETA2, updates);
        for (Map.Entry<String, Double> e : grads.entrySet()) {
            String task = e.getKey();
            double xi = logits.get(task);
            double g = e.getValue() + weightDecay * xi;
            double m = BETA1 * firstMoments.get(task) + (1 - BETA1) * g;
            double v = BETA2 * secondMoments.get(task) + (1 - BETA2) * g * g;
            firstMoments.put(task, (float) m);
            secondMoments.put(task, (float) v);
            logits.put(task, (float) (xi - lr / bias1 * m / (Math.sqrt(v) / Math.sqrt(bias2) + ADAM_EPS)));
        }
    }

    /** D = L + ε, refused unless positive and finite. */
    private static double shifted(String task, double loss) {
        double d = loss + EPS;
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(NAME + ": loss of task '" + task + "' is " + loss
                    + "; famo takes the log of each loss, so losses must be finite and > -1e-8");
        }
        return d;
    }

    private List<String> known(Iterable<String> tasks) {
        List<String> names = new ArrayList<>();
        for (String task : tasks) {
            if (!logits.containsKey(task)) {
                throw new IllegalArgumentException(NAME + ": task '" + task + "' has no logit (tasks: "
                        + logits.keySet() + ")");
            }
            names.add(task);
        }
        return names;
    }

    /** {@code logit.<task>}, {@code adamFirst.<task>}, {@code adamSecond.<task>} and {@code updates.count}. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "logit", logits);
        NamedScalars.put(state, "adamFirst", firstMoments);
        NamedScalars.put(state, "adamSecond", secondMoments);
        state.put("updates.count", Tensor.scalar(updates));
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Map<String, Float>> parts = NamedScalars.read(NAME, state, "logit", "adamFirst", "adamSecond",
                "updates");
        for (String p : List.of("logit", "adamFirst", "adamSecond")) {
            if (!parts.get(p).keySet().equals(logits.keySet())) {
                throw new IllegalArgumentException(NAME + ": state has " + p + " for " + parts.get(p).keySet()
                        + ", this strategy has tasks " + logits.keySet());
            }
        }
        long count = NamedScalars.count(NAME, "updates", parts.get("updates"));
        logits.putAll(parts.get("logit"));
        firstMoments.putAll(parts.get("adamFirst"));
        secondMoments.putAll(parts.get("adamSecond"));
        updates = count;
    }
}
