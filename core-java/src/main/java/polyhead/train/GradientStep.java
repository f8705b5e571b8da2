package polyhead.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.DeferredWeightGradients;
import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.nn.SequenceLengths;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.mtl.weighting.Combination;
import polyhead.mtl.weighting.GradientWeighting;
import polyhead.mtl.weighting.GramCombination;
import polyhead.mtl.weighting.GramDeterminedWeighting;
import polyhead.mtl.weighting.LossWeighting;
import polyhead.mtl.weighting.TaskGradients;
import polyhead.mtl.weighting.TaskGram;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.WeightingContext;
import polyhead.tensor.Tensor;

/**
 * Computes the gradients of one training step into the parameters' {@code grad()}: forward for every task that has
 * a label in the step, per-task losses, then the weighting — dispatched on its kind (loss-level or gradient-level),
 * never on its name. Parameters of a task with no label in the step get no gradient (null), so the optimizer leaves
 * them and their state alone.
 */
final class GradientStep {
    private final Architecture arch;
    private final Weighting weighting;
    private final GradientSource source;
    /** With a gradient exchange, the data-parallel form of run, lossesNow and probe; else null. */
    private final ReplicatedStep replicated;
    /** Whether a Gram-determined weighting over the shared parameters takes the one-pass path ({@link #runLayerwise}). */
    private final boolean layerwiseGram;

    GradientStep(Architecture arch, Weighting weighting, GradientSource source) {
        this(arch, weighting, source, null, true);
    }

    GradientStep(Architecture arch, Weighting weighting, GradientSource source, GradientExchange exchange,
            boolean layerwiseGram) {
        this.arch = arch;
        this.weighting = weighting;
        this.source = source;
        this.layerwiseGram = layerwiseGram;
        this.replicated = exchange == null ? null : new ReplicatedStep(arch, weighting, this, exchange, source);
        if (weighting instanceof GradientWeighting g && source == GradientSource.REPRESENTATION
                && !arch.hasSharedRepresentation()) {
            throw new IllegalArgumentException(arch.typeName() + " has no single shared representation: "
                    + (g.acceptsParameterGradients()
                    ? "use gradients of the shared parameters (GradientSource.PARAMETERS) with " + weighting.name()
                    : weighting.name() + " works only on one, so use an architecture that has it (e.g. hard sharing)"));
        }
        if (weighting instanceof GradientWeighting g && source == GradientSource.REPRESENTATION
                && !g.acceptsRepresentationGradients()) {
            throw new IllegalArgumentException(weighting.name() + " keeps each task's gradient from step to step, "
                    + "which gradients of the shared representation (one batch's samples) cannot give: use gradients "
                    + "of the shared parameters (GradientSource.PARAMETERS)");
        }
        if (weighting instanceof GradientWeighting g && source == GradientSource.PARAMETERS
                && !g.acceptsParameterGradients()) {
            throw new IllegalArgumentException(weighting.name() + " acts on the features of the shared representation "
                    + "and needs their values, which gradients of the shared parameters do not have: use gradients of "
                    + "the shared representation (GradientSource.REPRESENTATION)");
        }
        if (weighting instanceof GradientWeighting && source == GradientSource.PARAMETERS
                && !arch.sharedParameters().isEmpty() && trainableShared(arch).isEmpty()) {
            throw new IllegalArgumentException(weighting.name() + " combines the tasks' gradients of the shared "
                    + "parameters, but every shared parameter is frozen (trainable false): nothing to combine; use a "
                    + "loss weighting, or gradients of the shared representation (GradientSource.REPRESENTATION)");
        }
    }

    /** The per-task losses of a step, and the graph they hang on. */
    record Forward(Map<String, Var> losses, Var representation, Var representationLeaf) {
    }

    /** Forward pass: each batch's inputs through the architecture, a loss for each task labelled in it. */
    Forward forward(List<Batch> batches, boolean detachRepresentation) {
        Map<String, Var> losses = new LinkedHashMap<>();
        Var rep = null;
        Var leaf = null;
        for (Batch b : batches) {
            List<String> present = new ArrayList<>();
            for (String t : arch.taskNames()) {
                if (b.targets().containsKey(t) && b.labelCount(t) > 0) {
                    present.add(t);
                }
            }
            if (present.isEmpty()) {
                continue;
            }
            Var x = Var.constant(b.inputs());
            Map<String, Var> out;
            // padded sequences: the sequence layers read the batch's lengths (null for fixed-size data)
            try (SequenceLengths.Scope lengths = SequenceLengths.open(b.lengths())) {
                if (detachRepresentation) {
                    if (rep != null) {
                        throw new IllegalArgumentException("gradients of the shared representation need one batch for "
                                + "all tasks; with one data source per task use GradientSource.PARAMETERS");
                    }
                    rep = arch.encode(x);
                    leaf = Var.parameter(rep.value());
                    out = arch.decode(x, leaf, present);
                } else {
                    out = arch.outputs(x, present);
                }
            }
            for (String t : present) {
                Task task = arch.task(t);
                losses.put(t, task.loss().apply(out.get(t), b.target(t), b.mask(t), b.sampleWeights(t)));
            }
        }
        return new Forward(losses, rep, leaf);
    }

