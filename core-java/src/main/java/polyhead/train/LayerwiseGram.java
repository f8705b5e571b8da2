package polyhead.train;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.autodiff.DeferredWeightGradients;
import polyhead.autodiff.Var;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Tensor;

/**
 * The Gram matrix M_st = g_s · g_t of the tasks' gradients of the shared parameters, built parameter by parameter
 * while each task's backward pass runs, and the combined gradient Σ_t a_t g_t, without forming g_t for the weights of
 * fully connected layers (after TorchJD's "autogram", Gramian of the Jacobian built layer by layer; our code is
 * written from the mathematics below).
 *
 * <p>A fully connected layer y = x·Wᵀ + b with input x [R, in] (R rows: samples, or samples × positions) and, for
 * task t, output gradient G_t [R, out] has ∂L_t/∂W = G_tᵀ x. Its part of M is
 * <pre>
 *   ⟨G_sᵀx, G_tᵀx⟩ = Σ_{r,r'} (x xᵀ)_{rr'} (G_s G_tᵀ)_{rr'} = ⟨G_s, K G_t⟩,   K = x xᵀ  [R, R],
 * </pre>
 * R²·in + T·R²·out multiply-adds instead of T·R·in·out for the T weight gradients; we take whichever route is cheaper
 * for each weight, counting on the K route the combined gradient's product, (Σ_t a_t G_t)ᵀ x, R·in·out more (formed
 * gradients are just added up). At W1's batch of 128 that is K for the first trunk layer (784 → 256) and the formed
 * gradients for the second (256 → 128) at 2 tasks; at 4 the two routes tie and K is taken (measured a little faster).
 * The backward passes hand (x, G_t) over through {@link DeferredWeightGradients} instead of forming
 * G_tᵀ x. A weight used by several fully connected nodes (inputs from several batches, or one weight applied twice)
 * has its uses stacked along R (uses with the same input array add their G_t).
 *
 * <p>Every other shared parameter — biases, convolutions, normalization, embeddings, recurrent and attention
 * weights, and a weight that some other operation also uses — falls back to its materialized per-task gradient, as
 * the per-task path has it: its part of M is Σ_k g_s[k]·g_t[k], its part of the update Σ_t a_t g_t.
 *
 * <p>Rounding: M and the update are the per-task path's up to float rounding in the products (K and K G_t are float
 * products; the Gram entries and the combination are summed in double).
 */
final class LayerwiseGram implements DeferredWeightGradients.Sink {
    private final int tasks;
    private final Set<Var> deferrable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Var, List<Use>> uses = new LinkedHashMap<>();
    private final List<Var> shared;
    /** Per task, each shared parameter's materialized gradient (a copy), where it got one. */
    private final List<Map<Var, float[]>> materialized = new ArrayList<>();
    private int task = -1;
    /** Per weight in {@link #uses}, its per-task weight gradients when those were formed (the cheaper route). */
    private final Map<Var, float[][]> formed = new IdentityHashMap<>();

    /** One fully connected input of a weight, with each task's gradient of the layer's output (null: none). */
    private static final class Use {
        final float[] input;
        final int rows;
        final float[][] outputGradients;

        Use(float[] input, int rows, int tasks) {
            this.input = input;
            this.rows = rows;
            this.outputGradients = new float[tasks][];
        }
    }

    /** For the {@code tasks} task backward passes over the trainable shared parameters {@code shared}. */
    LayerwiseGram(int tasks, List<Var> shared) {
        this.tasks = tasks;
        this.shared = shared;
        for (Var p : shared) {
            if (p.shape().rank() == 2) {
                deferrable.add(p);
            }
        }
    }

    /** The next task's backward pass begins; run it inside {@link DeferredWeightGradients#capture}(this). */
    void beginTask() {
        task++;
    }

    /** Task {@code task}'s backward pass has ended: keeps a copy of every shared gradient it materialized. */
    void endTask() {
        Map<Var, float[]> m = new IdentityHashMap<>();
        for (Var p : shared) {
            if (p.grad() != null) {
                m.put(p, p.grad().data().clone());
            }
        }
        materialized.add(m);
    }

    @Override
    public boolean accepts(Var weight) {
        return deferrable.contains(weight);
    }

    @Override
    public void take(Var weight, float[] input, float[] outputGradient, int rows, int in, int out) {
        List<Use> list = uses.computeIfAbsent(weight, w -> new ArrayList<>());
        Use use = null;
        for (Use u : list) {
            if (u.input == input && u.rows == rows) {
                use = u;
            }
        }
        if (use == null) {
            use = new Use(input, rows, tasks);
            list.add(use);
        }
        float[] g = use.outputGradients[task];
        if (g == null) {
            use.outputGradients[task] = java.util.Arrays.copyOf(outputGradient, rows * out);
        } else {
            for (int i = 0; i < g.length; i++) {
                g[i] += outputGradient[i];
            }
        }
    }

