package polyhead.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

import polyhead.mtl.arch.Architecture;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Plateau;
import polyhead.optim.Transforms;
import polyhead.optim.schedule.Schedule;
import polyhead.optim.schedule.Schedules;

/**
 * The optimizer of an experiment, immutable: optionally {@link #maximize} (ascend), gradient clipping over all
 * parameters together, then the {@link Algorithm} — or, with parameter groups, a {@link Transforms#partition} with one
 * copy of the algorithm per group, each with its learning rate (following the schedule from its own base rate) and
 * weight decay — then reduce-on-plateau; all of it inside gradient accumulation. Each method returns a changed copy:
 *
 * <pre>{@code
 * OptimizerPlan.of(Algorithm.of(AdamW.lr(1e-3)))
 *     .clipByGlobalNorm(1.0)
 *     .schedule(lr -> Schedules.cosine(lr, 100, 0), ScheduleUnit.EPOCH)
 *     .group(ParameterGroup.of(Selector.biasesAndNorms()).weightDecay(0))
 * }</pre>
 *
 * <p>Defaults: no clipping, a constant rate, no plateau, no groups, no accumulation, descent, no moving average of
 * the weights.
 */
public final class OptimizerPlan {
    /** What a schedule counts: optimizer steps, or epochs (PyTorch's {@code scheduler.step()} once per epoch). */
    public enum ScheduleUnit { STEP, EPOCH }

    private static final String DEFAULT_GROUP = "default";

    private final Algorithm algorithm;
    private final boolean maximize;
    private final String clippingName;
    private final Supplier<GradientTransformation> clipping;
    private final DoubleFunction<Schedule> schedule;
    private final ScheduleUnit unit;
    private final Plateau plateau;
    private final String plateauMonitor;
    private final List<ParameterGroup> groups;
    private final int accumulation;
    private final double emaDecay;

    private OptimizerPlan(Algorithm algorithm, boolean maximize, String clippingName,
                          Supplier<GradientTransformation> clipping, DoubleFunction<Schedule> schedule, ScheduleUnit unit,
                          Plateau plateau, String plateauMonitor, List<ParameterGroup> groups, int accumulation,
                          double emaDecay) {
        this.algorithm = Objects.requireNonNull(algorithm, "optimizer: algorithm");
        this.maximize = maximize;
        this.clippingName = clippingName;
        this.clipping = clipping;
        this.schedule = Objects.requireNonNull(schedule, "optimizer: schedule");
        this.unit = Objects.requireNonNull(unit, "optimizer: schedule unit");
        this.plateau = plateau;
        this.plateauMonitor = plateauMonitor;
        this.groups = List.copyOf(groups);
        this.accumulation = accumulation;
        this.emaDecay = emaDecay;
    }

    /** {@code algorithm} alone, at its constant base rate. */
    public static OptimizerPlan of(Algorithm algorithm) {
        return new OptimizerPlan(algorithm, false, null, null, Schedules::constant, ScheduleUnit.STEP, null, null,
                List.of(), 1, Double.NaN);
    }

    private OptimizerPlan with(boolean maximize, String clippingName, Supplier<GradientTransformation> clipping,
                               DoubleFunction<Schedule> schedule, ScheduleUnit unit, Plateau plateau, String monitor,
                               List<ParameterGroup> groups, int accumulation) {
        return new OptimizerPlan(algorithm, maximize, clippingName, clipping, schedule, unit, plateau, monitor, groups,
                accumulation, emaDecay);
    }

    /** Ascend instead of descend ({@code u = −g} first, PyTorch's {@code maximize=True}): the loss is a reward. */
    public OptimizerPlan maximize(boolean on) {
        return with(on, clippingName, clipping, schedule, unit, plateau, plateauMonitor, groups, accumulation);
    }

    /** Scale all gradients together so their joint L2 norm is at most {@code maxNorm} ({@code clip_grad_norm_}). */
    public OptimizerPlan clipByGlobalNorm(double maxNorm) {
        positive("clipByGlobalNorm", maxNorm);
        return clip("clipByGlobalNorm", () -> Transforms.clipByGlobalNorm(maxNorm));
    }

    /** Scale each parameter's gradient so its L2 norm is at most {@code maxNorm}. */
    public OptimizerPlan clipByNorm(double maxNorm) {
        positive("clipByNorm", maxNorm);
        return clip("clipByNorm", () -> Transforms.clipByNorm(maxNorm));
    }

    /** Clamp each gradient value to [−maxValue, maxValue] ({@code clip_grad_value_}). */
    public OptimizerPlan clipByValue(double maxValue) {
        positive("clipByValue", maxValue);
        return clip("clipByValue", () -> Transforms.clipByValue(maxValue));
    }

    private OptimizerPlan clip(String name, Supplier<GradientTransformation> c) {
        return with(maximize, name, c, schedule, unit, plateau, plateauMonitor, groups, accumulation);
    }

    /**
     * The learning-rate schedule, made from a base rate (the algorithm's or a group's), counted in {@code unit}s:
     * {@code lr -> Schedules.cosine(lr, 100, 0)}.
     */
    public OptimizerPlan schedule(DoubleFunction<Schedule> fromBaseRate, ScheduleUnit unit) {
        return with(maximize, clippingName, clipping, fromBaseRate, unit, plateau, plateauMonitor, groups, accumulation);
    }

