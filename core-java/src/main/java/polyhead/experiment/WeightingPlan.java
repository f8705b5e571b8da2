package polyhead.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleFunction;

import polyhead.io.UserText;
import polyhead.mtl.Task;
import polyhead.mtl.weighting.CaGrad;
import polyhead.mtl.weighting.GradNorm;
import polyhead.mtl.weighting.Mgda;
import polyhead.mtl.weighting.NashMtl;
import polyhead.mtl.weighting.ScheduledWeights;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.schedule.Schedule;
import polyhead.train.GradientSource;

/**
 * How the per-task losses become one update, described before the tasks exist: each plan makes a fresh strategy of
 * {@link Weightings} (strategies keep state) from the experiment's tasks. Gradient-level plans read the task
 * gradients where {@link #source} says; MGDA, CAGrad and Nash-MTL take their solver's settings with
 * {@link #solver} and {@link #maxIterations}. The strategies' defaults are those of {@link Weightings}. Every
 * gradient-level plan reads the shared parameters unless told otherwise, except GradDrop, which reads only the shared
 * representation.
 */
public final class WeightingPlan {
    /**
     * Makes the strategy for the tasks, given the optimizer's base learning rate (GradNorm's default rate) and the
     * per-task initial values of its state ({@link #initialLogVariances}, {@link #initialWeights}; empty if none).
     */
    @FunctionalInterface
    interface Factory {
        Weighting create(List<Task> tasks, double optimizerLr, Map<String, Double> initial);
    }

    /** The gradient-level strategies that refuse gradients of the shared representation. */
    private static final java.util.Set<String> PARAMETERS_ONLY = java.util.Set.of("dbMtl", "moCo", "excessMtl");

    private final String name;
    private final boolean gradientLevel;
    private final Factory factory;
    private final GradientSource source;
    private final double tolerance;
    private final int maxIterations;
    private final Map<String, Double> initial;

    private WeightingPlan(String name, boolean gradientLevel, Factory factory, GradientSource source, double tolerance,
                          int maxIterations) {
        this(name, gradientLevel, factory, source, tolerance, maxIterations, Map.of());
    }

