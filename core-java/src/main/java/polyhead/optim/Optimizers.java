package polyhead.optim;

import static polyhead.optim.Transforms.addDecayedWeights;
import static polyhead.optim.Transforms.addL2;
import static polyhead.optim.Transforms.chain;
import static polyhead.optim.Transforms.scaleByAdadelta;
import static polyhead.optim.Transforms.scaleByAdagrad;
import static polyhead.optim.Transforms.scaleByAdam;
import static polyhead.optim.Transforms.scaleByAdamax;
import static polyhead.optim.Transforms.scaleByLearningRate;
import static polyhead.optim.Transforms.scaleByLion;
import static polyhead.optim.Transforms.scaleByNadam;
import static polyhead.optim.Transforms.scaleByRadam;
import static polyhead.optim.Transforms.scaleByRms;
import static polyhead.optim.Transforms.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import polyhead.optim.schedule.Schedule;

/**
 * Finished optimizers, each a {@link Transforms#chain} of blocks, reproducing PyTorch 1.13's {@code torch.optim}
 * (same defaults, same arithmetic; Lion, absent from PyTorch 1.13, follows its paper). Each has a settings record
 * whose static {@code lr(...)} factory states the defaults — the only place they are stated — and whose
 * one-argument methods return a copy with one setting changed:
 *
 * <pre>{@code
 * Optimizers.adam(1e-3)                                           // PyTorch's Adam()
 * Optimizers.adam(Adam.lr(1e-3).amsgrad(true).weightDecay(1e-4))  // Adam(lr=1e-3, amsgrad=True, weight_decay=1e-4)
 * Optimizers.sgd(Sgd.lr(0.1).momentum(0.9).nesterov(true))
 * chain(maximize(), Optimizers.sgd(0.1))                          // PyTorch's maximize=True
 * chain(clipByGlobalNorm(1.0), Optimizers.adamw(1e-3, 1e-2))      // clip_grad_norm_ before the step
 * }</pre>
 *
 * <p>A weight decay of 0 (or momentum 0) leaves its block out of the chain, so it also has no state entries. Settings
 * are checked when a record is made: a message names the optimizer, the setting and the value. Learning rates may be
 * {@link Schedule}s, evaluated at the global step. In the math, {@code g} is the gradient, {@code λ} the weight
 * decay, {@code t} the parameter's own step count; see {@link Transforms} for each block.
 *
 * <p>Each settings record is an {@link OptimizerSettings}, and {@link OptimizerCatalogue} lists every optimizer once
 * (name, record, default learning rate, chain): code that handles optimizers generically reads that table rather
 * than listing them again.
 */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * {@code chain(addL2(λ), blocks..., scaleByLearningRate(lr))}: PyTorch's weight decay, an L2 term coupled into the
     * gradient before the blocks. A null block, and a λ of 0, are left out of the chain.
     */
    private static GradientTransformation coupled(OptimizerSettings s, GradientTransformation... blocks) {
        List<GradientTransformation> parts = new ArrayList<>();
        if (s.weightDecay() != 0) {
            parts.add(addL2(s.weightDecay()));
        }
        Arrays.stream(blocks).filter(Objects::nonNull).forEach(parts::add);
        parts.add(scaleByLearningRate(s.lr()));
        return chain(parts.toArray(new GradientTransformation[0]));
    }

    /**
     * {@code chain(direction, addDecayedWeights(λ), scaleByLearningRate(lr))}: weight decay decoupled from the
     * preconditioner (AdamW, Lion). A λ of 0 is left out of the chain.
     */
    private static GradientTransformation decoupled(OptimizerSettings s, GradientTransformation direction) {
        return s.weightDecay() == 0 ? chain(direction, scaleByLearningRate(s.lr()))
                : chain(direction, addDecayedWeights(s.weightDecay()), scaleByLearningRate(s.lr()));
    }

    // ----- SGD -----

    /** {@link #sgd(Sgd)} without momentum. */
    public static GradientTransformation sgd(double lr) {
        return sgd(Sgd.lr(lr));
    }

    /** {@link #sgd(Sgd)} with momentum μ. */
    public static GradientTransformation sgd(double lr, double momentum) {
        return sgd(Sgd.lr(lr).momentum(momentum));
    }

    /**
     * Stochastic gradient descent (Robbins &amp; Monro, 1951) with PyTorch's momentum and Nesterov momentum
     * (Sutskever et al., ICML 2013): {@code g ← g + λp}; {@code b₁ = g}, {@code b = μb + (1−d)g};
     * {@code p ← p − lr·b} (Nesterov: {@code p ← p − lr·(g + μb)}).
     * {@code = chain(addL2(λ), trace(μ, d, nesterov), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation sgd(Sgd s) {
        return coupled(s, s.momentum() != 0 ? trace(s.momentum(), s.dampening(), s.nesterov()) : null);
    }

    /** SGD settings; PyTorch's {@code SGD(lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)}. */
    public record Sgd(Schedule lr, double momentum, double dampening, double weightDecay, boolean nesterov)
            implements OptimizerSettings {
        public Sgd {
            Check.lr("sgd", lr);
            Check.nonNegative("sgd", "momentum", momentum);
            if (!(dampening >= 0 && dampening <= 1)) {
                throw new IllegalArgumentException("sgd: dampening must be in [0, 1], got " + dampening);
            }
            Check.nonNegative("sgd", "weightDecay", weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("sgd: nesterov needs momentum > 0 and dampening = 0, got momentum "
                        + momentum + ", dampening " + dampening);
            }
        }

        /** PyTorch has no default learning rate for SGD: it is required. */
        public static Sgd lr(double lr) {
            return lr(new Constant(Check.lr("sgd", lr)));
        }

        public static Sgd lr(Schedule lr) {
            return new Sgd(lr, 0, 0, 0, false);
        }

        public Sgd momentum(double v) {
            return new Sgd(lr, v, dampening, weightDecay, nesterov);
        }

        public Sgd dampening(double v) {
            return new Sgd(lr, momentum, v, weightDecay, nesterov);
        }

        public Sgd weightDecay(double v) {
            return new Sgd(lr, momentum, dampening, v, nesterov);
        }

        public Sgd nesterov(boolean v) {
            return new Sgd(lr, momentum, dampening, weightDecay, v);
        }
    }

    // ----- Adagrad -----

    public static GradientTransformation adagrad(double lr) {
        return adagrad(Adagrad.lr(lr));
    }

    /**
     * Adagrad (Duchi et al., JMLR 2011): {@code g ← g + λp}; {@code G = G₀ + Σg²};
     * {@code p ← p − lr/(1 + (t−1)·lrDecay) · g/(√G + ε)}.
     * {@code = chain(addL2(λ), scaleByAdagrad(G₀, ε, lrDecay), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation adagrad(Adagrad s) {
        return coupled(s, scaleByAdagrad(s.initialAccumulator(), s.eps(), s.lrDecay()));
    }

    /**
     * Adagrad settings; PyTorch's {@code Adagrad(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
     * eps=1e-10)}.
     */
    public record Adagrad(Schedule lr, double lrDecay, double weightDecay, double initialAccumulator, double eps)
            implements OptimizerSettings {
        public Adagrad {
            Check.lr("adagrad", lr);
            Check.nonNegative("adagrad", "lrDecay", lrDecay);
            Check.nonNegative("adagrad", "weightDecay", weightDecay);
            Check.nonNegative("adagrad", "initialAccumulator", initialAccumulator);
            Check.positive("adagrad", "eps", eps);
        }

        public static Adagrad lr(double lr) {
            return lr(new Constant(Check.lr("adagrad", lr)));
        }

        public static Adagrad lr(Schedule lr) {
            return new Adagrad(lr, 0, 0, 0, 1e-10);
        }

        public static Adagrad defaults() {
            return lr(1e-2);
        }

        public Adagrad lrDecay(double v) {
            return new Adagrad(lr, v, weightDecay, initialAccumulator, eps);
        }

        public Adagrad weightDecay(double v) {
            return new Adagrad(lr, lrDecay, v, initialAccumulator, eps);
        }

        public Adagrad initialAccumulator(double v) {
            return new Adagrad(lr, lrDecay, weightDecay, v, eps);
        }

        public Adagrad eps(double v) {
            return new Adagrad(lr, lrDecay, weightDecay, initialAccumulator, v);
        }
    }

    // ----- RMSprop -----

    public static GradientTransformation rmsprop(double lr) {
        return rmsprop(RmsProp.lr(lr));
    }

    /**
     * RMSprop (Hinton, 2012; centered: Graves, 2013), as PyTorch: {@code g ← g + λp}; {@code v = αv + (1−α)g²};
     * {@code d = √v + ε} (centered: {@code ḡ = αḡ + (1−α)g}, {@code d = √(v − ḡ²) + ε}); without momentum
     * {@code p ← p − lr·g/d}; with momentum μ, {@code b = μb + g/d}, {@code p ← p − lr·b}.
     * {@code = chain(addL2(λ), scaleByRms(α, ε, centered), trace(μ, false), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation rmsprop(RmsProp s) {
        return coupled(s, scaleByRms(s.alpha(), s.eps(), s.centered()),
                s.momentum() != 0 ? trace(s.momentum(), false) : null);
    }

    /**
     * RMSprop settings; PyTorch's {@code RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
     * centered=False)}.
     */
    public record RmsProp(Schedule lr, double alpha, double eps, double weightDecay, double momentum,
            boolean centered) implements OptimizerSettings {
        public RmsProp {
            Check.lr("rmsprop", lr);
            Check.beta("rmsprop", "alpha", alpha);
            Check.positive("rmsprop", "eps", eps);
            Check.nonNegative("rmsprop", "weightDecay", weightDecay);
            Check.nonNegative("rmsprop", "momentum", momentum);
        }

        public static RmsProp lr(double lr) {
            return lr(new Constant(Check.lr("rmsprop", lr)));
        }

        public static RmsProp lr(Schedule lr) {
            return new RmsProp(lr, 0.99, 1e-8, 0, 0, false);
        }

        public static RmsProp defaults() {
            return lr(1e-2);
        }

        public RmsProp alpha(double v) {
            return new RmsProp(lr, v, eps, weightDecay, momentum, centered);
        }

        public RmsProp eps(double v) {
            return new RmsProp(lr, alpha, v, weightDecay, momentum, centered);
        }

        public RmsProp weightDecay(double v) {
            return new RmsProp(lr, alpha, eps, v, momentum, centered);
        }

        public RmsProp momentum(double v) {
            return new RmsProp(lr, alpha, eps, weightDecay, v, centered);
        }

        public RmsProp centered(boolean v) {
            return new RmsProp(lr, alpha, eps, weightDecay, momentum, v);
        }
    }

    // ----- Adadelta -----

    public static GradientTransformation adadelta(double lr) {
        return adadelta(Adadelta.lr(lr));
    }

    /**
     * Adadelta (Zeiler, 2012): {@code g ← g + λp}; {@code v = ρv + (1−ρ)g²}; {@code δ = √(Δ+ε)/√(v+ε)·g};
     * {@code Δ = ρΔ + (1−ρ)δ²}; {@code p ← p − lr·δ} (PyTorch's lr, default 1 = the paper).
     * {@code = chain(addL2(λ), scaleByAdadelta(ρ, ε), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation adadelta(Adadelta s) {
        return coupled(s, scaleByAdadelta(s.rho(), s.eps()));
    }

    /** Adadelta settings; PyTorch's {@code Adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)}. */
    public record Adadelta(Schedule lr, double rho, double eps, double weightDecay) implements OptimizerSettings {
        public Adadelta {
            Check.lr("adadelta", lr);
            Check.beta("adadelta", "rho", rho);
            Check.positive("adadelta", "eps", eps);
            Check.nonNegative("adadelta", "weightDecay", weightDecay);
        }

        public static Adadelta lr(double lr) {
            return lr(new Constant(Check.lr("adadelta", lr)));
        }

        public static Adadelta lr(Schedule lr) {
            return new Adadelta(lr, 0.9, 1e-6, 0);
        }

        public static Adadelta defaults() {
            return lr(1.0);
        }

        public Adadelta rho(double v) {
            return new Adadelta(lr, v, eps, weightDecay);
        }

        public Adadelta eps(double v) {
            return new Adadelta(lr, rho, v, weightDecay);
        }

        public Adadelta weightDecay(double v) {
            return new Adadelta(lr, rho, eps, v);
        }
    }

    // ----- Adam and AdamW -----

    public static GradientTransformation adam(double lr) {
        return adam(Adam.lr(lr));
    }

    /**
     * Adam (Kingma &amp; Ba, ICLR 2015), as PyTorch: {@code g ← g + λp} (coupled L2, not AdamW's decay);
     * {@code m = β₁m + (1−β₁)g}, {@code v = β₂v + (1−β₂)g²};
     * {@code p ← p − lr·(m/(1−β₁ᵗ)) / (√v/√(1−β₂ᵗ) + ε)}; AMSGrad (Reddi et al., ICLR 2018) uses the running
     * maximum of {@code v}. {@code = chain(addL2(λ), scaleByAdam(β₁, β₂, ε, amsgrad), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation adam(Adam s) {
        return coupled(s, scaleByAdam(s.beta1(), s.beta2(), s.eps(), s.amsgrad()));
    }

    /**
     * Adam settings; PyTorch's {@code Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)}.
     */
    public record Adam(Schedule lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad)
            implements OptimizerSettings {
        public Adam {
            Check.lr("adam", lr);
            Check.beta("adam", "beta1", beta1);
            Check.beta("adam", "beta2", beta2);
            Check.positive("adam", "eps", eps);
            Check.nonNegative("adam", "weightDecay", weightDecay);
        }

        public static Adam lr(double lr) {
            return lr(new Constant(Check.lr("adam", lr)));
        }

        public static Adam lr(Schedule lr) {
            return new Adam(lr, 0.9, 0.999, 1e-8, 0, false);
        }

        public static Adam defaults() {
            return lr(1e-3);
        }

        public Adam betas(double b1, double b2) {
            return new Adam(lr, b1, b2, eps, weightDecay, amsgrad);
        }

        public Adam eps(double v) {
            return new Adam(lr, beta1, beta2, v, weightDecay, amsgrad);
        }

        public Adam weightDecay(double v) {
            return new Adam(lr, beta1, beta2, eps, v, amsgrad);
        }

        public Adam amsgrad(boolean v) {
            return new Adam(lr, beta1, beta2, eps, weightDecay, v);
        }
    }

    /** {@link #adamw(AdamW)} with learning rate {@code lr} and decoupled weight decay λ. */
    public static GradientTransformation adamw(double lr, double weightDecay) {
        return adamw(AdamW.lr(lr).weightDecay(weightDecay));
    }

    /**
     * AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019): Adam's update plus a
     * weight decay outside the preconditioner, {@code p ← p − lr·(adam(g) + λp)} (PyTorch computes
     * {@code p ← p(1 − lr·λ) − lr·adam(g)}, the same up to rounding; the paper's schedule multiplier η_t is the lr
     * schedule here). {@code = chain(scaleByAdam(β₁, β₂, ε, amsgrad), addDecayedWeights(λ),
     * scaleByLearningRate(lr))}.
     */
    public static GradientTransformation adamw(AdamW s) {
        return decoupled(s, scaleByAdam(s.beta1(), s.beta2(), s.eps(), s.amsgrad()));
    }

    /**
     * AdamW settings; PyTorch's {@code AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
     * amsgrad=False)}.
     */
    public record AdamW(Schedule lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad)
            implements OptimizerSettings {
        public AdamW {
            Check.lr("adamw", lr);
            Check.beta("adamw", "beta1", beta1);
            Check.beta("adamw", "beta2", beta2);
            Check.positive("adamw", "eps", eps);
            Check.nonNegative("adamw", "weightDecay", weightDecay);
        }

        public static AdamW lr(double lr) {
            return lr(new Constant(Check.lr("adamw", lr)));
        }

        public static AdamW lr(Schedule lr) {
            return new AdamW(lr, 0.9, 0.999, 1e-8, 1e-2, false);
        }

        public static AdamW defaults() {
            return lr(1e-3);
        }

        public AdamW betas(double b1, double b2) {
            return new AdamW(lr, b1, b2, eps, weightDecay, amsgrad);
        }

        public AdamW eps(double v) {
            return new AdamW(lr, beta1, beta2, v, weightDecay, amsgrad);
        }

        public AdamW weightDecay(double v) {
            return new AdamW(lr, beta1, beta2, eps, v, amsgrad);
        }

        public AdamW amsgrad(boolean v) {
            return new AdamW(lr, beta1, beta2, eps, weightDecay, v);
        }
    }

    // ----- Adamax, NAdam, RAdam -----

    public static GradientTransformation adamax(double lr) {
        return adamax(Adamax.lr(lr));
    }

    /**
     * Adamax (Kingma &amp; Ba, ICLR 2015, section 7.1), as PyTorch: {@code g ← g + λp}; {@code m = β₁m + (1−β₁)g},
     * {@code n = max(β₂n, |g| + ε)} (PyTorch's ε); {@code p ← p − lr/(1−β₁ᵗ)·m/n}.
     * {@code = chain(addL2(λ), scaleByAdamax(β₁, β₂, ε), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation adamax(Adamax s) {
        return coupled(s, scaleByAdamax(s.beta1(), s.beta2(), s.eps()));
    }

    /** Adamax settings; PyTorch's {@code Adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)}. */
    public record Adamax(Schedule lr, double beta1, double beta2, double eps, double weightDecay)
            implements OptimizerSettings {
        public Adamax {
            Check.lr("adamax", lr);
            Check.beta("adamax", "beta1", beta1);
            Check.beta("adamax", "beta2", beta2);
            Check.positive("adamax", "eps", eps);
            Check.nonNegative("adamax", "weightDecay", weightDecay);
        }

        public static Adamax lr(double lr) {
            return lr(new Constant(Check.lr("adamax", lr)));
        }

        public static Adamax lr(Schedule lr) {
            return new Adamax(lr, 0.9, 0.999, 1e-8, 0);
        }

        public static Adamax defaults() {
            return lr(2e-3);
        }

        public Adamax betas(double b1, double b2) {
            return new Adamax(lr, b1, b2, eps, weightDecay);
        }

        public Adamax eps(double v) {
            return new Adamax(lr, beta1, beta2, v, weightDecay);
        }

        public Adamax weightDecay(double v) {
            return new Adamax(lr, beta1, beta2, eps, v);
        }
    }

    public static GradientTransformation nadam(double lr) {
        return nadam(NAdam.lr(lr));
    }

    /**
     * NAdam (Dozat, ICLR 2016 workshop) with PyTorch's momentum schedule {@code μ_t = β₁(1 − ½·0.96^{tψ})}:
     * {@code g ← g + λp}; {@code m}, {@code v} as Adam; {@code d = √(v/(1−β₂ᵗ)) + ε};
     * {@code p ← p − lr·((1−μ_t)/(1−∏_{i≤t}μ_i)·g/d + μ_{t+1}/(1−∏_{i≤t+1}μ_i)·m/d)}.
     * {@code = chain(addL2(λ), scaleByNadam(β₁, β₂, ε, ψ), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation nadam(NAdam s) {
        return coupled(s, scaleByNadam(s.beta1(), s.beta2(), s.eps(), s.momentumDecay()));
    }

    /**
     * NAdam settings; PyTorch's {@code NAdam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
     * momentum_decay=4e-3)}.
     */
    public record NAdam(Schedule lr, double beta1, double beta2, double eps, double weightDecay,
            double momentumDecay) implements OptimizerSettings {
        public NAdam {
            Check.lr("nadam", lr);
            Check.beta("nadam", "beta1", beta1);
            Check.beta("nadam", "beta2", beta2);
            Check.positive("nadam", "eps", eps);
            Check.nonNegative("nadam", "weightDecay", weightDecay);
            Check.nonNegative("nadam", "momentumDecay", momentumDecay);
        }

        public static NAdam lr(double lr) {
            return lr(new Constant(Check.lr("nadam", lr)));
        }

        public static NAdam lr(Schedule lr) {
            return new NAdam(lr, 0.9, 0.999, 1e-8, 0, 4e-3);
        }

        public static NAdam defaults() {
            return lr(2e-3);
        }

        public NAdam betas(double b1, double b2) {
            return new NAdam(lr, b1, b2, eps, weightDecay, momentumDecay);
        }

        public NAdam eps(double v) {
            return new NAdam(lr, beta1, beta2, v, weightDecay, momentumDecay);
        }

        public NAdam weightDecay(double v) {
            return new NAdam(lr, beta1, beta2, eps, v, momentumDecay);
        }

        public NAdam momentumDecay(double v) {
            return new NAdam(lr, beta1, beta2, eps, weightDecay, v);
        }
    }

    public static GradientTransformation radam(double lr) {
        return radam(RAdam.lr(lr));
    }

    /**
     * RAdam (Liu et al., ICLR 2020), as PyTorch: {@code g ← g + λp}; {@code m}, {@code v} as Adam; while the
     * variance of the adaptive rate is intractable ({@code ρ_t ≤ 5}) {@code p ← p − lr·m/(1−β₁ᵗ)}, then
     * {@code p ← p − lr·r_t·m/(1−β₁ᵗ)·√(1−β₂ᵗ)/(√v + ε)}; see {@link Transforms#scaleByRadam}.
     * {@code = chain(addL2(λ), scaleByRadam(β₁, β₂, ε), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation radam(RAdam s) {
        return coupled(s, scaleByRadam(s.beta1(), s.beta2(), s.eps()));
    }

    /** RAdam settings; PyTorch's {@code RAdam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)}. */
    public record RAdam(Schedule lr, double beta1, double beta2, double eps, double weightDecay)
            implements OptimizerSettings {
        public RAdam {
            Check.lr("radam", lr);
            Check.beta("radam", "beta1", beta1);
            Check.beta("radam", "beta2", beta2);
            Check.positive("radam", "eps", eps);
            Check.nonNegative("radam", "weightDecay", weightDecay);
        }

        public static RAdam lr(double lr) {
            return lr(new Constant(Check.lr("radam", lr)));
        }

        public static RAdam lr(Schedule lr) {
            return new RAdam(lr, 0.9, 0.999, 1e-8, 0);
        }

        public static RAdam defaults() {
            return lr(1e-3);
        }

        public RAdam betas(double b1, double b2) {
            return new RAdam(lr, b1, b2, eps, weightDecay);
        }

        public RAdam eps(double v) {
            return new RAdam(lr, beta1, beta2, v, weightDecay);
        }

        public RAdam weightDecay(double v) {
            return new RAdam(lr, beta1, beta2, eps, v);
        }
    }

    // ----- Lion -----

    public static GradientTransformation lion(double lr) {
        return lion(Lion.lr(lr));
    }

    /**
     * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, Program 1):
     * {@code c = β₁m + (1−β₁)g}, {@code p ← p − lr·(sign(c) + λp)}, {@code m = β₂m + (1−β₂)g}. Not in PyTorch 1.13;
     * the defaults are those of the authors' PyTorch implementation. Use a learning rate 3–10× smaller than
     * AdamW's (the sign makes every step full-size) and a correspondingly larger λ.
     * {@code = chain(scaleByLion(β₁, β₂), addDecayedWeights(λ), scaleByLearningRate(lr))}.
     */
    public static GradientTransformation lion(Lion s) {
        return decoupled(s, scaleByLion(s.beta1(), s.beta2()));
    }

    /** Lion settings; the paper's reference code: {@code Lion(lr=1e-4, betas=(0.9, 0.99), weight_decay=0)}. */
    public record Lion(Schedule lr, double beta1, double beta2, double weightDecay) implements OptimizerSettings {
        public Lion {
            Check.lr("lion", lr);
            Check.beta("lion", "beta1", beta1);
            Check.beta("lion", "beta2", beta2);
            Check.nonNegative("lion", "weightDecay", weightDecay);
        }

        public static Lion lr(double lr) {
            return lr(new Constant(Check.lr("lion", lr)));
        }

        public static Lion lr(Schedule lr) {
            return new Lion(lr, 0.9, 0.99, 0);
        }

        public static Lion defaults() {
            return lr(1e-4);
        }

        public Lion betas(double b1, double b2) {
            return new Lion(lr, b1, b2, weightDecay);
        }

        public Lion weightDecay(double v) {
            return new Lion(lr, beta1, beta2, v);
        }
    }
}
