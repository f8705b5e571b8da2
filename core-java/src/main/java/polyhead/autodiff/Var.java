package polyhead.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.autodiff.ops.Activations;
import polyhead.autodiff.ops.Arithmetic;
import polyhead.autodiff.ops.Convolution;
import polyhead.autodiff.ops.Dropouts;
import polyhead.autodiff.ops.Elementwise;
import polyhead.autodiff.ops.Indexing;
import polyhead.autodiff.ops.MatMul;
import polyhead.autodiff.ops.Pooling;
import polyhead.autodiff.ops.Reductions;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.Arena;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * A node of the dynamic computation graph: a value, the gradient of the last {@link #backward() backward} root with
 * respect to it, the nodes it was computed from, and the local rule that passes gradients to them.
 *
 * <p>Leaves are created with {@link #parameter} (requires a gradient) or {@link #constant}. Operations create
 * inner nodes through {@link #result}; the fluent methods here ({@code x.matmul(w).add(b).relu()}) delegate to the
 * static operation classes in {@code polyhead.autodiff.ops}.
 *
 * <p>Gradients accumulate: a value used twice receives the sum of both contributions, and a leaf's gradient adds
 * up over successive {@code backward} calls until {@link #zeroGrad()} — as in PyTorch. Gradients of inner nodes are
 * released after they have been propagated unless {@link #retainGrad()} was called.
 */
public final class Var {
    private static final Var[] NO_PARENTS = new Var[0];

    private final Tensor value;
    private final Var[] parents;
    private final Backward backward;
    private boolean requiresGrad;
    private final String op;
    private Tensor grad;
    /** A gradient tensor released by {@link #releaseGrad()}, handed out again by {@link #gradBuffer()}; or null. */
    private Tensor spare;
    /** The tensor {@link #gradBuffer()} handed out last: this node's own memory, adopted without a copy. */
    private Tensor handed;
    private boolean retainGrad;

    private Var(Tensor value, Var[] parents, Backward backward, boolean requiresGrad, String op) {
        this.value = Objects.requireNonNull(value, "value");
        this.parents = parents;
        this.backward = backward;
        this.requiresGrad = requiresGrad;
        this.op = op;
    }

    /** A leaf whose gradient is computed: a trainable parameter or an input you differentiate with respect to. */
    public static Var parameter(Tensor value) {
        return new Var(value, NO_PARENTS, null, true, "parameter");
    }

    /** A leaf that needs no gradient: data, targets, masks. */
    public static Var constant(Tensor value) {
        return new Var(value, NO_PARENTS, null, false, "constant");
    }

    /**
     * The output of an operation. If gradients are disabled ({@link GradMode}) or no parent requires one, the
     * result is a constant and the graph below it is not kept. This is the hook for user-defined operations; check
     * their backward rule with {@link GradCheck}.
     *
     * @param op       the operation's name, shown in errors and by {@link #toString()}
     * @param backward the local rule; called at most once per backward pass with the output's gradient
     */
    public static Var result(Tensor value, String op, Backward backward, Var... parents) {
        if (GradMode.isEnabled()) {
            for (Var p : parents) {
                if (p.requiresGrad) {
                    return new Var(value, parents.clone(), backward, true, op);
                }
            }
        }
        return new Var(value, NO_PARENTS, null, false, op);
    }

    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    /** The accumulated gradient, or null if none reached this node. */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Freezes ({@code false}) or unfreezes a leaf, as PyTorch's {@code requires_grad_}: a frozen parameter receives no
     * gradient, and an operation none of whose inputs needs one records no graph, so backward does no work for it
     * (a linear layer on a frozen, input-free stack computes no weight gradients at all). Its current gradient is
     * cleared. Affects graphs built afterwards.
     *
     * @throws IllegalStateException on the result of an operation, whose need for a gradient follows its inputs
     */
    public Var requiresGrad(boolean on) {
        if (parents.length != 0 || backward != null) {
            throw new IllegalStateException("requiresGrad(" + on + ") on the result of '" + op
                    + "': only a leaf (a parameter or constant) can be frozen or unfrozen");
        }
        requiresGrad = on;
        grad = null;
        return this;
    }

    /** True for nodes not computed by an operation (parameters and constants). */
    public boolean isLeaf() {
        return parents.length == 0;
    }

    /** Keep this inner node's gradient after backward (leaves always keep theirs). */
    public Var retainGrad() {
        retainGrad = true;
        return this;
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Clears the gradient as {@link #zeroGrad()} does and keeps its tensor for reuse: the next backward pass writes
     * this node's gradient into it ({@link #gradBuffer()}) instead of allocating one. So a steady-state training
     * step allocates no parameter gradients; the price is that a tensor returned by {@link #grad()} before this call
     * is overwritten by the next backward pass — copy it to keep it. Optimizers release their parameters' gradients
     * this way ({@code Optimizer.zeroGrad}).
     */
    public void releaseGrad() {
        if (grad != null) {
            spare = grad;
            grad = null;
        }
    }

    /**
     * For {@link Backward} rules: a tensor of this node's shape, with undefined contents, to write a gradient into
     * and pass to {@link #addFreshGrad}. It is the tensor {@link #releaseGrad()} released, if any (no allocation),
     * else a new one.
     */
    public Tensor gradBuffer() {
        Tensor s = spare;
        if (s != null) {
            spare = null;
        } else {
            s = Tensor.zeros(value.shape());
        }
        handed = s;
        return s;
    }

    /** The same value cut from the graph: gradients do not flow through it. */
    public Var detach() {
        return new Var(value, NO_PARENTS, null, false, "detach");
    }

    /**
     * Adds {@code g} into this node's gradient; for use by {@link Backward} rules. Ignored if this node needs no
     * gradient. The tensor is copied, never kept, so a rule may pass the same tensor to several parents; a rule that
     * made the tensor for this parent alone passes it to {@link #addFreshGrad} instead, which saves the copy.
     */
    public void addGrad(Tensor g) {
        if (!requiresGrad) {
            return;
        }
        checkGradShape(g);
        if (grad == null) {
            if (parents.length == 0) {
                grad = gradBuffer().copyFrom(g); // a leaf's gradient outlives the step: its own (released) buffer
                handed = null;
            } else {
                float[] copy = Arena.floatsToOverwrite(g.size());
                System.arraycopy(g.data(), 0, copy, 0, copy.length);
                grad = Tensor.wrap(g.shape(), copy);
            }
        } else {
            grad.addInPlace(g);
        }
    }

    /**
     * Adds {@code g} into this node's gradient, as {@link #addGrad} does, for a tensor that the calling rule made for
     * this call alone (new, or from {@link #gradBuffer()}) and does not touch afterwards: the first gradient a node
     * receives becomes its gradient without a copy. Ignored if this node needs no gradient.
     */
    public void addFreshGrad(Tensor g) {
        if (!requiresGrad) {
            return;
        }
        checkGradShape(g);
        // inside an open Arena a tensor made by a rule is arena memory, which a leaf must not keep past the step:
        // it adopts only its own buffer (from gradBuffer) and copies anything else into one
        boolean keep = g == handed || parents.length != 0 || !Arena.isOpen();
        if (grad == null) {
            if (keep) {
                grad = g;
            } else {
                grad = gradBuffer().copyFrom(g);
                handed = null;
            }
        } else {
            grad.addInPlace(g);
            if (spare == null && keep) {
                spare = g;
            }
        }
        if (g == handed) {
            handed = null;
        }
    }

    private void checkGradShape(Tensor g) {
        if (!g.shape().equals(value.shape())) {
            throw new IllegalStateException("gradient of shape " + g.shape() + " for " + op + " output of shape "
                    + value.shape() + " (a backward rule is wrong)");
        }
    }

    /** Backpropagates from this scalar: gradients of this value with respect to every node below it. */
    public void backward() {
        if (value.size() != 1) {
            throw new ShapeException("backward() without a seed needs a scalar, got shape " + value.shape()
                    + "; pass the gradient of the output with backward(seed)");
        }
        backward(Tensor.full(1f, value.shape()));
    }

    /**
     * Backpropagates a seed gradient {@code seed} = ∂L/∂this, of this node's shape, giving ∂L/∂x for every node x
     * below. The graph is walked iteratively, so deep graphs do not exhaust the stack.
     */
    public void backward(Tensor seed) {
        if (!seed.shape().equals(value.shape())) {
            throw new ShapeException("backward seed of shape " + seed.shape() + " for a value of shape " + value.shape());
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a value that does not require a gradient (a constant, "
                    + "or computed under GradMode.noGrad())");
        }
        List<Var> order = topologicalOrder();
        addGrad(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Var node = order.get(i);
            if (node.backward == null || node.grad == null) {
                continue;
            }
            node.backward.propagate(node.grad);
            if (!node.retainGrad && node != this) {
                node.grad = null;
            }
        }
    }

    /** Nodes reachable from this one that require a gradient, parents before children; iterative depth-first. */
    private List<Var> topologicalOrder() {
        List<Var> order = new ArrayList<>();
        Map<Var, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Var> nodes = new ArrayDeque<>();
        ArrayDeque<int[]> next = new ArrayDeque<>();
        nodes.push(this);
        next.push(new int[] {0});
        visited.put(this, Boolean.TRUE);
        while (!nodes.isEmpty()) {
            Var node = nodes.peek();
            int[] i = next.peek();
            if (i[0] < node.parents.length) {
                Var p = node.parents[i[0]++];
                if (p.requiresGrad && visited.put(p, Boolean.TRUE) == null) {
                    nodes.push(p);
                    next.push(new int[] {0});
                }
            } else {
                nodes.pop();
                next.pop();
                order.add(node);
            }
        }
        return order;
    }

    // ----- fluent operations; each delegates to the static operation class that documents it -----

    public Var add(Var other) {
        return Arithmetic.add(this, other);
    }

    public Var sub(Var other) {
        return Arithmetic.sub(this, other);
    }

    public Var mul(Var other) {
        return Arithmetic.mul(this, other);
    }

    public Var div(Var other) {
        return Arithmetic.div(this, other);
    }

    public Var neg() {
        return Arithmetic.neg(this);
    }

    public Var add(float c) {
        return Arithmetic.addScalar(this, c);
    }

    public Var mul(float c) {
        return Arithmetic.mulScalar(this, c);
    }

    public Var matmul(Var other) {
        return MatMul.matmul(this, other);
    }

    public Var sum() {
        return Reductions.sum(this);
    }

    public Var sum(int axis, boolean keepDims) {
        return Reductions.sum(this, new int[] {axis}, keepDims);
    }

    public Var mean() {
        return Reductions.mean(this);
    }

    public Var mean(int axis, boolean keepDims) {
        return Reductions.mean(this, new int[] {axis}, keepDims);
    }

    public Var max(int axis, boolean keepDims) {
        return Reductions.max(this, axis, keepDims);
    }

    public Var exp() {
        return Elementwise.exp(this);
    }

    public Var log() {
        return Elementwise.log(this);
    }

    public Var sqrt() {
        return Elementwise.sqrt(this);
    }

    public Var pow(float exponent) {
        return Elementwise.pow(this, exponent);
    }

    public Var abs() {
        return Elementwise.abs(this);
    }

    public Var clamp(float min, float max) {
        return Elementwise.clamp(this, min, max);
    }

    public Var relu() {
        return Activations.relu(this);
    }

    public Var leakyRelu(float slope) {
        return Activations.leakyRelu(this, slope);
    }

    public Var sigmoid() {
        return Activations.sigmoid(this);
    }

    public Var tanh() {
        return Activations.tanh(this);
    }

    public Var gelu() {
        return Activations.gelu(this);
    }

    public Var softmax(int axis) {
        return Activations.softmax(this, axis);
    }

    public Var logSoftmax(int axis) {
        return Activations.logSoftmax(this, axis);
    }

    public Var reshape(int... dims) {
        return Shaping.reshape(this, dims);
    }

    public Var flatten(int startAxis) {
        return Shaping.flatten(this, startAxis);
    }

    public Var permute(int... axes) {
        return Shaping.permute(this, axes);
    }

    public Var transpose(int a, int b) {
        return Shaping.transpose(this, a, b);
    }

    public Var slice(int axis, int start, int end) {
        return Shaping.slice(this, axis, start, end);
    }

    public Var[] split(int axis, int... sizes) {
        return Shaping.split(this, axis, sizes);
    }

    public Var indexSelect(int axis, int[] indices) {
        return Indexing.indexSelect(this, axis, indices);
    }

    public Var gather(int axis, Tensor index) {
        return Indexing.gather(this, axis, index);
    }

    public Var maskedFill(Tensor mask, float value) {
        return Indexing.maskedFill(this, mask, value);
    }

    public Var conv2d(Var weight, Var bias, int stride, int padding) {
        return Convolution.conv2d(this, weight, bias, stride, padding);
    }

    public Var maxPool2d(int kernel, int stride, int padding) {
        return Pooling.maxPool2d(this, kernel, stride, padding);
    }

    public Var avgPool2d(int kernel, int stride, int padding) {
        return Pooling.avgPool2d(this, kernel, stride, padding);
    }

    public Var dropout(float p, java.util.Random rng) {
        return Dropouts.dropout(this, p, rng);
    }

    @Override
    public String toString() {
        return "Var(" + op + ", " + value.shape() + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
