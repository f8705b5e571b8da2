package polyhead.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * A {@link GradientTransformation} bound to named parameters: the stateful object trainers use. Each
 * {@link #step()} copies every parameter's gradient into an updates buffer it owns, runs the transformation and
 * applies {@code p ← p + u} in place to the parameters' tensors. A parameter whose {@code grad()} is null takes no
 * part in the step: it does not move and its optimizer state (moments, step count) does not advance.
 *
 * <pre>{@code
 * Optimizer opt = Optimizer.create(Optimizers.adamw(1e-3, 1e-2), model.namedParameters());
 * for (Batch b : batches) {
 *     opt.zeroGrad();
 *     loss(b).backward();
 *     opt.step();
 * }
 * }</pre>
 *
 * <p>A step allocates nothing once the JIT has warmed up, as long as the parameters hold fewer than
 * {@link Updates#PARALLEL_MIN} values; from there on its passes run on all cores, and each hands its part to the
 * other threads in a few small objects. The state can be saved and restored bit-exactly
 * ({@link #stateDict()}, {@link #loadStateDict}); the dict also holds the step count and the step context.
 */
public final class Optimizer {
    private final GradientTransformation transformation;
    private final Params params;
    private final Var[] vars;
    private final Updates updates;
    /** The parameters' gradients of the current step, handed to {@link Updates#setGradients} (reused). */
    private final Tensor[] gradients;
    private final StepContext context = new StepContext();
    private OptState state;
    private long steps;

    private Optimizer(GradientTransformation transformation, Params params, Var[] vars) {
        this.transformation = transformation;
        this.params = params;
        this.vars = vars;
        this.updates = new Updates(params);
        this.gradients = new Tensor[vars.length];
        this.state = transformation.init(params);
    }

    /**
     * An optimizer for {@code params} (dotted name → parameter, e.g. {@code module.namedParameters()}), in the map's
     * order. Every parameter must require a gradient and appear once.
     */
    public static Optimizer create(GradientTransformation transformation, Map<String, Var> params) {
        if (transformation == null) {
            throw new IllegalArgumentException("Optimizer.create: transformation is null");
        }
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("Optimizer.create: an empty parameter map; an optimizer needs parameters");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Var[] vars = new Var[params.size()];
        int i = 0;
        for (Map.Entry<String, Var> e : params.entrySet()) {
            Var v = e.getValue();
            if (v == null) {
                throw new IllegalArgumentException("Optimizer.create: parameter '" + e.getKey() + "' is null");
            }
            if (!v.requiresGrad()) {
                throw new IllegalArgumentException("Optimizer.create: parameter '" + e.getKey()
                        + "' does not require a gradient (a constant?); it could never be updated");
            }
            tensors.put(e.getKey(), v.value());
            vars[i++] = v;
        }
        return new Optimizer(transformation, Params.of(tensors), vars);
    }

    /** One step with this optimizer's own context, whose step is set to {@link #stepCount()}. */
    public void step() {
        context.setStep(steps);
        step(context);
    }

    /**
     * One step with a context the caller owns (a trainer's global step, epoch and monitored metric). The
     * optimizer's own step count advances as with {@link #step()}.
     */
    public void step(StepContext ctx) {
        for (int i = 0; i < vars.length; i++) {
            gradients[i] = vars[i].grad();
        }
        try {
            updates.setGradients(gradients);
        } finally {
            Arrays.fill(gradients, null);
        }
        state = transformation.update(updates, state, params, ctx);
        updates.applyTo(params);
        steps++;
    }

    /**
     * Clears every parameter's gradient (to null, as PyTorch's {@code set_to_none}) with {@link Var#releaseGrad()}:
     * the next backward pass writes the gradients into the released tensors, so a steady-state step allocates no
     * parameter gradients. A gradient tensor read before this call is overwritten by the next backward; copy it to
     * keep it.
     */
    public void zeroGrad() {
        for (Var v : vars) {
            v.releaseGrad();
        }
    }

    /** Steps taken (calls of {@code step}), including skipped and accumulating ones. */
    public long stepCount() {
        return steps;
    }

    /**
     * The context {@link #step()} uses: set its epoch and record monitored metrics on it
     * ({@code opt.context().recordMetric(valLoss)}) to drive {@code reduceOnPlateau}. Saved with the state.
     */
    public StepContext context() {
        return context;
    }

    public GradientTransformation transformation() {
        return transformation;
    }

    /** The parameters' layout (names, shapes) and live values. */
    public Params params() {
        return params;
    }

    /** The updates the latest step applied (for inspection; the buffer is reused by the next step). */
    public Updates lastUpdates() {
        return updates;
    }

    /**
     * The learning rate of each parameter group as of the latest step (before any: at step 0), for logging: the
     * product of the learning-rate factors in the group's chain ({@code scaleByLearningRate}, {@code scaleBySchedule},
     * {@code reduceOnPlateau}). Keyed by group label ({@code partition}), {@code ""} for an optimizer without groups.
     */
    public Map<String, Double> learningRates() {
        Map<String, Double> out = new LinkedHashMap<>();
        state.learningRates("", out);
        return Collections.unmodifiableMap(out);
    }

    /** The single learning rate of an optimizer without groups; fails if there are several or none. */
    public double learningRate() {
        Map<String, Double> lrs = learningRates();
        if (lrs.size() != 1) {
            throw new IllegalStateException("this optimizer has " + (lrs.isEmpty() ? "no learning rate block"
                    : "one learning rate per group " + lrs) + "; use learningRates()");
        }
        return lrs.values().iterator().next();
    }

    /** Steps skipped by {@code skipNonFinite} blocks, summed. */
    public long skippedSteps() {
        return state.skippedSteps();
    }

    /**
     * A snapshot of the state: the transformation's entries (e.g. {@code adam.m/trunk.0.weight},
     * {@code adam.count/trunk.0.weight}), {@code optimizer.step}, and this optimizer's context
     * ({@code optimizer.epoch}, {@code optimizer.evaluations}, {@code optimizer.metric}), in format version
     * {@link OptimizerStateDict#FORMAT_VERSION}. Parameter values are not included (they are the model's state dict).
     */
    public OptimizerStateDict stateDict() {
        StateWriter out = new StateWriter();
        out.counter("optimizer.step", steps);
        out.counter("optimizer.epoch", context.epoch());
        out.counter("optimizer.evaluations", context.evaluations());
        out.value("optimizer.metric", context.metric());
        state.save(transformation.name(), out);
        return out.toStateDict(OptimizerStateDict.FORMAT_VERSION);
    }

    /**
     * Restores a state saved by {@link #stateDict()} from an optimizer with the same transformation and parameters
     * (names and shapes). All or nothing: on any error (a newer format version, a missing, unexpected or misshapen
     * entry, each named in the message) this optimizer is left as it was.
     */
    public void loadStateDict(OptimizerStateDict dict) {
        if (dict.version() > OptimizerStateDict.FORMAT_VERSION) {
            throw new IllegalArgumentException("optimizer state dict has format version " + dict.version()
                    + ", newer than the newest this Polyhead reads (" + OptimizerStateDict.FORMAT_VERSION
                    + "); load it with a newer Polyhead");
        }
        StateReader in = new StateReader(dict);
        long loadedSteps = in.counter("optimizer.step");
        long epoch = in.counter("optimizer.epoch");
        long evaluations = in.counter("optimizer.evaluations");
        double metric = in.value("optimizer.metric");
        OptState fresh = transformation.init(params);
        fresh.load(transformation.name(), in);
        in.finish();
        if (loadedSteps < 0 || epoch < 0 || evaluations < 0) {
            throw new IllegalArgumentException("optimizer state dict has a negative step, epoch or evaluation count");
        }
        state = fresh;
        steps = loadedSteps;
        context.restore(loadedSteps, epoch, metric, evaluations);
    }

    @Override
    public String toString() {
        return "Optimizer(" + transformation + " over " + params + ", " + steps + " steps)";
    }
}