    /**
     * PyTorch's {@code ReduceLROnPlateau} after the rest, judged once per epoch on history key {@code monitor} (null
     * for the trainer's choice: the early-stopping monitor, else {@code val.loss}, else {@code train.loss}).
     */
    public OptimizerPlan reduceOnPlateau(Plateau settings, String monitor) {
        Objects.requireNonNull(settings, "optimizer: plateau settings");
        return with(maximize, clippingName, clipping, schedule, unit, settings, monitor, groups, accumulation);
    }

    /** Adds a parameter group; the first group that selects a parameter wins. */
    public OptimizerPlan group(ParameterGroup g) {
        if (Double.isNaN(g.lr()) && Double.isNaN(g.weightDecay())) {
            throw new IllegalArgumentException("optimizer group " + g.select() + " overrides neither lr nor weightDecay");
        }
        List<ParameterGroup> more = new ArrayList<>(groups);
        more.add(g);
        return with(maximize, clippingName, clipping, schedule, unit, plateau, plateauMonitor, more, accumulation);
    }

    /** Apply the mean gradient of {@code k} consecutive batches as one step; 1 for none. */
    public OptimizerPlan gradientAccumulation(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("optimizer: gradientAccumulation must be at least 1, got " + k);
        }
        return with(maximize, clippingName, clipping, schedule, unit, plateau, plateauMonitor, groups, k);
    }

    /**
     * Keeps an exponential moving average of the weights with decay {@code decay} in [0, 1), updated after every step;
     * the model ends the run with the averages ({@link polyhead.train.EmaListener}, which says where it deviates).
     */
    public OptimizerPlan ema(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("optimizer: ema decay must be in [0, 1), got " + decay);
        }
        return new OptimizerPlan(algorithm, maximize, clippingName, clipping, schedule, unit, plateau, plateauMonitor,
                groups, accumulation, decay);
    }

    /** The decay of the weights' moving average, or NaN for none. */
    public double emaDecay() {
        return emaDecay;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The plateau's monitored key, or null for the trainer's choice (or no plateau). */
    public String plateauMonitor() {
        return plateauMonitor;
    }

    /**
     * The optimizer for the parameters of {@code arch} plus {@code extraParameters} (a weighting's own, which take
     * the algorithm's settings); {@code stepsPerEpoch} converts epoch-counted schedules into steps.
     *
     * @throws IllegalArgumentException if a group selects no parameter (or only parameters an earlier group took)
     */
    public GradientTransformation create(Architecture arch, Collection<String> extraParameters, int stepsPerEpoch) {
        GradientTransformation body;
        if (groups.isEmpty()) {
            body = algorithm.create(rate(algorithm.lr(), stepsPerEpoch), algorithm.weightDecay());
        } else {
            Map<String, String> labels = labels(arch, extraParameters);
            Set<String> used = new LinkedHashSet<>(labels.values());
            Map<String, GradientTransformation> byLabel = new LinkedHashMap<>();
            for (int k = 0; k < groups.size(); k++) {
                ParameterGroup g = groups.get(k);
                if (!used.contains(label(k))) {
                    throw new IllegalArgumentException("optimizer group " + k + " (" + g.select() + ") selects no "
                            + "parameter of this model (or only parameters an earlier group took)");
                }
                double lr = Double.isNaN(g.lr()) ? algorithm.lr() : g.lr();
                double wd = Double.isNaN(g.weightDecay()) ? algorithm.weightDecay() : g.weightDecay();
                byLabel.put(label(k), algorithm.create(rate(lr, stepsPerEpoch), wd));
            }
            if (used.contains(DEFAULT_GROUP)) {
                byLabel.put(DEFAULT_GROUP, algorithm.create(rate(algorithm.lr(), stepsPerEpoch), algorithm.weightDecay()));
            }
            body = Transforms.partition((name, shape) -> labels.getOrDefault(name, DEFAULT_GROUP), byLabel);
        }
        List<GradientTransformation> parts = new ArrayList<>();
        if (maximize) {
            parts.add(Transforms.maximize());
        }
        if (clipping != null) {
            parts.add(clipping.get());
        }
        parts.add(body);
        if (plateau != null) {
            parts.add(Transforms.reduceOnPlateau(plateau));
        }
        GradientTransformation step = parts.size() == 1 ? parts.get(0)
                : Transforms.chain(parts.toArray(new GradientTransformation[0]));
        return accumulation > 1 ? Transforms.accumulate(accumulation, step) : step;
    }

    private Schedule rate(double lr, int stepsPerEpoch) {
        Schedule s = schedule.apply(lr);
        return unit == ScheduleUnit.EPOCH ? Schedules.perEpoch(s, stepsPerEpoch) : s;
    }

    /** The partition label of the k-th group, as the optimizer's learning-rate log shows it. */
    private static String label(int k) {
        return "group" + k;
    }

    /** Each parameter's group label: the first group that selects it, else the default group. */
    private Map<String, String> labels(Architecture arch, Collection<String> extra) {
        List<Predicate<String>> selected = groups.stream().map(g -> g.select().over(arch)).toList();
        List<String> names = new ArrayList<>();
        arch.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) { // a frozen parameter is in no group: the trainer does not hand it over
                names.add(name);
            }
        });
        names.addAll(extra);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String name : names) {
            String label = DEFAULT_GROUP;
            for (int k = 0; k < selected.size(); k++) {
                if (selected.get(k).test(name)) {
                    label = label(k);
                    break;
                }
            }
            labels.put(name, label);
        }
        return labels;
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("optimizer: " + what + " must be > 0, got " + v);
        }
    }
}