    /**
     * Each task's loss on {@code batches} with the parameters as they are now: a forward pass in the current mode
     * without gradients (what {@link Weighting#stepTaken} is given after a step).
     */
    Map<String, Double> lossesNow(List<Batch> batches) {
        if (replicated != null) {
            return replicated.lossesNow(batches);
        }
        try (var scope = GradMode.noGrad()) {
            return values(forward(batches, false).losses());
        }
    }

    /** Runs one step's forward and backward; afterwards every parameter's grad() holds its update direction. */
    StepResult run(List<Batch> batches, WeightingContext ctx) {
        if (replicated != null) {
            return replicated.run(batches, ctx);
        }
        arch.zeroGrad();
        weighting.parameters().values().forEach(Var::zeroGrad);
        if (weighting instanceof LossWeighting lw) {
            Forward f = forward(batches, false);
            if (f.losses().isEmpty()) {
                return new StepResult(Map.of(), 0);
            }
            Var objective = lw.combine(f.losses(), ctx);
            Var reg = arch.regularization();
            if (reg != null) {
                objective = objective.add(reg);
            }
            objective.backward();
            return new StepResult(values(f.losses()), objective.value().item());
        }
        GradientWeighting gw = (GradientWeighting) weighting;
        boolean viaRepresentation = source == GradientSource.REPRESENTATION;
        Forward f = forward(batches, viaRepresentation);
        if (f.losses().isEmpty()) {
            return new StepResult(Map.of(), 0);
        }
        if (layerwiseGram && !viaRepresentation && gw instanceof GramDeterminedWeighting gram) {
            return runLayerwise(f, gram, ctx);
        }
        List<String> tasks = new ArrayList<>(f.losses().keySet());
        List<Var> shared = trainableShared(arch);
        Map<String, Map<String, Var>> own = arch.taskParameters();
        float[][] rows = new float[tasks.size()][];
        double[] lossValues = new double[tasks.size()];
        List<Map<Var, Tensor>> ownGrads = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            arch.zeroGrad();
            if (viaRepresentation) {
                f.representationLeaf().zeroGrad();
            }
            Var loss = f.losses().get(tasks.get(t));
            lossValues[t] = loss.value().item();
            gw.taskObjective(tasks.get(t), loss).backward();
            rows[t] = viaRepresentation ? copy(f.representationLeaf().grad(), f.representationLeaf().value().size())
                    : flatten(shared);
            ownGrads.add(ownGradients(own.get(tasks.get(t))));
        }
        // before the combination, which may project the rows in place
        Map<String, Double> norms = new LinkedHashMap<>();
        Map<String, Double> lv = new LinkedHashMap<>();
        boolean finite = true;
        for (int t = 0; t < tasks.size(); t++) {
            double n = norm(rows[t]);
            norms.put(tasks.get(t), n);
            lv.put(tasks.get(t), lossValues[t]);
            finite &= Double.isFinite(n);
        }
        if (!finite) {
            // nothing to combine: the trainer's non-finite policy decides (stop, or skip the step)
            arch.zeroGrad();
            return new StepResult(lv, Double.NaN, norms);
        }
        Combination c = gw.combine(new TaskGradients(tasks, rows, lossValues,
                viaRepresentation ? f.representationLeaf().value() : null), ctx);
        arch.zeroGrad();
        if (viaRepresentation) {
            if (f.representation().requiresGrad()) { // not under a frozen body
                f.representation().backward(Tensor.wrap(f.representation().shape(), c.shared().clone()));
            }
        } else {
            unflattenInto(c.shared(), shared);
        }
        return new StepResult(lv, applyToHeads(tasks, ownGrads, c.taskWeights(), lossValues), norms);
    }

    /**
     * The one-pass step of a {@link GramDeterminedWeighting} over the shared parameters: one backward pass per task
     * in which fully connected shared weights keep their factors instead of forming their gradient
     * ({@link LayerwiseGram}), the Gram matrix from those factors, the weighting's coefficients from the Gram matrix,
     * and one product per such weight for the combined gradient. The same update as the per-task path up to
     * rounding.
     */
    private StepResult runLayerwise(Forward f, GramDeterminedWeighting gw, WeightingContext ctx) {
        List<String> tasks = new ArrayList<>(f.losses().keySet());
        List<Var> shared = trainableShared(arch);
        Map<String, Map<String, Var>> own = arch.taskParameters();
        double[] lossValues = new double[tasks.size()];
        List<Map<Var, Tensor>> ownGrads = new ArrayList<>();
        LayerwiseGram layers = new LayerwiseGram(tasks.size(), shared);
        try (var capture = DeferredWeightGradients.capture(layers)) {
            for (int t = 0; t < tasks.size(); t++) {
                arch.zeroGrad();
                Var loss = f.losses().get(tasks.get(t));
                lossValues[t] = loss.value().item();
                layers.beginTask();
                gw.taskObjective(tasks.get(t), loss).backward();
                layers.endTask();
                ownGrads.add(ownGradients(own.get(tasks.get(t))));
            }
        }
        double[][] m = layers.gram();
        Map<String, Double> norms = new LinkedHashMap<>();
        Map<String, Double> lv = new LinkedHashMap<>();
        boolean finite = true;
        for (int t = 0; t < tasks.size(); t++) {
            double n = Math.sqrt(m[t][t]);
            norms.put(tasks.get(t), n);
            lv.put(tasks.get(t), lossValues[t]);
            finite &= Double.isFinite(n);
        }
        arch.zeroGrad();
        if (!finite) {
            return new StepResult(lv, Double.NaN, norms);
        }
        GramCombination c = gw.combineGram(new TaskGram(tasks, m, lossValues), ctx);
        layers.applyCombination(c.sharedWeights());
        return new StepResult(lv, applyToHeads(tasks, ownGrads, c.taskWeights(), lossValues), norms);
    }

    /** Copies of the gradients the task-specific parameters {@code params} got from the last backward pass. */
    private static Map<Var, Tensor> ownGradients(Map<String, Var> params) {
        Map<Var, Tensor> g = new LinkedHashMap<>();
        for (Var p : params.values()) {
            if (p.grad() != null) {
                g.put(p, p.grad().copy());
            }
        }
        return g;
    }

    /**
     * Adds each task's own gradients, times its factor, to its task-specific parameters, and the architecture's
     * regularization; returns the reported objective Σ w_t L_t (+ regularization).
     */
    private double applyToHeads(List<String> tasks, List<Map<Var, Tensor>> ownGrads, double[] taskWeights,
            double[] lossValues) {
        double objective = 0;
        for (int t = 0; t < tasks.size(); t++) {
            float w = (float) taskWeights[t];
            for (Map.Entry<Var, Tensor> e : ownGrads.get(t).entrySet()) {
                Tensor scaled = e.getValue();
                float[] d = scaled.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] *= w;
                }
                e.getKey().addGrad(scaled);
            }
            objective += arch.task(tasks.get(t)).weight() * lossValues[t];
        }
        Var reg = arch.regularization();
        if (reg != null) {
            reg.backward();
            objective += reg.value().item();
        }
        return objective;
    }

    /**
     * Each task's gradient of the shared parameters on one step's batches, without touching the weighting: what
     * the task-relationship diagnostics look at. Leaves every gradient cleared.
     */
    TaskGradients probe(List<Batch> batches) {
        if (replicated != null) {
            return replicated.probe(batches);
        }
        arch.zeroGrad();
        Forward f = forward(batches, false);
        List<String> tasks = new ArrayList<>(f.losses().keySet());
        List<Var> shared = trainableShared(arch);
        float[][] rows = new float[tasks.size()][];
        double[] lossValues = new double[tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            arch.zeroGrad();
            Var loss = f.losses().get(tasks.get(t));
            lossValues[t] = loss.value().item();
            loss.backward();
            rows[t] = flatten(shared);
        }
        arch.zeroGrad();
        return new TaskGradients(tasks, rows, lossValues);
    }

    /** The shared parameters that get gradients: frozen ones ({@code Module.trainable(false)}) have no row entries. */
    static List<Var> trainableShared(Architecture arch) {
        return arch.sharedParameters().values().stream().filter(Var::requiresGrad).toList();
    }

    static Map<String, Double> values(Map<String, Var> losses) {
        Map<String, Double> out = new LinkedHashMap<>();
        losses.forEach((k, v) -> out.put(k, (double) v.value().item()));
        return out;
    }

    /** The parameters' gradients laid end to end (zeros where a parameter got none). */
    static float[] flatten(List<Var> params) {
        int n = 0;
        for (Var p : params) {
            n += p.value().size();
        }
        float[] out = new float[n];
        int off = 0;
        for (Var p : params) {
            if (p.grad() != null) {
                System.arraycopy(p.grad().data(), 0, out, off, p.value().size());
            }
            off += p.value().size();
        }
        return out;
    }

    private static void unflattenInto(float[] flat, List<Var> params) {
        int off = 0;
        for (Var p : params) {
            int n = p.value().size();
            float[] g = new float[n];
            System.arraycopy(flat, off, g, 0, n);
            p.addGrad(Tensor.wrap(p.shape(), g));
            off += n;
        }
    }

    private static double norm(float[] g) {
        return Math.sqrt(polyhead.tensor.ArrayMath.dotDouble(g, g));
    }

    private static float[] copy(Tensor t, int size) {
        return t == null ? new float[size] : t.data().clone();
    }
}
