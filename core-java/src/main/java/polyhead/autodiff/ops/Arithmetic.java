package polyhead.autodiff.ops;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Broadcast;
import polyhead.tensor.Tensor;

/**
 * Add, subtract, multiply and divide with NumPy broadcasting, and negation. The gradient reaching an operand that
 * was broadcast is summed back to the operand's shape.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    /** {@code a + b}. ∂/∂a = 1, ∂/∂b = 1. */
    public static Var add(Var a, Var b) {
        Tensor out = Broadcast.apply(a.value(), b.value(), Float::sum);
        return Var.result(out, "add", g -> {
            a.addGrad(Broadcast.sumTo(g, a.shape()));
            b.addGrad(Broadcast.sumTo(g, b.shape()));
        }, a, b);
    }

    /** {@code a - b}. ∂/∂a = 1, ∂/∂b = -1. */
    public static Var sub(Var a, Var b) {
        Tensor out = Broadcast.apply(a.value(), b.value(), (x, y) -> x - y);
        return Var.result(out, "sub", g -> {
            a.addGrad(Broadcast.sumTo(g, a.shape()));
            if (b.requiresGrad()) {
                b.addGrad(negate(Broadcast.sumTo(g, b.shape())));
            }
        }, a, b);
    }

    /** {@code a ⊙ b}. ∂/∂a = b, ∂/∂b = a. */
    public static Var mul(Var a, Var b) {
        Tensor out = Broadcast.apply(a.value(), b.value(), (x, y) -> x * y);
        return Var.result(out, "mul", g -> {
            if (a.requiresGrad()) {
                a.addGrad(Broadcast.sumTo(Broadcast.apply(g, b.value(), (u, y) -> u * y), a.shape()));
            }
            if (b.requiresGrad()) {
                b.addGrad(Broadcast.sumTo(Broadcast.apply(g, a.value(), (u, x) -> u * x), b.shape()));
            }
        }, a, b);
    }

    /** {@code a / b}. ∂/∂a = 1/b, ∂/∂b = -a/b². */
    public static Var div(Var a, Var b) {
        Tensor out = Broadcast.apply(a.value(), b.value(), (x, y) -> x / y);
        return Var.result(out, "div", g -> {
            if (a.requiresGrad()) {
                a.addGrad(Broadcast.sumTo(Broadcast.apply(g, b.value(), (u, y) -> u / y), a.shape()));
            }
            if (b.requiresGrad()) {
                // -g·a/b² = -g·out/b, computed from the output to save a pass
                Tensor gOut = Broadcast.apply(g, out, (u, o) -> u * o);
                b.addGrad(Broadcast.sumTo(Broadcast.apply(gOut, b.value(), (u, y) -> -u / y), b.shape()));
            }
        }, a, b);
    }

    /** {@code -a}. */
    public static Var neg(Var a) {
        return Var.result(negate(a.value()), "neg", g -> a.addGrad(negate(g)), a);
    }

    /** {@code a + c} for a constant c. */
    public static Var addScalar(Var a, float c) {
        return Var.result(map(a.value(), c, Float::sum), "addScalar", a::addGrad, a);
    }

    /** {@code c·a} for a constant c. */
    public static Var mulScalar(Var a, float c) {
        return Var.result(map(a.value(), c, (x, k) -> x * k), "mulScalar",
                g -> a.addGrad(map(g, c, (u, k) -> u * k)), a);
    }

    static Tensor negate(Tensor t) {
        return map(t, -1f, (x, k) -> x * k);
    }

    static Tensor map(Tensor t, float c, Broadcast.FloatBinaryOp f) {
        float[] x = t.data();
        float[] r = Arena.floats(x.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = f.apply(x[i], c);
        }
        return Tensor.wrap(t.shape(), r);
    }
}
