package polyhead.mtl.arch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import polyhead.autodiff.Var;
import polyhead.mtl.Task;
import polyhead.nn.Module;
import polyhead.tensor.Seeds;
import polyhead.tensor.Tensor;

/**
 * Learning to branch (Guo, Lee &amp; Ulbricht, ICML 2020): a tree of layer copies. Every stage has one node per task
 * (a copy of that stage's layers); node t of stage s+1 reads the output of one parent node of stage s, chosen by
 * branching logits θ_s[t, ·]. During the search the choice is relaxed with the Gumbel-softmax (Jang, Gu &amp; Poole,
 * 2017), as in the paper's tree-structured search: node t reads Σ_j w_tj x_j with w_t = softmax((θ_s[t] + g_t)/τ),
 * g Gumbel noise. Once the tree is <em>fixed</em>, or in evaluation mode, each node reads only its argmax parent,
 * arg max_j θ_s[t, j]: a node that several tasks' paths then pass through is shared by them. Node t of the last
 * stage feeds task t's head.
 *
 * <p>The two phases in Polyhead: the search is the first {@code fixAfter} training forward passes (0: never fixed
 * during training), then the architecture fixes the tree itself and trains on with it ({@link #fix} does so at
 * once). The state is in the buffers {@code branching.state.calls} (training passes so far, two 24-bit float halves
 * as in {@link polyhead.nn.Dropout}) and {@code branching.state.fixed}, so a checkpoint or saved model holds the tree
 * and a loaded model predicts with it. The Gumbel noise of pass n is drawn from {@code Seeds.derive(seed, n)}: runs
 * with one seed draw the same noise, also after a resume.
 *
 * <p>Temperature. τ is constant unless a decay is given: with {@code temperatureDecay} = D &gt; 0 training passes,
 * pass n uses τ_n = τ / √(1 + ⌊n / D⌋), LibMTL's annealing ({@code LTB.py}: τ = (epochs/20)/√(epoch + 1)) with D
 * the passes of an epoch and τ the starting value (LibMTL starts at epochs/20; give that τ to match it). The pass
 * count is in the state buffer, so a resumed run continues the schedule.
 *
 * <p>Deviations. Polyhead trains the fixed tree on with its weights (no separate retraining of the found tree), and
 * mixes parents by the soft sample (no straight-through hard sample), which keeps the search differentiable in θ;
 * these are our choices, not checked line by line against the paper's training schedule. From LibMTL's {@code LTB}
 * (commit 4336804): no warm-up epochs summing all parents with weight one, no hard straight-through sample, the
 * temperature decay opt-in (above), and any stages, not only a ResNet's four layers.
 *
 * <p>Parameters: {@code trunk.*} (an optional shared trunk every stage-0 node reads), {@code towers.<task>.<stage>.*}
 * (node t of each stage is {@code towers.<task t>.<stage>}), {@code branching.<unit>.logits} (T×T, row t the child t's
 * logits over parents, initialized to zero) and {@code heads.<task>.*}. Shared are the trunk, the branching logits
 * and every stage but the last (during the search every node feeds every child; with a fixed tree an unused node or
 * one on one task's path gets only that task's gradient, so listing it shared changes no update); a task's own
 * parameters are its last-stage node and its head.
 */
public final class LearningToBranch extends StagedTowers {
    /** The Gumbel-softmax temperature τ unless given: the paper's and Jang et al.'s starting value. */
    public static final double DEFAULT_TEMPERATURE = 1.0;
    /** Training passes before the tree is fixed unless given: 0, searched all through training. */
    public static final int DEFAULT_FIX_AFTER = 0;
    /** Training passes per step of the temperature decay unless given: 0, τ constant. */
    public static final int DEFAULT_TEMPERATURE_DECAY = 0;

    /** One branching choice between two stages: each child node's logits over the parent nodes. */
    static final class Branching extends Module {
        final Var logits;

        Branching(int tasks) {
            logits = registerParameter("logits", Tensor.zeros(tasks, tasks));
        }

        @Override
        public String typeName() {
            return "Branching";
        }

        @Override
        protected Var forward(Var input) {
            throw new UnsupportedOperationException("a branching unit chooses among several inputs; see LearningToBranch");
        }

        /** Each child's argmax parent. */
        int[] parents() {
            int t = logits.shape().dims()[0];
            float[] v = logits.value().data();
            int[] p = new int[t];
            for (int i = 0; i < t; i++) {
                for (int j = 1; j < t; j++) {
                    if (v[i * t + j] > v[i * t + p[i]]) {
                        p[i] = j;
                    }
                }
            }
            return p;
        }

        /** x̃_t = Σ_j softmax((θ[t] + g[t])/τ)_j x_j over the nodes' outputs of one shape. */
        List<Var> relaxed(List<Var> xs, Tensor gumbel, float temperature) {
            return CrossStitch.mix(logits.add(Var.constant(gumbel)).mul(1f / temperature).softmax(1), xs);
        }
    }

    /** The choice state: training passes so far (two 24-bit halves) and whether the tree is fixed. */
    private static final class State extends Module {
        final Tensor calls = registerBuffer("calls", Tensor.zeros(2));
        final Tensor fixed = registerBuffer("fixed", Tensor.zeros(1));

        @Override
        protected Var forward(Var input) {
            throw new UnsupportedOperationException("branching state has no forward pass");
        }
    }

    private final List<Branching> units = new ArrayList<>();
    private final State state;
    private final double temperature;
    private final long temperatureDecay;
    private final long fixAfter;
    private final long seed;