    private WeightingPlan(String name, boolean gradientLevel, Factory factory, GradientSource source, double tolerance,
                          int maxIterations, Map<String, Double> initial) {
        this.initial = initial;
        this.name = name;
        this.gradientLevel = gradientLevel;
        this.factory = factory;
        this.source = source;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    private static WeightingPlan loss(String name, Factory f) {
        return new WeightingPlan(name, false, f, GradientSource.PARAMETERS, Double.NaN, 0);
    }

    private static WeightingPlan gradient(String name, Factory f) {
        return new WeightingPlan(name, true, f, GradientSource.PARAMETERS, Double.NaN, 0);
    }

    /** Σ L_t: every task weighs 1, whatever its declared weight. */
    public static WeightingPlan equal() {
        return loss("equal", (tasks, lr, initial) -> Weightings.equal());
    }

    /** Σ w_t·L_t with each task's declared weight; the default of {@link ExperimentBuilder}. */
    public static WeightingPlan fixed() {
        return loss("fixed", (tasks, lr, initial) -> Weightings.fixed(declared(tasks)));
    }

    /**
     * Σ w_t(n)·L_t: each listed task's weight follows the schedule its function makes from the task's declared weight
     * (e.g. {@code w -> Schedules.linear(w, 1, 0, 100)}), counted in steps or epochs; unlisted tasks keep theirs.
     */
    public static WeightingPlan scheduled(Map<String, DoubleFunction<Schedule>> weights, ScheduledWeights.Unit unit) {
        Map<String, DoubleFunction<Schedule>> copy = Map.copyOf(weights);
        Objects.requireNonNull(unit, "scheduled weighting: unit");
        return loss("scheduled", (tasks, lr, initial) -> {
            for (String t : copy.keySet()) {
                if (tasks.stream().noneMatch(k -> k.name().equals(t))) {
                    throw new IllegalArgumentException("weighting: scheduled names no task " + UserText.quote(t) + "; tasks: "
                            + tasks.stream().map(Task::name).toList());
                }
            }
            Map<String, Schedule> schedules = new LinkedHashMap<>();
            for (Task t : tasks) {
                DoubleFunction<Schedule> shape = copy.getOrDefault(t.name(), polyhead.optim.schedule.Schedules::constant);
                schedules.put(t.name(), shape.apply(t.weight()));
            }
            return Weightings.scheduled(schedules, unit);
        });
    }

    /** Uncertainty weighting (Kendall et al., 2018), one learned log-variance per task from {@code initialLogVariance}. */
    public static WeightingPlan uncertainty(double initialLogVariance) {
        return loss("uncertainty", (tasks, lr, initial) -> Weightings.uncertainty(names(tasks), initialLogVariance, initial));
    }

    public static WeightingPlan uncertainty() {
        return uncertainty(polyhead.mtl.weighting.Uncertainty.DEFAULT_INITIAL_LOG_VARIANCE);
    }

    /** Dynamic weight average (Liu et al., 2019) with temperature T. */
    public static WeightingPlan dwa(double temperature) {
        return loss("dwa", (tasks, lr, initial) -> Weightings.dwa(temperature));
    }

    public static WeightingPlan dwa() {
        return loss("dwa", (tasks, lr, initial) -> Weightings.dwa());
    }

    /** Random loss weighting (Lin et al., 2022). */
    public static WeightingPlan randomLossWeighting() {
        return loss("randomLossWeighting", (tasks, lr, initial) -> Weightings.randomLossWeighting());
    }

    /** FAMO (Liu et al., 2023): task logits learning at {@code lr} with weight decay {@code weightDecay}. */
    public static WeightingPlan famo(double lr, double weightDecay) {
        return loss("famo", (tasks, optimizerLr, initial) -> Weightings.famo(names(tasks), lr, weightDecay));
    }

    public static WeightingPlan famo() {
        return famo(polyhead.mtl.weighting.Famo.DEFAULT_LR, polyhead.mtl.weighting.Famo.DEFAULT_WEIGHT_DECAY);
    }

    /** The geometric loss strategy (Chennupati et al., 2019): the geometric mean of the task losses. */
    public static WeightingPlan gls() {
        return loss("gls", (tasks, lr, initial) -> Weightings.gls());
    }

    /** Smooth Tchebycheff scalarization (Lin et al., 2024) with smoothing μ after {@code warmupEpochs} epochs. */
    public static WeightingPlan stch(double mu, int warmupEpochs) {
        return loss("stch", (tasks, lr, initial) -> Weightings.stch(mu, warmupEpochs));
    }

    public static WeightingPlan stch() {
        return loss("stch", (tasks, lr, initial) -> Weightings.stch());
    }

    /** PCGrad (Yu et al., 2020). */
    public static WeightingPlan pcGrad() {
        return gradient("pcGrad", (tasks, lr, initial) -> Weightings.pcGrad());
    }

    /** MGDA (Sener &amp; Koltun, 2018) with {@code normalization}. */
    public static WeightingPlan mgda(Mgda.Normalization normalization) {
        return gradient("mgda", (tasks, lr, initial) -> Weightings.mgda(normalization));
    }

    public static WeightingPlan mgda() {
        return gradient("mgda", (tasks, lr, initial) -> Weightings.mgda());
    }

    /** CAGrad (Liu et al., 2021) with radius factor c in [0, 1). */
    public static WeightingPlan caGrad(double c) {
        return gradient("caGrad", (tasks, lr, initial) -> Weightings.caGrad(c));
    }

    public static WeightingPlan caGrad() {
        return gradient("caGrad", (tasks, lr, initial) -> Weightings.caGrad());
    }

    /** Nash-MTL (Navon et al., 2022). */
    public static WeightingPlan nashMtl() {
        return gradient("nashMtl", (tasks, lr, initial) -> Weightings.nashMtl());
    }

    /** GradNorm (Chen et al., 2018) with asymmetry α; the task weights learn at {@code lr}. */
    public static WeightingPlan gradNorm(double alpha, double lr) {
        return gradient("gradNorm", (tasks, optimizerLr, initial) -> Weightings.gradNorm(alpha, lr, initial));
    }

    /** GradNorm with asymmetry α; the task weights learn at the optimizer's base learning rate. */
    public static WeightingPlan gradNorm(double alpha) {
        return gradient("gradNorm", (tasks, optimizerLr, initial) -> Weightings.gradNorm(alpha, optimizerLr, initial));
    }

    /** GradNorm with {@link GradNorm#DEFAULT_ALPHA} at the optimizer's base learning rate. */
    public static WeightingPlan gradNorm() {
        return gradNorm(GradNorm.DEFAULT_ALPHA);
    }

    /** IMTL-G (Liu et al., 2021): equal projections of the update on every task's unit gradient. */
    public static WeightingPlan imtlG() {
        return gradient("imtlG", (tasks, lr, initial) -> Weightings.imtlG());
    }

    /** IMTL-L (Liu et al., 2021): one learned loss scale s_t per task, objective Σ_t (e^{s_t} L_t − s_t). */
    public static WeightingPlan imtlL() {
        return loss("imtlL", (tasks, lr, initial) -> Weightings.imtlL(names(tasks)));
    }

    /** IMTL-H (Liu et al., 2021): IMTL-G's update on the gradients of IMTL-L's scaled losses. */
    public static WeightingPlan imtlH() {
        return gradient("imtlH", (tasks, lr, initial) -> Weightings.imtlH(names(tasks)));
    }

    /** FairGrad (Ban &amp; Ji, 2024): the α-fair update, fairness exponent {@code alpha} (finite, &gt; 0). */
    public static WeightingPlan fairGrad(double alpha) {
        Weightings.fairGrad(alpha); // fails now, with the strategy's message, rather than at build
        return gradient("fairGrad", (tasks, lr, initial) -> Weightings.fairGrad(alpha));
    }

    /** FairGrad with {@link polyhead.mtl.weighting.FairGrad#DEFAULT_ALPHA}. */
    public static WeightingPlan fairGrad() {
        return gradient("fairGrad", (tasks, lr, initial) -> Weightings.fairGrad());
    }

    /**
     * ExcessMTL (He et al., 2024): task weights following each task's estimated excess risk by exponentiated-gradient
     * steps of size {@code stepSize} (finite, ≥ 0); shared parameters only.
     */
    public static WeightingPlan excessMtl(double stepSize) {
        Weightings.excessMtl(stepSize); // fails now, with the strategy's message, rather than at build
        return gradient("excessMtl", (tasks, lr, initial) -> Weightings.excessMtl(stepSize));
    }

    /** ExcessMTL with {@link polyhead.mtl.weighting.ExcessMtl#DEFAULT_STEP_SIZE}. */
    public static WeightingPlan excessMtl() {
        return gradient("excessMtl", (tasks, lr, initial) -> Weightings.excessMtl());
    }

    /**
     * SDMGrad (Xiao, Ban &amp; Ji, 2023) with regularization {@code lambda} (finite, ≥ 0) toward the average gradient and
     * {@code iterations} (≥ 1) projected steps for its weights per training step; one batch stands for its three.
     */
    public static WeightingPlan sdmGrad(double lambda, int iterations) {
        Weightings.sdmGrad(lambda, iterations); // fails now, with the strategy's message, rather than at build
        return gradient("sdmGrad", (tasks, lr, initial) -> Weightings.sdmGrad(lambda, iterations));
    }

    /** SDMGrad with the defaults of {@link polyhead.mtl.weighting.SdmGrad}. */
    public static WeightingPlan sdmGrad() {
        return gradient("sdmGrad", (tasks, lr, initial) -> Weightings.sdmGrad());
    }

    /**
     * GradDrop (Chen et al., 2020) whose dropped gradients keep the fraction {@code leak} (in [0, 1]); gradients of the
     * shared representation only, its default source.
     */
    public static WeightingPlan gradDrop(double leak) {
        Weightings.gradDrop(leak); // fails now, with the strategy's message, rather than at build
        return new WeightingPlan("gradDrop", true, (tasks, lr, initial) -> Weightings.gradDrop(leak),
                GradientSource.REPRESENTATION, Double.NaN, 0);
    }

    /** GradDrop with {@link polyhead.mtl.weighting.GradDrop#DEFAULT_LEAK}. */
    public static WeightingPlan gradDrop() {
        return gradDrop(polyhead.mtl.weighting.GradDrop.DEFAULT_LEAK);
    }

    /** Aligned-MTL (Senushkin et al., 2023): the task gradients aligned to orthogonal components of equal size. */
    public static WeightingPlan alignedMtl() {
        return gradient("alignedMtl", (tasks, lr, initial) -> Weightings.alignedMtl());
    }

    /** UPGrad (Quinton &amp; Rey, 2024) with its default normalization and regularization thresholds. */
    public static WeightingPlan upGrad() {
        return gradient("upGrad", (tasks, lr, initial) -> Weightings.upGrad());
    }

    /** UPGrad with Gramian normalization threshold {@code normEps} (≥ 0) and regularization {@code regEps} (&gt; 0). */
    public static WeightingPlan upGrad(double normEps, double regEps) {
        Weightings.upGrad(normEps, regEps); // fails now, with the strategy's message, rather than at build
        return gradient("upGrad", (tasks, lr, initial) -> Weightings.upGrad(normEps, regEps));
    }

    /** GradVac (Wang et al., 2021) whose similarity targets follow an EMA with rate β in [0, 1]. */
    public static WeightingPlan gradVac(double beta) {
        return gradient("gradVac", (tasks, lr, initial) -> Weightings.gradVac(beta));
    }

    /** GradVac with {@link polyhead.mtl.weighting.GradVac#DEFAULT_BETA}. */
    public static WeightingPlan gradVac() {
        return gradient("gradVac", (tasks, lr, initial) -> Weightings.gradVac());
    }

    /** DB-MTL (Lin, Ye &amp; Zhang, 2023) whose gradient averages move at rate β/k^σ; shared parameters only. */
    public static WeightingPlan dbMtl(double beta, double betaSigma) {
        return gradient("dbMtl", (tasks, lr, initial) -> Weightings.dbMtl(beta, betaSigma));
    }

    /** DB-MTL with {@link polyhead.mtl.weighting.DbMtl#DEFAULT_BETA} and its default σ. */
    public static WeightingPlan dbMtl() {
        return gradient("dbMtl", (tasks, lr, initial) -> Weightings.dbMtl());
    }

    /**
     * MoCo (Fernando et al., 2023): tracking rate β/k^σ_β, weight step γ/k^σ_γ, regularization ρ; shared parameters
     * only.
     */
    public static WeightingPlan moCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho) {
        return gradient("moCo", (tasks, lr, initial) -> Weightings.moCo(beta, betaSigma, gamma, gammaSigma, rho));
    }

