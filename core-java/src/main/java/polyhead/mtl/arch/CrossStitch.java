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
import polyhead.tensor.Tensor;

/**
 * Cross-stitch networks (Misra, Shrivastava, Gupta &amp; Hebert, CVPR 2016): one tower per task, cut into stages;
 * after every stage but the last, a cross-stitch unit replaces each task's activation by a learned linear
 * combination of all tasks' activations at that stage, x̃_i = Σ_j α_ij x_j (their eq. 1), then each task's head
 * reads its last stage. α is initialized to 0.9 on the diagonal and 0.1/(T−1) elsewhere (the paper's (α_S, α_D) =
 * (0.9, 0.1) for two tasks). Deviation: one α per task pair and unit, where the paper also allows one per channel.
 *
 * <p>Parameters: {@code trunk.*} (an optional shared trunk the towers read), {@code towers.<task>.<stage>.*},
 * {@code stitches.<unit>.alpha} and {@code heads.<task>.*}. Shared are the trunk, the units (they mix all tasks) and
 * every stage but the last of every tower: a unit passes a stage's output on to every task, so a gradient-level
 * weighting must combine the tasks' gradients of it (as LibMTL counts the whole network but the heads shared); a
 * task's own parameters are its last stage and its head.
 */
public final class CrossStitch extends StagedTowers {
    /** A T×T mixing matrix. */
    static final class Unit extends Module {
        final Var alpha;

        Unit(int tasks) {
            float off = tasks > 1 ? 0.1f / (tasks - 1) : 0f;
            Tensor a = Tensor.full(off, polyhead.tensor.Shape.of(tasks, tasks));
            for (int i = 0; i < tasks; i++) {
                a.set(tasks > 1 ? 0.9f : 1f, i, i);
            }
            alpha = registerParameter("alpha", a);
        }

        @Override
        public String typeName() {
            return "CrossStitchUnit";
        }

        @Override
        protected Var forward(Var input) {
            throw new UnsupportedOperationException("a cross-stitch unit mixes several inputs; see CrossStitch");
        }

        /** x̃_i = Σ_j α_ij x_j over the tasks' activations of one shape. */
        List<Var> mix(List<Var> xs) {
            return CrossStitch.mix(alpha, xs);
        }
    }

    /** x̃_i = Σ_j w_ij x_j: each row of the T×T matrix {@code w} mixes the T activations {@code xs} of one shape. */
    static List<Var> mix(Var w, List<Var> xs) {
        int[] dims = xs.get(0).shape().dims();
        int m = xs.get(0).value().size();
        Var[] rows = new Var[xs.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = xs.get(i).reshape(1, m);
        }
        Var mixed = w.matmul(polyhead.autodiff.ops.Shaping.concat(0, rows));
        int[] ones = new int[xs.size()];
        java.util.Arrays.fill(ones, 1);
        List<Var> out = new ArrayList<>();
        for (Var r : mixed.split(0, ones)) {
            out.add(r.reshape(dims));
        }
        return out;
    }

    private final List<Unit> units = new ArrayList<>();

    /**
     * @param stages one builder per stage; each is called once per task and must return a fresh module, and the
     *               tasks' outputs at a stage must have one shape
     */
    public CrossStitch(List<Supplier<? extends Module>> stages, List<Task> tasks) {
        this(null, stages, tasks);
    }

    /** As {@link #CrossStitch(List, List)}, the towers reading the output of a shared {@code trunk}. */
    public CrossStitch(Module trunk, List<Supplier<? extends Module>> stages, List<Task> tasks) {
        super(trunk, atLeastOne(stages), tasks, "stitches");
        Map<String, Module> u = new LinkedHashMap<>();
        for (int s = 0; s < stages.size() - 1; s++) {
            Unit unit = new Unit(tasks.size());
            units.add(unit);
            u.put(Integer.toString(s), unit);
        }
        registerLinksAndHeads(u);
    }

    private static List<Supplier<? extends Module>> atLeastOne(List<Supplier<? extends Module>> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("cross-stitch needs at least one stage");
        }
        return stages;
    }

    @Override
    public Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        return outputs(input, taskNames, (s, xs) -> units.get(s).mix(xs));
    }
}
