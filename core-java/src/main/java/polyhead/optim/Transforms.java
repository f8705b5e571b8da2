package polyhead.optim;

import java.util.Map;

import polyhead.optim.schedule.Schedule;

/**
 * The building blocks of optimizers, each named by what it does to the updates, and the ways to combine them. In
 * the formulas, {@code g} is the incoming update of one element (the gradient, for the first block), {@code u} the
 * outgoing one, {@code p} the parameter, {@code t} the block's step count for that parameter (1 on its first step:
 * a parameter's count advances only in steps where it had a gradient) and {@code s} the global step
 * ({@link StepContext#step()}, from 0). Applying is {@code p ← p + u}.
 *
 * <p>The math follows PyTorch 1.13's {@code torch.optim} wherever it differs from a paper (each case is noted), so
 * that the finished {@link Optimizers} reproduce PyTorch's trajectories.
 *
 * <p>Every factory checks its settings and fails with a message naming the setting and the value.
 */
public final class Transforms {
    private Transforms() {
    }

    // ----- combining -----

    /** The transformations in order, each transforming what the previous one left. Nested chains are flattened. */
    public static GradientTransformation chain(GradientTransformation... transformations) {
        return new Chain(transformations);
    }

    /**
     * Parameter groups: each parameter gets the label {@code labeler} gives it and is transformed by the
     * transformation of that label, with its own state (e.g. trunk and heads with different learning rates; no
     * weight decay on biases and norm scales). At {@code init}, a parameter whose label has no transformation, or a
     * label no parameter gets (an empty group), is an error. A group's blocks see only its parameters: a
     * {@code clipByGlobalNorm} inside a group clips that group's norm.
     */
    public static GradientTransformation partition(Labeler labeler, Map<String, GradientTransformation> byLabel) {
        return new Partition(labeler, byLabel);
    }

    /**
     * Gradient accumulation: the gradients of {@code k} consecutive steps are summed; every k-th step, {@code inner}
     * runs on their mean {@code (g₁ + … + g_k) / k} (a parameter that had no gradient in some of the k steps counts
     * zero for them; one that had none in all k stays inactive). In the other steps nothing moves and no inner state
     * advances. {@code inner} sees as {@link StepContext#step()} the number of its own updates, so its schedules
     * count optimizer updates, not batches.
     */
    public static GradientTransformation accumulate(int k, GradientTransformation inner) {
        return new Accumulate(k, inner);
    }

    /**
     * Skips a step whose gradients are not all finite: if any active value reaching this block is NaN or ±∞,
     * {@code inner} is not called, nothing moves (inside a {@code partition}: nothing of the group), no state
     * advances, and the skip is counted (saved as
     * {@code skipNonFinite.skipped}; see {@link Optimizer#skippedSteps()}). Never silent: the count is there to be
     * logged, and see {@link #skipNonFinite(GradientTransformation, long)} to fail after too many skips in a row.
     */
    public static GradientTransformation skipNonFinite(GradientTransformation inner) {
        return new SkipNonFinite(inner, Long.MAX_VALUE);
    }

    /**
     * As {@link #skipNonFinite(GradientTransformation)}, but a step that would be the {@code maxConsecutive + 1}-th
     * skip in a row throws an {@link ArithmeticException} naming the parameter and step.
     */
    public static GradientTransformation skipNonFinite(GradientTransformation inner, long maxConsecutive) {
        return new SkipNonFinite(inner, maxConsecutive);
    }

    // ----- learning rates and signs -----

    /** {@code u = −lr·g}: the learning rate, and the minus sign of descent. */
    public static GradientTransformation scaleByLearningRate(double lr) {
        Check.lr("scaleByLearningRate", lr);
        return scaleByLearningRate(new Constant(lr));
    }

    /**
     * {@code u = −lr(s)·g} with {@code s} the <em>global</em> step (as PyTorch's schedulers, which step once per
     * optimizer step regardless of which parameters had gradients). A value that is negative or not finite fails the
     * step.
     */
    public static GradientTransformation scaleByLearningRate(Schedule lr) {
        return new ScaleBlocks.BySchedule("learningRate", lr, true);
    }

    /**
     * {@code u = f(s)·g} with {@code s} the <em>global</em> step: a schedule as a multiplier (e.g. a warm-up factor
     * on top of an optimizer's own learning rate). No sign change. Counted as a learning-rate factor for logging.
     */
    public static GradientTransformation scaleBySchedule(Schedule multiplier) {
        return new ScaleBlocks.BySchedule("schedule", multiplier, false);
    }