    /**
     * @param trunk       shared layers every stage-0 node reads, or null
     * @param stages      one builder per stage; each is called once per task and must return a fresh module, and the
     *                    nodes' outputs at a stage must have one shape
     * @param temperature the Gumbel-softmax temperature τ &gt; 0
     * @param fixAfter    training passes after which the tree is fixed; 0: only by {@link #fix}
     * @param seed        seeds the Gumbel noise
     */
    public LearningToBranch(Module trunk, List<Supplier<? extends Module>> stages, List<Task> tasks,
                            double temperature, long fixAfter, long seed) {
        this(trunk, stages, tasks, temperature, fixAfter, seed, DEFAULT_TEMPERATURE_DECAY);
    }

    /**
     * With the temperature decaying as τ / √(1 + ⌊n / temperatureDecay⌋) at training pass n (see the class comment);
     * {@code temperatureDecay} 0 keeps τ constant.
     */
    public LearningToBranch(Module trunk, List<Supplier<? extends Module>> stages, List<Task> tasks,
                            double temperature, long fixAfter, long seed, long temperatureDecay) {
        super(trunk, atLeastTwo(stages), tasks, "branching");
        if (!(temperature > 0) || Double.isInfinite(temperature) || fixAfter < 0) {
            throw new IllegalArgumentException("learning to branch: temperature must be > 0 and fixAfter >= 0, got "
                    + temperature + " and " + fixAfter);
        }
        if (temperatureDecay < 0) {
            throw new IllegalArgumentException("learning to branch: temperatureDecay must be >= 0 (0: constant), got "
                    + temperatureDecay);
        }
        this.temperature = temperature;
        this.temperatureDecay = temperatureDecay;
        this.fixAfter = fixAfter;
        this.seed = seed;
        Map<String, Module> u = new LinkedHashMap<>();
        for (int s = 0; s < stages.size() - 1; s++) {
            Branching unit = new Branching(tasks.size());
            units.add(unit);
            u.put(Integer.toString(s), unit);
        }
        u.put("state", state = new State());
        registerLinksAndHeads(u);
    }

    private static List<Supplier<? extends Module>> atLeastTwo(List<Supplier<? extends Module>> stages) {
        if (stages.size() < 2) {
            throw new IllegalArgumentException("learning to branch needs at least 2 stages to branch between, got "
                    + stages.size());
        }
        return stages;
    }

    /** The Gumbel-softmax temperature of training pass {@code pass} (counted from 0). */
    public double temperatureAt(long pass) {
        return temperatureDecay == 0 ? temperature : temperature / Math.sqrt(1 + pass / temperatureDecay);
    }

    /** Fixes the tree at the current argmax parents: from now on every node reads only its parent. */
    public void fix() {
        state.fixed.data()[0] = 1f;
    }

    public boolean isFixed() {
        return state.fixed.data()[0] != 0f;
    }

    /** Training passes so far. */
    public long calls() {
        float[] c = state.calls.data();
        return (long) c[0] * (1L << 24) + (long) c[1];
    }

    /** Sets the training-pass count, which selects the next Gumbel noise draw (tests: the same draw again). */
    void rewind(long calls) {
        state.calls.data()[0] = (float) (calls >>> 24);
        state.calls.data()[1] = (float) (calls & ((1L << 24) - 1));
    }

    /**
     * The argmax tree: element s of the result gives, for each node of stage s+1, the index (task order) of the stage-s
     * node it reads.
     */
    public List<int[]> parents() {
        List<int[]> p = new ArrayList<>();
        units.forEach(u -> p.add(u.parents()));
        return p;
    }

    /**
     * Which tasks' paths pass through each node of the argmax tree: element s, t lists the tasks (by index) whose
     * path reaches node t of stage s. A node on two or more paths is shared by those tasks; one on none is unused.
     */
    public List<List<List<Integer>>> users() {
        int n = tasks().size();
        int stages = units.size() + 1;
        List<int[]> parents = parents();
        List<List<List<Integer>>> out = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            List<List<Integer>> nodes = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                nodes.add(new ArrayList<>());
            }
            out.add(nodes);
        }
        for (int task = 0; task < n; task++) {
            int node = task;
            for (int s = stages - 1; s >= 0; s--) {
                out.get(s).get(node).add(task);
                if (s > 0) {
                    node = parents.get(s - 1)[node];
                }
            }
        }
        return out;
    }

    /** The search is on: training mode and the tree not yet fixed. */
    private boolean searching() {
        if (!actsAsTraining() || isFixed()) {
            return false;
        }
        if (fixAfter > 0 && calls() >= fixAfter) {
            fix();
            return false;
        }
        return true;
    }

    @Override
    public Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        if (!searching()) {
            return outputs(input, taskNames, (s, xs) -> {
                int[] p = units.get(s).parents();
                List<Var> chosen = new ArrayList<>();
                for (int t = 0; t < p.length; t++) {
                    chosen.add(xs.get(p[t]));
                }
                return chosen;
            });
        }
        long call = calls();
        Random noise = new Random(Seeds.derive(seed, call));
        rewind(call + 1);
        float tau = (float) temperatureAt(call);
        return outputs(input, taskNames, (s, xs) -> units.get(s).relaxed(xs, gumbel(xs.size(), noise), tau));
    }

    /** Standard Gumbel noise −log(−log u), u uniform in (0, 1), as an n×n tensor. */
    private static Tensor gumbel(int n, Random rng) {
        Tensor g = Tensor.zeros(n, n);
        float[] d = g.data();
        for (int i = 0; i < d.length; i++) {
            double u = rng.nextDouble();
            while (u == 0) {
                u = rng.nextDouble();
            }
            d[i] = (float) -Math.log(-Math.log(u));
        }
        return g;
    }
}