    /** M, T×T, summed in double over every shared parameter. */
    double[][] gram() {
        double[][] m = new double[tasks][tasks];
        Gemm gemm = Gemms.current();
        for (Map.Entry<Var, List<Use>> e : uses.entrySet()) {
            Var w = e.getKey();
            int out = w.shape().dim(0);
            int in = w.shape().dim(1);
            Stacked s = stack(e.getValue(), in, out);
            boolean mixed = false;
            for (Map<Var, float[]> mt : materialized) {
                mixed |= mt.containsKey(w);
            }
            // the K route also needs the combined gradient's product (Σ a_t G_t)ᵀ x later; formed ones are just added
            long viaK = (long) s.rows * s.rows * in + (long) tasks * s.rows * s.rows * out
                    + (long) s.rows * in * out;
            long viaGradients = (long) tasks * s.rows * in * out;
            if (mixed || viaGradients < viaK) {
                float[][] gw = new float[tasks][];
                for (int t = 0; t < tasks; t++) {
                    gw[t] = new float[out * in];
                    gemm.gemm(true, false, out, in, s.rows, s.gradients[t], 0, s.input, 0, gw[t], 0, false);
                    float[] extra = materialized.get(t).get(w);
                    if (extra != null) {
                        for (int k = 0; k < extra.length; k++) {
                            gw[t][k] += extra[k];
                        }
                    }
                }
                formed.put(w, gw);
                addDots(m, gw);
            } else {
                // the full product: building only its upper triangle, in strips of rows, saves 3/8 of the multiply-adds
                // at 128 rows but ran slower (narrower products; BENCHMARKS.md, session 14)
                float[] k = new float[s.rows * s.rows];
                gemm.gemm(false, true, s.rows, s.rows, in, s.input, 0, s.input, 0, k, 0, false);
                float[] kg = new float[s.rows * out];
                for (int t = 0; t < tasks; t++) {
                    gemm.gemm(false, false, s.rows, out, s.rows, k, 0, s.gradients[t], 0, kg, 0, false);
                    for (int r = 0; r <= t; r++) {
                        double d = ArrayMath.dotDouble(s.gradients[r], kg);
                        m[r][t] += d;
                        if (r != t) {
                            m[t][r] += d;
                        }
                    }
                }
            }
        }
        for (Var p : shared) {
            if (uses.containsKey(p)) {
                continue;
            }
            float[][] rows = new float[tasks][];
            for (int t = 0; t < tasks; t++) {
                rows[t] = materialized.get(t).get(p);
            }
            addDots(m, rows);
        }
        return m;
    }

    /**
     * Adds Σ_t a_t g_t into every shared parameter's gradient ({@link Var#addGrad}); call after {@link #gram()} and
     * with every gradient cleared.
     */
    void applyCombination(double[] a) {
        Gemm gemm = Gemms.current();
        for (Map.Entry<Var, List<Use>> e : uses.entrySet()) {
            Var w = e.getKey();
            int out = w.shape().dim(0);
            int in = w.shape().dim(1);
            float[][] gw = formed.get(w);
            if (gw != null) {
                w.addGrad(Tensor.wrap(w.shape(), combine(gw, a, out * in)));
                continue;
            }
            Stacked s = stack(e.getValue(), in, out);
            float[] d = combine(s.gradients, a, s.rows * out);
            Tensor g = w.gradBuffer();
            gemm.gemm(true, false, out, in, s.rows, d, 0, s.input, 0, g.data(), 0, false);
            w.addFreshGrad(g);
        }
        for (Var p : shared) {
            if (uses.containsKey(p)) {
                continue;
            }
            float[][] rows = new float[tasks][];
            boolean any = false;
            for (int t = 0; t < tasks; t++) {
                rows[t] = materialized.get(t).get(p);
                any |= rows[t] != null;
            }
            if (any) {
                p.addGrad(Tensor.wrap(p.shape(), combine(rows, a, p.value().size())));
            }
        }
    }

    /** A weight's uses stacked along the rows: x [rows, in] and each task's G_t [rows, out] (zeros where none). */
    private record Stacked(float[] input, int rows, float[][] gradients) {
    }

    private Stacked stack(List<Use> list, int in, int out) {
        if (list.size() == 1) {
            Use u = list.get(0);
            float[][] g = new float[tasks][];
            for (int t = 0; t < tasks; t++) {
                g[t] = u.outputGradients[t] != null ? u.outputGradients[t] : new float[u.rows * out];
            }
            return new Stacked(u.input, u.rows, g);
        }
        int rows = 0;
        for (Use u : list) {
            rows += u.rows;
        }
        float[] x = new float[rows * in];
        float[][] g = new float[tasks][rows * out];
        int r = 0;
        for (Use u : list) {
            System.arraycopy(u.input, 0, x, r * in, u.rows * in);
            for (int t = 0; t < tasks; t++) {
                if (u.outputGradients[t] != null) {
                    System.arraycopy(u.outputGradients[t], 0, g[t], r * out, u.rows * out);
                }
            }
            r += u.rows;
        }
        return new Stacked(x, rows, g);
    }

    /** M_st += Σ_k v_s[k] v_t[k] over the tasks' vectors (null: zero). */
    private static void addDots(double[][] m, float[][] v) {
        for (int s = 0; s < v.length; s++) {
            for (int t = s; t < v.length; t++) {
                if (v[s] == null || v[t] == null) {
                    continue;
                }
                double d = ArrayMath.dotDouble(v[s], v[t]);
                m[s][t] += d;
                if (s != t) {
                    m[t][s] += d;
                }
            }
        }
    }

    /** Σ_t a_t v_t (null: zero) over {@code n} elements, summed in double and rounded once. */
    private static float[] combine(float[][] v, double[] a, int n) {
        float[] r = new float[n];
        ArrayMath.weightedSum(v, a, n, r);
        return r;
    }
}
