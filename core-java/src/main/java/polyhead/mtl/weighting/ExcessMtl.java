package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * ExcessMTL: task weights that follow each task's estimated excess risk (He, Zhou, Zhang, Yun, Xu, Zeng, Chilimbi
 * &amp; Zhao, "Robust Multi-Task Learning with Excess Risks", ICML 2024, Sec. 4 and Alg. 1; we could not check its
 * equation numbers). Tasks far from their own optimum get more weight, tasks near it (or dominated by label noise,
 * whose loss stays high but whose excess risk is small) less.
 *
 * <p>At each step, with task t's gradient g_t over the shared parameters and the element-wise running sum of its
 * squares S_t (an AdaGrad-style diagonal estimate of the curvature):
 * <pre>
 *   S_t ← S_t + g_t ⊙ g_t,        e_t = Σ_k g_{t,k}² / √(S_{t,k} + 1e-7)     (excess risk estimate)
 *   at a task's first step:  e_t⁰ = e_t, its weight unchanged
 *   afterwards:              λ_t ← λ_t · exp(η e_t / e_t⁰)                   (exponentiated gradient ascent)
 *   λ ← λ · T / Σ_t λ_t,     d = Σ_t λ_t g_t,   heads weighted λ_t
 * </pre>
 * with λ_t = 1 at first and the step size η {@link #DEFAULT_STEP_SIZE} unless given (LibMTL's
 * {@code robust_step_size}).
 *
 * <p>As LibMTL's {@code ExcessMTL.py} (commit 4336804; adapted there from the authors' code), whose "first epoch"
 * flag is in fact the first step. Deviations: (1) LibMTL assumes every task in every batch; we key the state by task
 * name, a task's first step is its own first appearance with a nonzero gradient (LibMTL would divide by e⁰ = 0), and
 * the normalization runs over the tasks present, to their count, leaving absent tasks' weights alone — the same as
 * LibMTL when every task is present. (2) LibMTL sums a gradient of the shared representation over the batch to keep
 * S_t's length fixed; our representation rows are one batch's samples, so S_t could not be carried over and we read
 * the shared parameters only ({@link #acceptsRepresentationGradients()}).
 *
 * <p>State, per task seen: λ_t, e_t⁰ and S_t, kept as float so that {@link #stateDict()} restores them exactly
 * (LibMTL keeps them in float32 too).
 */
public final class ExcessMtl implements GradientWeighting {
    /** η = 0.01, LibMTL's default {@code robust_step_size}. */
    public static final double DEFAULT_STEP_SIZE = 1e-2;
    static final String NAME = "excessMtl";
    private static final double EPS = 1e-7;

    private final double stepSize;
    private final Map<String, Float> weights = new LinkedHashMap<>();
    private final Map<String, Float> initial = new LinkedHashMap<>();
    private final Map<String, float[]> squares = new LinkedHashMap<>();

    ExcessMtl(double stepSize) {
        if (!(stepSize >= 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException(NAME + ": stepSize must be a finite number >= 0, got " + stepSize);
        }
        this.stepSize = stepSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double stepSize() {
        return stepSize;
    }

    @Override
    public boolean acceptsRepresentationGradients() {
        return false;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        List<String> tasks = gradients.tasks();
        float[][] g = gradients.grads();
        int n = g.length;
        int p = g[0].length;
        TaskVectors.checkLength(NAME, "sum of squares", squares, tasks, p);
        double[] lambda = new double[n];
        double sum = 0;
        for (int t = 0; t < n; t++) {
            String task = tasks.get(t);
            float[] s = squares.computeIfAbsent(task, k -> new float[p]);
            double excess = 0;
            for (int k = 0; k < p; k++) {
                s[k] += g[t][k] * g[t][k];
                excess += (double) g[t][k] * g[t][k] / Math.sqrt(s[k] + EPS);
            }
            lambda[t] = weights.getOrDefault(task, 1f);
            Float first = initial.get(task);
            if (first == null) {
                if (excess > 0) {
                    initial.put(task, (float) excess);
                }
            } else {
                lambda[t] *= Math.exp(stepSize * excess / first);
            }
            sum += lambda[t];
        }
        for (int t = 0; t < n; t++) {
            float w = (float) (lambda[t] / sum * n);
            weights.put(tasks.get(t), w);
            lambda[t] = w;
        }
        return new Combination(GradientRows.combine(g, lambda), lambda);
    }

    /** The current weight λ_t of every task seen so far (a copy). */
    public Map<String, Double> weights() {
        return NamedScalars.doubles(weights);
    }

    /** {@code weight.<task>} (λ_t), {@code initial.<task>} (e_t⁰) and {@code squares.<task>} (S_t, a vector). */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        NamedScalars.put(state, "weight", weights);
        NamedScalars.put(state, "initial", initial);
        TaskVectors.put(state, "squares", squares);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> scalars = new LinkedHashMap<>();
        Map<String, float[]> sums = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String task = TaskVectors.task("squares", e.getKey(), e.getValue());
            if (task != null) {
                sums.put(task, e.getValue().data().clone());
            } else {
                scalars.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Map<String, Float>> read = NamedScalars.read(NAME, scalars, "weight", "initial");
        for (Map.Entry<String, Float> e : read.get("weight").entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException(NAME + ": state entry 'weight." + e.getKey() + "' must be > 0, got "
                        + e.getValue());
            }
        }
        weights.clear();
        weights.putAll(read.get("weight"));
        initial.clear();
        initial.putAll(read.get("initial"));
        squares.clear();
        squares.putAll(sums);
    }
}