    /**
     * PyTorch's {@code ReduceLROnPlateau} as a block placed after the learning rate: each time the step context
     * reports a new evaluation ({@link StepContext#recordMetric}), the metric is judged as in PyTorch (improvement by
     * more than the threshold resets the count of bad evaluations; more than {@code patience} bad ones multiply the
     * learning rate by {@code factor}, not below {@code minLr}, then {@code cooldown} evaluations are ignored), and
     * updates are scaled by {@code reducedLr / lr}. If several evaluations were recorded since the last step, only
     * the latest value is judged. Its state (reduced lr, best, counters) is saved like any other.
     *
     * <pre>{@code chain(Optimizers.sgd(0.1), reduceOnPlateau(Plateau.min(0.1).patience(5)))}</pre>
     */
    public static GradientTransformation reduceOnPlateau(Plateau settings) {
        return new ReduceOnPlateau(settings);
    }

    /** {@code u = −g}: ascend instead of descend. First in a chain, it is PyTorch's {@code maximize=True}. */
    public static GradientTransformation maximize() {
        return new ScaleBlocks.Maximize();
    }

    // ----- weight decay -----

    /**
     * {@code u = g + λ·p}, the gradient of an L2 penalty {@code (λ/2)‖p‖²} added to the loss: PyTorch's
     * {@code weight_decay} of SGD, Adam, RMSprop and the others, which couple it into the gradient before the
     * preconditioner. Place it first.
     */
    public static GradientTransformation addL2(double weightDecay) {
        return new ScaleBlocks.AddWeights("l2", weightDecay);
    }

    /**
     * {@code u = g + λ·p} placed after the preconditioner and before the learning rate: decoupled weight decay
     * (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), so that the step is
     * {@code −lr·(preconditioned g + λ·p)}, as PyTorch's AdamW. The same arithmetic as {@link #addL2}; the name says
     * where it belongs.
     */
    public static GradientTransformation addDecayedWeights(double weightDecay) {
        return new ScaleBlocks.AddWeights("decayedWeights", weightDecay);
    }

    // ----- clipping -----

    /** {@code u = clamp(g, −c, c)} element-wise; PyTorch's {@code clip_grad_value_}. */
    public static GradientTransformation clipByValue(double maxValue) {
        return new ScaleBlocks.ClipByValue(maxValue);
    }

    /**
     * Each parameter's update clipped to L2 norm {@code c} on its own: {@code u = g·min(1, c / (‖g‖₂ + 1e-6))},
     * PyTorch's {@code clip_grad_norm_} applied to one parameter at a time (with its 1e-6).
     */
    public static GradientTransformation clipByNorm(double maxNorm) {
        return new ScaleBlocks.ClipByNorm(maxNorm, false);
    }

    /**
     * All active updates clipped together to global L2 norm {@code c}: {@code u = g·min(1, c / (‖g‖₂ + 1e-6))} with
     * {@code ‖g‖₂} over every parameter that has a gradient; PyTorch's {@code clip_grad_norm_} (norm type 2, with
     * its 1e-6). The norm is summed in double.
     */
    public static GradientTransformation clipByGlobalNorm(double maxNorm) {
        return new ScaleBlocks.ClipByNorm(maxNorm, true);
    }

    // ----- momentum and preconditioners -----

    /**
     * Momentum, as PyTorch's SGD: {@code b_1 = g}, {@code b_t = μ·b_{t−1} + (1 − d)·g}; {@code u = b_t}, or with
     * Nesterov {@code u = g + μ·b_t} (Sutskever et al., "On the importance of initialization and momentum in deep
     * learning", ICML 2013, in PyTorch's reformulation). State: {@code trace.momentum}.
     *
     * @param momentum  μ ≥ 0
     * @param dampening d in [0, 1]; PyTorch's first step is not dampened
     * @param nesterov  needs μ &gt; 0 and d = 0
     */
    public static GradientTransformation trace(double momentum, double dampening, boolean nesterov) {
        return new SquareBlocks.Trace(momentum, dampening, nesterov);
    }

    /** {@link #trace(double, double, boolean)} without dampening. */
    public static GradientTransformation trace(double momentum, boolean nesterov) {
        return trace(momentum, 0, nesterov);
    }

    /**
     * Adam's preconditioner (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015):
     * {@code m = β₁m + (1−β₁)g}, {@code v = β₂v + (1−β₂)g²},
     * {@code u = (m / (1−β₁ᵗ)) / (√v / √(1−β₂ᵗ) + ε)}. As PyTorch, ε is added after the bias correction of
     * {@code √v} (the paper's ε̂ placement). With AMSGrad (Reddi et al., "On the Convergence of Adam and Beyond",
     * ICLR 2018) {@code v} in the denominator is replaced by the running maximum of {@code v} (PyTorch keeps the
     * maximum of the uncorrected {@code v}). State: {@code adam.m}, {@code adam.v}, {@code adam.vMax},
     * {@code adam.count}.
     */
    public static GradientTransformation scaleByAdam(double beta1, double beta2, double eps, boolean amsgrad) {
        return new MomentBlocks.Adam(beta1, beta2, eps, amsgrad);
    }

