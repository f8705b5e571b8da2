package polyhead.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.loss.Reduction;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.Combination;
import polyhead.mtl.weighting.GradientWeighting;
import polyhead.mtl.weighting.LossWeighting;
import polyhead.mtl.weighting.TaskGradients;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.WeightingContext;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * One training step of a data-parallel replica: {@link GradientStep}'s step, with every quantity the weighting
 * reads summed over the replicas through a {@link GradientExchange}, so that every replica computes the step one
 * process would compute on the union of the replicas' batches, and all replicas apply the same update.
 *
 * <p>Replica r holds, for task t, the loss L_t^r of its own batch over its n_t^r labelled samples. For a loss
 * reduced by its mean the global loss is L_t = Σ_r n_t^r·L_t^r / Σ_r n_t^r — right also when one replica has
 * fewer labels of a task, or none; for a summed loss it is Σ_r L_t^r. The same weights a_t^r (n_t^r, or 1) and
 * divisor D_t (Σ_r n_t^r, or 1) turn each replica's gradients into the global ones: ∂L_t = Σ_r a_t^r·∂L_t^r / D_t.
 *
 * <ul>
 *   <li><b>Loss-level weighting</b> (two exchanges per step): first the label counts and weighted loss sums, giving
 *   the global L_t; the weighting combines leaves holding the global L_t, and its backward pass gives c_t =
 *   ∂objective/∂L_t (and the gradients of the weighting's own parameters, the same on every replica). Each replica
 *   then runs backward on Σ_t c_t·a_t^r/D_t·L_t^r and the parameters' gradients are summed: the chain rule gives the
 *   global objective's gradient for any weighting that is a differentiable function of the per-task losses.</li>
 *   <li><b>Gradient-level weighting</b> (one exchange): each replica's per-task gradient rows of the shared
 *   parameters and per-task gradients of the task-specific parameters, weighted by a_t^r, with the counts and loss
 *   sums; the weighting then combines the global rows — the same on every replica, so PCGrad's projections, MGDA's
 *   and Nash-MTL's solvers and GradNorm's norms see the global per-task gradients.</li>
 * </ul>
 * A parameter gets a gradient when it gets one on some replica (else it stays null, and the optimizer leaves it and
 * its state alone, as in a local step). An architecture's regularization depends on the weights only, so each replica
 * adds its gradient after the exchange. Gradients of the shared representation ({@link GradientSource#REPRESENTATION})
 * are per sample, so they are gathered rather than summed: see {@link #representationLevel}.
 *
 * <p>Sums are taken in double and in rank order ({@link GradientExchange#sum}), so replicas agree bit for bit;
 * against one process at the global batch they agree to float rounding (the summation order of the batch differs).
 * Deviation: a class-weighted cross-entropy divides by the labelled samples' class weights, not by their count, so
 * under it the global mean is weighted by label counts, an approximation that is exact when the shards have the same
 * mix of classes.
 */
final class ReplicatedStep {
    private final Architecture arch;
    private final Weighting weighting;
    private final GradientStep local;
    private final GradientExchange exchange;
    private final List<String> tasks;
    private final boolean viaRepresentation;

    ReplicatedStep(Architecture arch, Weighting weighting, GradientStep local, GradientExchange exchange,
                   GradientSource source) {
        if (weighting instanceof GradientWeighting && !weighting.parameters().isEmpty()) {
            throw new IllegalArgumentException(weighting.name() + " learns parameters of its own inside each task's "
                    + "objective, which data-parallel training does not sum over replicas yet: use a weighting "
                    + "without them (e.g. imtl-g) with a gradient exchange");
        }
        this.arch = arch;
        this.weighting = weighting;
        this.local = local;
        this.exchange = exchange;
        this.tasks = List.copyOf(arch.taskNames());
        this.viaRepresentation = source == GradientSource.REPRESENTATION;
    }

    /** Per task: this replica's weight a_t^r (0 when absent), its weighted loss a_t^r·L_t^r, and the global D_t. */
    private final class Losses {
        final double[] weight = new double[tasks.size()];
        final double[] weighted = new double[tasks.size()];
        final boolean[] mean = new boolean[tasks.size()];

        Losses(List<Batch> batches, Map<String, Var> losses) {
            for (int t = 0; t < tasks.size(); t++) {
                String name = tasks.get(t);
                mean[t] = arch.task(name).loss().reduction() == Reduction.MEAN;
                Var l = losses.get(name);
                if (l != null) {
                    weight[t] = mean[t] ? labels(batches, name) : 1;
                    weighted[t] = weight[t] * l.value().item();
                }
            }
        }

        /** Writes counts and weighted losses into {@code out[0, 2T)}. */
        void pack(double[] out) {
            System.arraycopy(weight, 0, out, 0, weight.length);
            System.arraycopy(weighted, 0, out, weight.length, weighted.length);
        }
    }

    /** The global per-task values after the exchange: which tasks have labels anywhere, L_t and D_t. */
    private record Global(List<String> present, int[] index, double[] loss, double[] divisor) {
        static Global of(List<String> tasks, boolean[] mean, double[] summed) {
            int n = tasks.size();
            List<String> present = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if (summed[t] > 0) {
                    present.add(tasks.get(t));
                    idx.add(t);
                }
            }
            int[] index = idx.stream().mapToInt(Integer::intValue).toArray();
            double[] loss = new double[index.length];
            double[] divisor = new double[index.length];
            for (int i = 0; i < index.length; i++) {
                int t = index[i];
                divisor[i] = mean[t] ? summed[t] : 1;
                loss[i] = summed[n + t] / divisor[i];
            }
            return new Global(present, index, loss, divisor);
        }

        Map<String, Double> losses() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < present.size(); i++) {
                m.put(present.get(i), loss[i]);
            }
            return m;
        }
    }

    /** Labelled samples of {@code task} in the batch whose loss {@link GradientStep#forward} kept (the last). */
    private static int labels(List<Batch> batches, String task) {
        int n = 0;
        for (Batch b : batches) {
            if (b.targets().containsKey(task) && b.labelCount(task) > 0) {
                n = b.labelCount(task);
            }
        }
        return n;
    }

    StepResult run(List<Batch> batches, WeightingContext ctx) {
        if (weighting instanceof LossWeighting lw) {
            return lossLevel(lw, batches, ctx);
        }
        return viaRepresentation ? representationLevel((GradientWeighting) weighting, batches, ctx)
                : gradientLevel((GradientWeighting) weighting, batches, ctx);
    }

    private StepResult lossLevel(LossWeighting lw, List<Batch> batches, WeightingContext ctx) {
        arch.zeroGrad();
        lw.parameters().values().forEach(Var::zeroGrad);
        GradientStep.Forward f = local.forward(batches, false);
        Losses mine = new Losses(batches, f.losses());
        double[] head = new double[2 * tasks.size()];
        mine.pack(head);
        exchange.sum(head);
        Global g = Global.of(tasks, mine.mean, head);
        List<Var> params = trainable();
        if (g.present().isEmpty()) { // on every replica alike: no label anywhere
            return new StepResult(Map.of(), 0);
        }
        Map<String, Var> leaves = new LinkedHashMap<>();
        for (int i = 0; i < g.present().size(); i++) {
            leaves.put(g.present().get(i), Var.parameter(Tensor.scalar((float) g.loss()[i])));
        }
        Var objective = lw.combine(leaves, ctx);
        objective.backward();
        Var surrogate = null;
        for (int i = 0; i < g.present().size(); i++) {
            int t = g.index()[i];
            Var l = f.losses().get(tasks.get(t));
            Tensor c = leaves.get(tasks.get(t)).grad();
            if (l == null || c == null) {
                continue;
            }
            Var term = l.mul((float) (c.item() * mine.weight[t] / g.divisor()[i]));
            surrogate = surrogate == null ? term : surrogate.add(term);
        }
        if (surrogate != null) {
            surrogate.backward();
        }
        sumGradients(params);
        double total = objective.value().item();
        Var reg = arch.regularization();
        if (reg != null) {
            reg.backward();
            total += reg.value().item();
        }
        return new StepResult(g.losses(), total);
    }

    private StepResult gradientLevel(GradientWeighting gw, List<Batch> batches, WeightingContext ctx) {
        arch.zeroGrad();
        GradientStep.Forward f = local.forward(batches, false);
        Losses mine = new Losses(batches, f.losses());
        List<Var> shared = GradientStep.trainableShared(arch);
        Map<String, Map<String, Var>> ownByTask = arch.taskParameters();
        int p = size(shared);
        int n = tasks.size();
        // layout: counts, weighted losses | per task: its row, its own parameters' gradients and their flags
        int[] offset = new int[n + 1];
        offset[0] = 2 * n;
        List<List<Var>> own = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            List<Var> o = List.copyOf(ownByTask.get(tasks.get(t)).values());
            own.add(o);
            offset[t + 1] = offset[t] + p + size(o) + o.size();
        }
        double[] msg = new double[offset[n]];
        mine.pack(msg);
        for (int t = 0; t < n; t++) {
            Var loss = f.losses().get(tasks.get(t));
            if (loss == null) {
                continue;
            }
            arch.zeroGrad();
            loss.backward();
            double a = mine.weight[t];
            int at = put(shared, a, msg, offset[t], false);
            put(own.get(t), a, msg, at, true);
        }
        exchange.sum(msg);
        arch.zeroGrad();
        Global g = Global.of(tasks, mine.mean, msg);
        if (g.present().isEmpty()) {
            return new StepResult(Map.of(), 0);
        }
        int k = g.present().size();
        float[][] rows = new float[k][p];
        Map<String, Double> norms = new LinkedHashMap<>();
        Map<String, Double> lv = g.losses();
        boolean finite = true;
        for (int i = 0; i < k; i++) {
            int t = g.index()[i];
            double s = 0;
            for (int j = 0; j < p; j++) {
                rows[i][j] = (float) (msg[offset[t] + j] / g.divisor()[i]);
                s += (double) rows[i][j] * rows[i][j];
            }
            norms.put(tasks.get(t), Math.sqrt(s));
            finite &= Double.isFinite(s);
        }
        if (!finite) {
            return new StepResult(lv, Double.NaN, norms);
        }
        Combination c = gw.combine(new TaskGradients(g.present(), rows, g.loss().clone()), ctx);
        int off = 0;
        for (Var v : shared) {
            int m = v.value().size();
            float[] d = new float[m];
            System.arraycopy(c.shared(), off, d, 0, m);
            v.addGrad(Tensor.wrap(v.shape(), d));
            off += m;
        }
        double objective = 0;
        for (int i = 0; i < k; i++) {
            int t = g.index()[i];
            // as in a local step: the task's own gradient scaled by its weight in float
            float w = (float) c.taskWeights()[i];
            take(own.get(t), msg, offset[t] + p, 1 / g.divisor()[i], w);
            objective += arch.task(tasks.get(t)).weight() * g.loss()[i];
        }
        Var reg = arch.regularization();
        if (reg != null) {
            reg.backward();
            objective += reg.value().item();
        }
        return new StepResult(lv, objective, norms);
    }

    /**
     * A gradient-level step on the shared representation (three exchanges): the global batch's representation is
     * the replicas' shards stacked in rank order, so each task's global row is the replicas' rows
     * a_t^r/D_t·∂L_t^r/∂z_r laid side by side — gathered by summing arrays in which each replica fills only its own
     * slot. The weighting combines the global rows (with the stacked representation values, for GradDrop); each
     * replica sends its slot of the combination back through its own trunk, and the trunk's gradients are summed.
     */
    private StepResult representationLevel(GradientWeighting gw, List<Batch> batches, WeightingContext ctx) {
        arch.zeroGrad();
        GradientStep.Forward f = local.forward(batches, true);
        Losses mine = new Losses(batches, f.losses());
        int n = tasks.size();
        int replicas = exchange.replicas();
        Tensor rep = f.representation() == null ? null : f.representation().value();
        int rows = rep == null ? 0 : rep.shape().dim(0);
        int width = rep == null || rows == 0 ? 0 : rep.size() / rows;
        // exchange 1: counts and loss sums, each replica's sample count and the width of a sample's representation
        double[] head = new double[2 * n + 2 * replicas];
        mine.pack(head);
        head[2 * n + exchange.rank()] = rows;
        head[2 * n + replicas + exchange.rank()] = width;
        exchange.sum(head);
        Global g = Global.of(tasks, mine.mean, head);
        if (g.present().isEmpty()) {
            return new StepResult(Map.of(), 0);
        }
        int total = 0;
        int start = 0;
        int globalWidth = 0;
        for (int r = 0; r < replicas; r++) {
            int w = (int) head[2 * n + replicas + r];
            if (w != 0 && globalWidth != 0 && w != globalWidth) {
                throw new IllegalStateException("replicas disagree on the size of a sample's shared representation: "
                        + globalWidth + " and " + w);
            }
            globalWidth = w != 0 ? w : globalWidth;
            if (r == exchange.rank()) {
                start = total;
            }
            total += (int) head[2 * n + r];
        }
        int span = total * globalWidth;
        int k = g.present().size();
        List<Var> shared = GradientStep.trainableShared(arch);
        Map<String, Map<String, Var>> ownByTask = arch.taskParameters();
        // exchange 2: layout: the representation's values | per present task: its row, its own parameters' gradients
        // and their flags
        List<List<Var>> own = new ArrayList<>();
        int[] offset = new int[k + 1];
        offset[0] = span;
        for (int i = 0; i < k; i++) {
            List<Var> o = List.copyOf(ownByTask.get(tasks.get(g.index()[i])).values());
            own.add(o);
            offset[i + 1] = offset[i] + span + size(o) + o.size();
        }
        double[] msg = new double[offset[k]];
        int slot = start * globalWidth;
        if (rep != null) {
            float[] v = rep.data();
            for (int j = 0; j < rows * width; j++) {
                msg[slot + j] = v[j];
            }
        }
        for (int i = 0; i < k; i++) {
            int t = g.index()[i];
            Var loss = f.losses().get(tasks.get(t));
            if (loss == null) {
                continue;
            }
            arch.zeroGrad();
            f.representationLeaf().zeroGrad();
            loss.backward();
            double a = mine.weight[t];
            float[] d = f.representationLeaf().grad().data();
            for (int j = 0; j < rows * width; j++) {
                msg[offset[i] + slot + j] = a * d[j] / g.divisor()[i];
            }
            put(own.get(i), a, msg, offset[i] + span, true);
        }
        exchange.sum(msg);
        arch.zeroGrad();
        float[][] global = new float[k][span];
        Map<String, Double> norms = new LinkedHashMap<>();
        boolean finite = true;
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < span; j++) {
                global[i][j] = (float) msg[offset[i] + j];
                s += (double) global[i][j] * global[i][j];
            }
            norms.put(g.present().get(i), Math.sqrt(s));
            finite &= Double.isFinite(s);
        }
        Map<String, Double> lv = g.losses();
        if (!finite) {
            return new StepResult(lv, Double.NaN, norms);
        }
        float[] values = new float[span];
        for (int j = 0; j < span; j++) {
            values[j] = (float) msg[j];
        }
        // [samples, width] on every replica alike (one without labels in its shard has no shape of its own to give)
        Combination c = gw.combine(new TaskGradients(g.present(), global, g.loss().clone(),
                Tensor.wrap(Shape.of(total, globalWidth), values)), ctx);
        // exchange 3: this replica's slot of the combination through its own trunk, the trunk's gradients summed
        if (rep != null && rows > 0 && f.representation().requiresGrad()) {
            float[] mineOfC = new float[rows * width];
            System.arraycopy(c.shared(), slot, mineOfC, 0, mineOfC.length);
            f.representation().backward(Tensor.wrap(rep.shape(), mineOfC));
        }
        sumGradients(shared);
        double objective = 0;
        for (int i = 0; i < k; i++) {
            int t = g.index()[i];
            take(own.get(i), msg, offset[i] + span, 1 / g.divisor()[i], (float) c.taskWeights()[i]);
            objective += arch.task(tasks.get(t)).weight() * g.loss()[i];
        }
        Var reg = arch.regularization();
        if (reg != null) {
            reg.backward();
            objective += reg.value().item();
        }
        return new StepResult(lv, objective, norms);
    }

    /** Each task's global loss on {@code batches} with the weights as they are now (for {@link Weighting#stepTaken}). */
    Map<String, Double> lossesNow(List<Batch> batches) {
        Map<String, Var> losses;
        try (var scope = GradMode.noGrad()) {
            losses = local.forward(batches, false).losses();
        }
        Losses mine = new Losses(batches, losses);
        double[] head = new double[2 * tasks.size()];
        mine.pack(head);
        exchange.sum(head);
        return Global.of(tasks, mine.mean, head).losses();
    }

    /** The global per-task gradient rows of the shared parameters, for the diagnostics; leaves gradients cleared. */
    TaskGradients probe(List<Batch> batches) {
        arch.zeroGrad();
        GradientStep.Forward f = local.forward(batches, false);
        Losses mine = new Losses(batches, f.losses());
        List<Var> shared = GradientStep.trainableShared(arch);
        int p = size(shared);
        int n = tasks.size();
        double[] msg = new double[2 * n + n * p];
        mine.pack(msg);
        for (int t = 0; t < n; t++) {
            Var loss = f.losses().get(tasks.get(t));
            if (loss != null) {
                arch.zeroGrad();
                loss.backward();
                put(shared, mine.weight[t], msg, 2 * n + t * p, false);
            }
        }
        arch.zeroGrad();
        exchange.sum(msg);
        Global g = Global.of(tasks, mine.mean, msg);
        float[][] rows = new float[g.present().size()][p];
        for (int i = 0; i < rows.length; i++) {
            int from = 2 * n + g.index()[i] * p;
            for (int j = 0; j < p; j++) {
                rows[i][j] = (float) (msg[from + j] / g.divisor()[i]);
            }
        }
        return new TaskGradients(g.present(), rows, g.loss().clone());
    }

    /** The model's trainable parameters, whose gradients a loss-level step sums. */
    private List<Var> trainable() {
        return arch.namedParameters().values().stream().filter(Var::requiresGrad).toList();
    }

    /** Sums the gradients of {@code params} over the replicas; a parameter with none anywhere keeps none. */
    private void sumGradients(List<Var> params) {
        double[] msg = new double[size(params) + params.size()];
        put(params, 1, msg, 0, true);
        exchange.sum(msg);
        for (Var v : params) {
            v.zeroGrad();
        }
        take(params, msg, 0, 1, 1f);
    }

    /**
     * Writes a·grad of each parameter (zeros for none) from {@code at}, then, with {@code flags}, a 1 for each
     * parameter that has a gradient; returns the position after.
     */
    private static int put(List<Var> params, double a, double[] out, int at, boolean flags) {
        int pos = at;
        for (Var v : params) {
            Tensor g = v.grad();
            int m = v.value().size();
            if (g != null) {
                float[] d = g.data();
                for (int j = 0; j < m; j++) {
                    out[pos + j] = a * d[j];
                }
            }
            pos += m;
        }
        if (flags) {
            for (Var v : params) {
                out[pos++] = v.grad() != null ? 1 : 0;
            }
        }
        return pos;
    }

    /**
     * Adds w·(summed gradient · scale) to each parameter that had a gradient on some replica (its flag, after the
     * gradients, is non-zero), reading what {@link #put} wrote with flags.
     */
    private static void take(List<Var> params, double[] in, int at, double scale, float w) {
        int flag = at + size(params);
        int pos = at;
        for (Var v : params) {
            int m = v.value().size();
            if (in[flag++] > 0) {
                float[] d = new float[m];
                for (int j = 0; j < m; j++) {
                    d[j] = (float) (in[pos + j] * scale) * w;
                }
                v.addGrad(Tensor.wrap(v.shape(), d));
            }
            pos += m;
        }
    }

    private static int size(List<Var> params) {
        int n = 0;
        for (Var v : params) {
            n += v.value().size();
        }
        return n;
    }
}
