package polyhead.autodiff.ops;

import java.util.function.DoubleUnaryOperator;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Tensor;

/**
 * Element-wise mathematical functions. Each value is computed in double and rounded once to float.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code eˣ}. ∂/∂x = eˣ. */
    public static Var exp(Var x) {
        Tensor out = map(x.value(), Math::exp);
        return Var.result(out, "exp", g -> x.addGrad(times(g, out)), x);
    }

    /** Natural logarithm. ∂/∂x = 1/x. */
    public static Var log(Var x) {
        Tensor out = map(x.value(), Math::log);
        return Var.result(out, "log", g -> x.addGrad(zip(g, x.value(), (u, v) -> u / v)), x);
    }

    /** {@code √x}. ∂/∂x = 1/(2√x). */
    public static Var sqrt(Var x) {
        Tensor out = map(x.value(), Math::sqrt);
        return Var.result(out, "sqrt", g -> x.addGrad(zip(g, out, (u, r) -> u / (2 * r))), x);
    }

    /** {@code xᵖ} for a constant exponent p. ∂/∂x = p·xᵖ⁻¹ (and 0 for p = 0, as in PyTorch). */
    public static Var pow(Var x, float p) {
        Tensor out = map(x.value(), v -> Math.pow(v, p));
        return Var.result(out, "pow", g -> {
            if (p == 0f) {
                x.addGrad(Tensor.zeros(x.shape()));
            } else {
                x.addGrad(zip(g, x.value(), (u, v) -> u * p * Math.pow(v, p - 1)));
            }
        }, x);
    }

    /** {@code |x|}. ∂/∂x = sign(x), with sign(0) = 0 as in PyTorch. */
    public static Var abs(Var x) {
        Tensor out = map(x.value(), Math::abs);
        return Var.result(out, "abs", g -> x.addGrad(zip(g, x.value(), (u, v) -> u * Math.signum(v))), x);
    }

    /**
     * {@code min(max(x, lo), hi)}. The gradient passes where {@code lo ≤ x ≤ hi} (bounds included, as in PyTorch)
     * and is 0 elsewhere.
     */
    public static Var clamp(Var x, float lo, float hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        }
        Tensor out = map(x.value(), v -> Math.min(Math.max(v, lo), hi));
        return Var.result(out, "clamp",
                g -> x.addGrad(zip(g, x.value(), (u, v) -> v >= lo && v <= hi ? u : 0)), x);
    }

    // ----- kernels shared by the element-wise operations of this package -----

    /** {@code f} applied to each element, in double. */
    static Tensor map(Tensor t, DoubleUnaryOperator f) {
        float[] x = t.data();
        float[] r = Arena.floats(x.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) f.applyAsDouble(x[i]);
        }
        return Tensor.wrap(t.shape(), r);
    }

    /** A function of two doubles. */
    @FunctionalInterface
    interface DoubleBinary {
        double apply(double a, double b);
    }

    /** {@code f(a[i], b[i])} for two tensors of one shape, in double. */
    static Tensor zip(Tensor a, Tensor b, DoubleBinary f) {
        a.requireSameShape(b, "element-wise");
        float[] x = a.data();
        float[] y = b.data();
        float[] r = Arena.floats(x.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) f.apply(x[i], y[i]);
        }
        return Tensor.wrap(a.shape(), r);
    }

    static Tensor times(Tensor a, Tensor b) {
        return zip(a, b, (u, v) -> u * v);
    }
}