    /** {@link #scaleByAdam(double, double, double, boolean)} without AMSGrad. */
    public static GradientTransformation scaleByAdam(double beta1, double beta2, double eps) {
        return scaleByAdam(beta1, beta2, eps, false);
    }

    /**
     * Adamax, Adam with the infinity norm (Kingma &amp; Ba 2015, section 7.1): {@code m = β₁m + (1−β₁)g},
     * {@code n = max(β₂n, |g| + ε)}, {@code u = m / n / (1−β₁ᵗ)}. The ε inside the max is PyTorch's (the paper has
     * none). State: {@code adamax.m}, {@code adamax.u}, {@code adamax.count}.
     */
    public static GradientTransformation scaleByAdamax(double beta1, double beta2, double eps) {
        return new MomentBlocks.Adamax(beta1, beta2, eps);
    }

    /**
     * NAdam, Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop),
     * with PyTorch's momentum schedule {@code μ_t = β₁(1 − ½·0.96^{tψ})}: {@code m}, {@code v} as Adam,
     * {@code d = √(v / (1−β₂ᵗ)) + ε},
     * {@code u = ((1−μ_t) / (1−∏_{i≤t}μ_i))·g/d + (μ_{t+1} / (1−∏_{i≤t+1}μ_i))·m/d}. State: {@code nadam.m},
     * {@code nadam.v}, {@code nadam.count}, {@code nadam.muProduct}.
     *
     * @param momentumDecay ψ ≥ 0 (PyTorch's {@code momentum_decay})
     */
    public static GradientTransformation scaleByNadam(double beta1, double beta2, double eps, double momentumDecay) {
        return new MomentBlocks.Nadam(beta1, beta2, eps, momentumDecay);
    }

    /**
     * RAdam, rectified Adam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020):
     * {@code m}, {@code v} as Adam, {@code m̂ = m/(1−β₁ᵗ)}, {@code ρ∞ = 2/(1−β₂) − 1},
     * {@code ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)}; if {@code ρ_t > 5}:
     * {@code u = m̂·r_t·√(1−β₂ᵗ)/(√v + ε)} with
     * {@code r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))}, else {@code u = m̂} (momentum SGD). The threshold 5 and
     * the ε placement are PyTorch's (the paper's algorithm uses 4 and no ε). State: {@code radam.m}, {@code radam.v},
     * {@code radam.count}.
     */
    public static GradientTransformation scaleByRadam(double beta1, double beta2, double eps) {
        return new MomentBlocks.Radam(beta1, beta2, eps);
    }

    /**
     * Lion's update direction (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023,
     * Program 1): {@code u = sign(β₁m + (1−β₁)g)}, then {@code m = β₂m + (1−β₂)g}; {@code sign(0) = 0}. State:
     * {@code lion.m}.
     */
    public static GradientTransformation scaleByLion(double beta1, double beta2) {
        return new MomentBlocks.Lion(beta1, beta2);
    }

    /**
     * RMSprop's preconditioner (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012):
     * {@code v = αv + (1−α)g²}, {@code u = g / (√v + ε)}; centered (Graves, "Generating Sequences With Recurrent
     * Neural Networks", 2013): also {@code ḡ = αḡ + (1−α)g} and {@code u = g / (√(v − ḡ²) + ε)}. As PyTorch, ε is
     * added outside the square root and there is no bias correction. State: {@code rms.v}, {@code rms.g}.
     */
    public static GradientTransformation scaleByRms(double alpha, double eps, boolean centered) {
        return new SquareBlocks.Rms(alpha, eps, centered);
    }

    /**
     * Adagrad's preconditioner (Duchi et al., "Adaptive Subgradient Methods for Online Learning and Stochastic
     * Optimization", JMLR 2011): {@code G = G₀ + Σ g²} (starting from {@code initialAccumulator}),
     * {@code u = g / (√G + ε) / (1 + (t−1)·lrDecay)}. The learning-rate decay is PyTorch's {@code lr_decay}, which
     * counts each parameter's own steps. State: {@code adagrad.sum}, {@code adagrad.count}.
     */
    public static GradientTransformation scaleByAdagrad(double initialAccumulator, double eps, double lrDecay) {
        return new SquareBlocks.Adagrad(initialAccumulator, eps, lrDecay);
    }

    /**
     * Adadelta's preconditioner (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012):
     * {@code v = ρv + (1−ρ)g²}, {@code u = √(Δ + ε)/√(v + ε)·g}, {@code Δ = ρΔ + (1−ρ)u²}. PyTorch follows it with a
     * learning rate (default 1, which is the paper). State: {@code adadelta.v}, {@code adadelta.delta}.
     */
    public static GradientTransformation scaleByAdadelta(double rho, double eps) {
        return new SquareBlocks.Adadelta(rho, eps);
    }
}