    /** MoCo with the defaults of {@link polyhead.mtl.weighting.MoCo}. */
    public static WeightingPlan moCo() {
        return gradient("moCo", (tasks, lr, initial) -> Weightings.moCo());
    }

    /** This gradient-level plan reading the task gradients at {@code s} (default: the shared parameters). */
    public WeightingPlan source(GradientSource s) {
        Objects.requireNonNull(s, "weighting source");
        if (!gradientLevel) {
            throw new IllegalArgumentException("weighting " + name + " combines losses and reads no gradients, so it has no source");
        }
        if (s == GradientSource.PARAMETERS && representationOnly()) {
            throw new IllegalArgumentException("weighting gradDrop acts on the features of the shared representation "
                    + "and needs their values, which gradients of the shared parameters do not have; it reads the "
                    + "shared representation");
        }
        if (s == GradientSource.REPRESENTATION && PARAMETERS_ONLY.contains(name)) {
            throw new IllegalArgumentException("weighting " + name + " keeps each task's gradient from step to step, "
                    + "which gradients of the shared representation (one batch's samples) cannot give; it reads the "
                    + "shared parameters");
        }
        return new WeightingPlan(name, true, factory, s, tolerance, maxIterations, initial);
    }

    /**
     * This MGDA or CAGrad plan with its simplex solver stopping at relative tolerance {@code tolerance} or after
     * {@code maxIterations} (defaults {@link Mgda#DEFAULT_TOLERANCE}, {@link Mgda#DEFAULT_MAX_ITERATIONS}).
     */
    public WeightingPlan solver(double tolerance, int maxIterations) {
        if (!name.equals("mgda") && !name.equals("caGrad")) {
            throw new IllegalArgumentException("weighting " + name + " has no solver tolerance (mgda and caGrad do)");
        }
        if (!(tolerance >= 0) || maxIterations < 1) {
            throw new IllegalArgumentException("weighting " + name + ": solver needs tolerance >= 0 and maxIterations >= 1, got "
                    + tolerance + " and " + maxIterations);
        }
        return new WeightingPlan(name, true, factory, source, tolerance, maxIterations, initial);
    }

