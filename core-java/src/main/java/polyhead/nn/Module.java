package polyhead.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * A layer or a network: a function of one input with trainable parameters, buffers (running statistics) and child
 * modules, all registered explicitly and named by dotted paths ({@code trunk.0.weight}, {@code heads.item.bias}),
 * which are also the keys of {@link #stateDict()}.
 *
 * <p>Call a module with {@link #call(Var)}; subclasses implement {@link #forward(Var)}. A {@link ShapeException}
 * raised inside is re-thrown naming the dotted path and type of the innermost module it happened in.
 *
 * <p>Modules start in training mode; {@link #eval()} switches dropout off and batch norm to its running statistics
 * (and so does an {@link Inference} scope, for the thread that opened it only).
 */
public abstract class Module {
    private final Map<String, Var> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private String path = "";
    private boolean training = true;

    /** The computation of this module; call it through {@link #call(Var)}. */
    protected abstract Var forward(Var input);

    /** Applies this module to {@code input}. */
    public final Var call(Var input) {
        Var out;
        try {
            out = forward(input);
        } catch (ShapeException e) {
            throw e.inModule(path, typeName());
        }
        Summary.record(this, out);
        return out;
    }

    /** Registers a trainable parameter under {@code name}; returns it as a leaf {@link Var}. */
    protected final Var registerParameter(String name, Tensor initial) {
        checkName(name);
        Var p = Var.parameter(initial);
        parameters.put(name, p);
        return p;
    }

    /** Registers a non-trained state tensor (running statistics), saved in the state dict. */
    protected final Tensor registerBuffer(String name, Tensor initial) {
        checkName(name);
        buffers.put(name, initial);
        return initial;
    }

    /** Registers {@code child} under {@code name}; its parameters become {@code name.<its names>}. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        children.put(name, child);
        ((Module) child).setPath(path.isEmpty() ? name : path + "." + name);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a module member name must be non-empty and without dots, got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + describe());
        }
    }

    private void setPath(String newPath) {
        path = newPath;
        for (Map.Entry<String, Module> c : children.entrySet()) {
            c.getValue().setPath(newPath.isEmpty() ? c.getKey() : newPath + "." + c.getKey());
        }
    }

    /** This module's dotted path in the network it was registered in; empty for a root. */
    public final String path() {
        return path;
    }

    /** The type shown in errors and summaries; the class name unless overridden. */
    public String typeName() {
        return getClass().getSimpleName();
    }

    private String describe() {
        return path.isEmpty() ? typeName() : path + " (" + typeName() + ")";
    }

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, by dotted name relative to this module. */
    public final Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    /**
     * Freezes ({@code false}) or unfreezes every parameter of this module and its descendants, for fine-tuning: a
     * frozen parameter gets no gradient ({@link Var#requiresGrad(boolean)}), and the trainer hands only parameters
     * that need one to the optimizer, so it gets no update, no weight decay and no optimizer state. Buffers (batch
     * norm's running statistics) still update in training mode, as in PyTorch; call {@link #eval()} on the module to
     * fix them too.
     */
    public final Module trainable(boolean on) {
        namedParameters().values().forEach(p -> p.requiresGrad(on));
        return this;
    }

    /** Parameters in {@link #namedParameters()} order. */
    public final List<Var> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** This module's own parameters, not its children's. */
    public final Map<String, Var> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Total number of parameter scalars, frozen ones included. */
    public final long parameterCount() {
        long n = 0;
        for (Var p : namedParameters().values()) {
            n += p.value().size();
        }
        return n;
    }

    /** Parameters and buffers by dotted name: the values, not copies. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Var> params = new LinkedHashMap<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", params, out);
        return out;
    }

    private void collect(String prefix, Map<String, Var> params, Map<String, Tensor> state) {
        for (Map.Entry<String, Var> e : parameters.entrySet()) {
            params.put(prefix + e.getKey(), e.getValue());
            if (state != null) {
                state.put(prefix + e.getKey(), e.getValue().value());
            }
        }
        if (state != null) {
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                state.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> c : children.entrySet()) {
            c.getValue().collect(prefix + c.getKey() + ".", params, state);
        }
    }

    /**
     * Copies every value of {@code state} into this module's parameters and buffers. Strict: the names must be
     * exactly those of {@link #stateDict()} and each shape must match; nothing is copied unless all match.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException("state dict does not fit " + describe() + ": missing " + missing
                    + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (!given.shape().equals(e.getValue().shape())) {
                throw new ShapeException("state dict: " + e.getKey() + " has shape " + given.shape()
                        + " but the model expects " + e.getValue().shape());
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            e.getValue().copyFrom(state.get(e.getKey()));
        }
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Var p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    /** Sets training ({@code true}) or evaluation mode on this module and all descendants; returns this. */
    public final Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /** Evaluation mode: {@code train(false)}. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /**
     * Whether this module computes as in training (dropout drops, batch norm uses and updates batch statistics): its
     * mode flag is training and the current thread is not inside an {@link Inference} scope. Layers whose computation
     * depends on the mode ask this, not {@link #isTraining()}.
     */
    protected final boolean actsAsTraining() {
        return training && !Inference.isActive();
    }

    /**
     * A table of the layers (modules without children) in the order a forward pass reaches them, with output shapes
     * and parameter counts, for an input of {@code inputDims} per sample. Runs one forward pass on a batch of one in
     * evaluation mode, without recording a graph, and restores the mode.
     */
    public final String summary(int... inputDims) {
        return Summary.of(this, inputDims);
    }

    /**
     * The forward pass {@link #summary} runs; modules with several outputs (multi-task architectures) override it
     * to reach every layer.
     */
    protected void summaryForward(Var input) {
        call(input);
    }

    @Override
    public String toString() {
        return describe();
    }
}
