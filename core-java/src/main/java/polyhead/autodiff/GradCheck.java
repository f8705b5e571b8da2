package polyhead.autodiff;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

import polyhead.tensor.Tensor;

/**
 * Checks an operation's backward rule against central finite differences, as PyTorch's {@code gradcheck} does.
 *
 * <p>For a function {@code f} of tensors, the analytic gradients of {@code L = Σ r ⊙ f(x…)} (a fixed random
 * projection {@code r}, or 1 for a scalar output) are compared element by element with
 * {@code (L(x + ε) − L(x − ε)) / 2ε}. {@code L} is accumulated in double, and the step actually taken is measured
 * after rounding x ± ε to float, which makes float32 differences usable: an error in a backward rule shows up as a
 * relative error of order 1, far above the tolerances.
 *
 * <p>Non-differentiable points (relu at 0, ties in max, the kink of abs or clamp) must be kept further than ε from
 * the inputs you check with.
 *
 * <pre>{@code
 * GradCheck.assertGradients(v -> v[0].mul(v[1]).sum(), Tensor.randn(1, 3, 4), Tensor.randn(2, 4));
 * }</pre>
 */
public final class GradCheck {
    private final double eps;
    private final double atol;
    private final double rtol;
    private final long seed;

    private GradCheck(double eps, double atol, double rtol, long seed) {
        if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("GradCheck needs eps > 0, atol >= 0, rtol >= 0; got eps=" + eps
                    + ", atol=" + atol + ", rtol=" + rtol);
        }
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.seed = seed;
    }

    /** Step ε = 1e-2, tolerance |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric|, projection seed 0. */
    public static GradCheck defaults() {
        return new GradCheck(1e-2, 1e-3, 1e-2, 0);
    }

    public GradCheck withEps(double newEps) {
        return new GradCheck(newEps, atol, rtol, seed);
    }

    public GradCheck withTolerance(double newAtol, double newRtol) {
        return new GradCheck(eps, newAtol, newRtol, seed);
    }

    public GradCheck withSeed(long newSeed) {
        return new GradCheck(eps, atol, rtol, newSeed);
    }

    /** The outcome: the worst element found, and a one-line description of it. */
    public record Result(boolean passed, double maxAbsError, String worst) {
    }

    /** Checks with default settings and throws {@link AssertionError} describing the worst element on failure. */
    public static void assertGradients(Function<Var[], Var> f, Tensor... inputs) {
        Result r = defaults().check(f, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.worst());
        }
    }

    /** Compares analytic and numerical gradients of {@code f} with respect to every input; inputs are not modified. */
    public Result check(Function<Var[], Var> f, Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = Var.parameter(inputs[i].copy());
        }
        return compare(() -> f.apply(vars), vars);
    }

    /**
     * Compares analytic and numerical gradients of {@code f} with respect to parameters it reads, such as a module's
     * ({@code module.parameters()}): each element is moved by ±ε in place and put back, so a network's own weights are
     * checked where they live. The parameters' gradients are overwritten.
     */
    public Result checkParameters(Supplier<Var> f, List<Var> parameters) {
        return compare(f, parameters.toArray(new Var[0]));
    }

    /** Checks {@link #checkParameters} with default settings and throws {@link AssertionError} on failure. */
    public static void assertParameterGradients(Supplier<Var> f, List<Var> parameters) {
        Result r = defaults().checkParameters(f, parameters);
        if (!r.passed()) {
            throw new AssertionError(r.worst());
        }
    }

    private Result compare(Supplier<Var> f, Var[] vars) {
        for (Var v : vars) {
            v.zeroGrad();
        }
        Var out = f.get();
        Tensor projection = out.value().size() == 1 ? Tensor.full(1f, out.shape())
                : Tensor.uniform(new Random(seed), out.shape(), -1f, 1f);
        if (out.requiresGrad()) {
            out.backward(projection);
        } // else: the output does not depend differentiably on any input, so every analytic gradient is 0

        double worstExcess = Double.NEGATIVE_INFINITY;
        double maxAbs = 0;
        String worst = "no elements to check";
        for (int i = 0; i < vars.length; i++) {
            Tensor analytic = vars[i].grad() == null ? Tensor.zeros(vars[i].shape()) : vars[i].grad().copy();
            float[] x = vars[i].value().data();
            for (int j = 0; j < x.length; j++) {
                float original = x[j];
                float plus = (float) (original + eps);
                float minus = (float) (original - eps);
                x[j] = plus;
                double lp = projected(f, projection);
                x[j] = minus;
                double lm = projected(f, projection);
                x[j] = original;
                double numeric = (lp - lm) / ((double) plus - minus);
                double a = analytic.data()[j];
                double err = Math.abs(a - numeric);
                double excess = err - (atol + rtol * Math.abs(numeric));
                maxAbs = Math.max(maxAbs, err);
                if (excess > worstExcess || Double.isNaN(err)) {
                    worstExcess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : excess;
                    worst = "input " + i + " " + vars[i].shape() + " element " + j + ": analytic " + a
                            + ", numeric " + numeric + " (|diff| " + err + ", allowed " + (atol + rtol * Math.abs(numeric)) + ")";
                }
            }
        }
        return new Result(worstExcess <= 0, maxAbs, worst);
    }

    private static double projected(Supplier<Var> f, Tensor projection) {
        try (var scope = GradMode.noGrad()) {
            Tensor y = f.get().value();
            double s = 0;
            float[] yd = y.data();
            float[] pd = projection.data();
            for (int k = 0; k < yd.length; k++) {
                s += (double) yd[k] * pd[k];
            }
            return s;
        }
    }
}