    /** This Nash-MTL plan with Newton's method stopping after {@code n} iterations ({@link NashMtl#DEFAULT_MAX_ITERATIONS}). */
    public WeightingPlan maxIterations(int n) {
        if (!name.equals("nashMtl")) {
            throw new IllegalArgumentException("weighting " + name + " has no iteration limit alone (nashMtl does; mgda and caGrad take solver(...))");
        }
        if (n < 1) {
            throw new IllegalArgumentException("weighting nashMtl: maxIterations must be at least 1, got " + n);
        }
        return new WeightingPlan(name, true, factory, source, Double.NaN, n, initial);
    }

    /**
     * This uncertainty plan with the tasks named in {@code logVariances} starting at those log-variances s_t (finite;
     * the others at the plan's initial value). Task names are checked when the experiment is built.
     */
    public WeightingPlan initialLogVariances(Map<String, Double> logVariances) {
        return initial("uncertainty", "initialLogVariances", logVariances, false);
    }

    /**
     * This GradNorm plan with the tasks named in {@code weights} starting at those weights (finite, &gt; 0; the others
     * at 1; renormalized to sum to T, so only ratios matter). Task names are checked when the experiment is built.
     */
    public WeightingPlan initialWeights(Map<String, Double> weights) {
        return initial("gradNorm", "initialWeights", weights, true);
    }

