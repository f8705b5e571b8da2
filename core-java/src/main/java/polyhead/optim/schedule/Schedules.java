package polyhead.optim.schedule;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The learning-rate schedules of PyTorch 1.13's {@code torch.optim.lr_scheduler}, as pure functions: {@code
 * valueAt(t)} is the learning rate after t scheduler steps (t = 0 before any step, the rate the first update uses),
 * i.e. {@code optimizer.param_groups[0]["lr"]} after t calls of {@code scheduler.step()} on a freshly built
 * scheduler. PyTorch computes most of them recursively from the previous rate; these are the closed forms, equal to
 * PyTorch's values within rounding (checked against recorded PyTorch runs, see {@code
 * reference/generate_schedule_reference.py}).
 *
 * <p>Every schedule is an immutable record, so thread-safe, with a {@code toString()} naming its type and
 * arguments (e.g. {@code Cosine[lr=0.1, tMax=50, etaMin=0.0]}) for experiment records. Arguments are checked when
 * a schedule is built: an {@link IllegalArgumentException} (a {@link NullPointerException} for null arguments)
 * names the factory, the argument and its value. {@link Schedule#valueAt} throws an {@link IllegalArgumentException}
 * naming the step for a negative step. Learning rates must be finite and ≥ 0 (0 is allowed).
 *
 * <p>Reduce-on-plateau is not here: it depends on observed losses, not only on the step, so it belongs with the
 * optimizers.
 */
public final class Schedules {
    /** The decay factor γ of {@link #step} and {@link #multiStep}: 0.1, as in PyTorch. */
    public static final double DEFAULT_GAMMA = 0.1;
    /** The floor η_min of the cosine schedules: 0, as in PyTorch. */
    public static final double DEFAULT_ETA_MIN = 0.0;
    /** The period multiplier of {@link #cosineWarmRestarts(double, int)}: every period as long as the first. */
    public static final int DEFAULT_T_MULT = 1;
    /** The fraction of a one-cycle spent increasing the rate, as in PyTorch. */
    public static final double DEFAULT_PCT_START = 0.3;
    /** The annealing of a one-cycle, PyTorch's {@code 'cos'}. */
    public static final Anneal DEFAULT_ANNEAL = Anneal.COSINE;
    /** A one-cycle starts at maxLr / 25, as in PyTorch. */
    public static final double DEFAULT_DIV_FACTOR = 25;
    /** A one-cycle ends at (maxLr / divFactor) / 10⁴, as in PyTorch. */
    public static final double DEFAULT_FINAL_DIV_FACTOR = 1e4;
    /** A one-cycle has two phases (fastai's variant, PyTorch's default), not the paper's three. */
    public static final boolean DEFAULT_THREE_PHASE = false;

    private Schedules() {
    }

    /**
     * η_t = lr for every t: the rate without a scheduler (or PyTorch's {@code LambdaLR(lambda t: 1.0)}).
     *
     * @param lr finite, ≥ 0
     */
    public static Schedule constant(double lr) {
        return new Constant(lr);
    }

    /** {@link #step(double, int, double)} with γ = {@link #DEFAULT_GAMMA}. */
    public static Schedule step(double lr, int stepSize) {
        return step(lr, stepSize, DEFAULT_GAMMA);
    }

    /**
     * Decay by γ every {@code stepSize} steps, PyTorch's {@code StepLR(step_size, gamma)}:
     * <pre>
     * η_t = lr · γ^⌊t / stepSize⌋
     * </pre>
     *
     * @param lr finite, ≥ 0
     * @param stepSize > 0
     * @param gamma finite, > 0 (γ > 1 grows the rate, as PyTorch allows)
     */
    public static Schedule step(double lr, int stepSize, double gamma) {
        return new Step(lr, stepSize, gamma);
    }

    /** {@link #multiStep(double, int[], double)} with γ = {@link #DEFAULT_GAMMA}. */
    public static Schedule multiStep(double lr, int[] milestones) {
        return multiStep(lr, milestones, DEFAULT_GAMMA);
    }

    /**
     * Decay by γ at each milestone, PyTorch's {@code MultiStepLR(milestones, gamma)}:
     * <pre>
     * η_t = lr · γ^|{i : milestones[i] ≤ t}|
     * </pre>
     * A milestone listed k times decays by γ^k when it is reached (PyTorch keeps the milestones in a {@code
     * Counter}); a milestone 0 already applies at t = 0.
     *
     * @param lr finite, ≥ 0
     * @param milestones not empty, each ≥ 0, sorted (non-decreasing); copied, not modified
     * @param gamma finite, > 0
     */
    public static Schedule multiStep(double lr, int[] milestones, double gamma) {
        return new MultiStep(lr, Arrays.stream(milestones).boxed().collect(Collectors.toList()), gamma);
    }

    /**
     * Decay by γ every step, PyTorch's {@code ExponentialLR(gamma)} (which has no default γ):
     * <pre>
     * η_t = lr · γ^t
     * </pre>
     *
     * @param lr finite, ≥ 0
     * @param gamma finite, > 0
     */
    public static Schedule exponential(double lr, double gamma) {
        return new Exponential(lr, gamma);
    }

    /** {@link #cosine(double, int, double)} with η_min = {@link #DEFAULT_ETA_MIN}. */
    public static Schedule cosine(double lr, int tMax) {
        return cosine(lr, tMax, DEFAULT_ETA_MIN);
    }

    /**
     * Cosine annealing from lr down to η_min over tMax steps, PyTorch's {@code CosineAnnealingLR(T_max, eta_min)}:
     * <pre>
     * η_t = η_min + (lr − η_min) · (1 + cos(π·t / tMax)) / 2
     * </pre>
     * For t > tMax this keeps oscillating with period 2·tMax (back up to lr at t = 2·tMax), which is what PyTorch's
     * recursive form does too; to hold η_min instead, use {@link #cosineWarmRestarts} or stop at tMax. η_min > lr
     * is allowed (the rate then rises).
     *
     * @param lr finite, ≥ 0
     * @param tMax > 0
     * @param etaMin finite, ≥ 0
     */
    public static Schedule cosine(double lr, int tMax, double etaMin) {
        return new Cosine(lr, tMax, etaMin);
    }

    /**
     * {@link #cosineWarmRestarts(double, int, int, double)} with tMult = {@link #DEFAULT_T_MULT} and η_min =
     * {@link #DEFAULT_ETA_MIN}.
     */
    public static Schedule cosineWarmRestarts(double lr, int t0) {
        return cosineWarmRestarts(lr, t0, DEFAULT_T_MULT, DEFAULT_ETA_MIN);
    }

    /**
     * Cosine annealing restarted at lr after every period, the periods growing by tMult (SGDR, Loshchilov &amp;
     * Hutter 2017), PyTorch's {@code CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)} stepped by whole steps:
     * <pre>
     * η_t = η_min + (lr − η_min) · (1 + cos(π·T_cur / T_i)) / 2
     * </pre>
     * where period i has length T_i = t0·tMult^i and T_cur = t − (t0 + t0·tMult + … + t0·tMult^(i−1)) is the step
     * within it; so η_t = lr at each restart and η_min is never reached.
     *
     * @param lr finite, ≥ 0
     * @param t0 the length of the first period, > 0
     * @param tMult ≥ 1
     * @param etaMin finite, ≥ 0
     */
    public static Schedule cosineWarmRestarts(double lr, int t0, int tMult, double etaMin) {
        return new CosineWarmRestarts(lr, t0, tMult, etaMin);
    }

    /**
     * A linear change of the rate's factor from startFactor to endFactor over totalIters steps, then constant,
     * PyTorch's {@code LinearLR(start_factor, end_factor, total_iters)}:
     * <pre>
     * η_t = lr · (startFactor + (endFactor − startFactor) · min(t, totalIters) / totalIters)
     * </pre>
     * All arguments are required here (PyTorch's defaults 1/3, 1 and 5 are not repeated). startFactor = 0 is
     * allowed: PyTorch 1.13 accepts it but then divides by zero at its first step.
     *
     * @param lr finite, ≥ 0
     * @param startFactor in [0, 1]
     * @param endFactor in [0, 1]
     * @param totalIters > 0
     */
    public static Schedule linear(double lr, double startFactor, double endFactor, int totalIters) {
        return new Linear(lr, startFactor, endFactor, totalIters);
    }

    /**
     * A schedule stepped once per epoch, driven by the global step count as every schedule in Polyhead is:
     * {@code η_s = epochs.valueAt(⌊s / stepsPerEpoch⌋)} — PyTorch's pattern of calling {@code scheduler.step()} at
     * the end of each epoch instead of after each batch. Exact when every epoch has {@code stepsPerEpoch} steps, as
     * with the trainer's batch sources ({@code BatchSource.stepsPerEpoch()}).
     *
     * @param epochs        the schedule, in epochs (e.g. {@code step(0.1, 30)}: ×0.1 every 30 epochs)
     * @param stepsPerEpoch optimizer steps in one epoch, ≥ 1
     */
    public static Schedule perEpoch(Schedule epochs, int stepsPerEpoch) {
        return new PerEpoch(epochs, stepsPerEpoch);
    }

    /**
     * A linear warm-up into any schedule: the rate rises linearly from startFactor·after(0) towards after(0) over
     * warmupSteps steps, then follows {@code after} from its start:
     * <pre>
     * η_t = after(0) · (startFactor + (1 − startFactor) · t / warmupSteps)     for t &lt; warmupSteps
     * η_t = after(t − warmupSteps)                                            for t ≥ warmupSteps
     * </pre>
     * This is PyTorch's {@code SequentialLR([LinearLR(start_factor, 1.0, total_iters=warmupSteps), X],
     * milestones=[warmupSteps])} when {@code after} is the schedule of X (whose base rate after(0) is the
     * optimizer's lr): X is restarted at the milestone, so η_{warmupSteps} = after(0). warmupSteps = 0 gives
     * {@code after} itself. {@code toString()} shows {@code after}'s, so use a schedule from this class there.
     *
     * @param warmupSteps ≥ 0
     * @param startFactor in [0, 1] (0 allowed, see {@link #linear})
     * @param after not null
     */
    public static Schedule linearWarmup(int warmupSteps, double startFactor, Schedule after) {
        return new LinearWarmup(warmupSteps, startFactor, after);
    }

    /**
     * {@link #oneCycle(double, int, double, Anneal, double, double, boolean)} with {@link #DEFAULT_PCT_START},
     * {@link #DEFAULT_ANNEAL}, {@link #DEFAULT_DIV_FACTOR}, {@link #DEFAULT_FINAL_DIV_FACTOR} and
     * {@link #DEFAULT_THREE_PHASE}.
     */
    public static Schedule oneCycle(double maxLr, int totalSteps) {
        return oneCycle(maxLr, totalSteps, DEFAULT_PCT_START, DEFAULT_ANNEAL, DEFAULT_DIV_FACTOR,
                DEFAULT_FINAL_DIV_FACTOR, DEFAULT_THREE_PHASE);
    }

    /**
     * The 1cycle policy (Smith &amp; Topin 2017, "Super-Convergence"), PyTorch's {@code OneCycleLR(max_lr,
     * total_steps, pct_start, anneal_strategy, div_factor=divFactor, final_div_factor=finalDivFactor,
     * three_phase)}, learning rate only: momentum cycling ({@code cycle_momentum}) is out of scope, and a cycle is
     * given by totalSteps (not epochs × steps per epoch). With initial = maxLr / divFactor, min = initial /
     * finalDivFactor and N = totalSteps, the cycle is made of phases that each anneal (see {@link Anneal}) between
     * two rates, the fraction done being (t − start) / (end − start):
     * <pre>
     * two phases:   initial → maxLr    over [0, pctStart·N − 1]
     *               maxLr → min        over [pctStart·N − 1, N − 1]
     * threePhase:   initial → maxLr    over [0, pctStart·N − 1]
     *               maxLr → initial    over [pctStart·N − 1, 2·pctStart·N − 2]
     *               initial → min      over [2·pctStart·N − 2, N − 1]
     * </pre>
     * A step t belongs to the first phase whose end is ≥ t (the last phase otherwise), as in PyTorch; phase ends may
     * be fractional, and if pctStart·N &lt; 1 the warm-up is skipped. {@code valueAt(t)} for t ≥ N holds the rate
     * of t = N − 1, the last one an update of the cycle uses (normally min). This is the one deviation from PyTorch,
     * which at t = N extrapolates the last phase past its end (below min; negative with {@link Anneal#LINEAR}) and
     * raises beyond.
     *
     * @param maxLr finite, ≥ 0
     * @param totalSteps N > 0
     * @param pctStart in (0, 1), with pctStart·N ≠ 1 (PyTorch divides by zero then)
     * @param anneal not null
     * @param divFactor finite, > 0
     * @param finalDivFactor finite, > 0
     * @param threePhase whether to add the third phase
     */
    public static Schedule oneCycle(double maxLr, int totalSteps, double pctStart, Anneal anneal, double divFactor,
            double finalDivFactor, boolean threePhase) {
        return new OneCycle(maxLr, totalSteps, pctStart, anneal, divFactor, finalDivFactor, threePhase);
    }
}