    private WeightingPlan initial(String strategy, String setting, Map<String, Double> values, boolean positive) {
        if (!name.equals(strategy)) {
            throw new IllegalArgumentException("weighting " + name + " has no " + setting + " (" + strategy + " does)");
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        values.forEach((task, v) -> {
            if (v == null || !Double.isFinite(v) || positive && !(v > 0)) {
                throw new IllegalArgumentException("weighting " + name + ": " + setting + " of task '" + task
                        + "' must be " + (positive ? "a finite number > 0" : "finite") + ", got " + v);
            }
            copy.put(task, v);
        });
        return new WeightingPlan(name, gradientLevel, factory, source, tolerance, maxIterations,
                java.util.Collections.unmodifiableMap(copy));
    }

    /** The per-task initial values of the strategy's state (empty unless set). */
    public Map<String, Double> initialValues() {
        return initial;
    }

    /** The strategy's name, as in {@link Weightings}. */
    public String name() {
        return name;
    }

    public boolean gradientLevel() {
        return gradientLevel;
    }

    public GradientSource source() {
        return source;
    }

    /** Whether the strategy reads the shared representation only and cannot take the shared parameters (GradDrop). */
    public boolean representationOnly() {
        return name.equals("gradDrop");
    }

    /** A fresh strategy for {@code tasks}. */
    Weighting create(List<Task> tasks, double optimizerLr) {
        Weighting w = factory.create(tasks, optimizerLr, initial);
        if (maxIterations > 0) {
            if (w instanceof Mgda m) {
                return m.withSolver(tolerance, maxIterations);
            }
            if (w instanceof CaGrad c) {
                return c.withSolver(tolerance, maxIterations);
            }
            if (w instanceof NashMtl n) {
                return n.withMaxIterations(maxIterations);
            }
        }
        return w;
    }

    private static Map<String, Double> declared(List<Task> tasks) {
        Map<String, Double> m = new LinkedHashMap<>();
        tasks.forEach(t -> m.put(t.name(), t.weight()));
        return m;
    }

    private static List<String> names(List<Task> tasks) {
        return tasks.stream().map(Task::name).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
