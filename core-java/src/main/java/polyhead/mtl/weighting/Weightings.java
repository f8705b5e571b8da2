package polyhead.mtl.weighting;

import java.util.List;
import java.util.Map;

import polyhead.optim.schedule.Schedule;

/**
 * The weighting strategies. Loss-level ({@link LossWeighting}): {@link #equal}, {@link #fixed}, {@link #scheduled},
 * {@link #uncertainty}, {@link #dwa}, {@link #randomLossWeighting}. Gradient-level ({@link GradientWeighting}):
 * {@link #pcGrad}, {@link #mgda}, {@link #caGrad}, {@link #nashMtl}, {@link #gradNorm}, {@link #imtlG},
 * {@link #alignedMtl}, {@link #upGrad}, {@link #gradVac}, {@link #dbMtl}, {@link #moCo}, {@link #imtlH},
 * {@link #fairGrad}, {@link #excessMtl}, {@link #sdmGrad}, {@link #gradDrop} (the shared representation only). Each class documents its
 * paper, its math, its defaults and where it deviates; strategies with state are fresh objects on every call.
 * Loss-level too: {@link #famo}, {@link #gls}, {@link #stch}, {@link #imtlL}.
 */
public final class Weightings {
    private Weightings() {
    }

    /** Σ_t L_t over the tasks present, whatever weights the tasks declare. */
    public static FixedWeights equal() {
        return new FixedWeights("equal", Map.of(), false);
    }

    /** Σ_t w_t L_t over the tasks present, each w_t the weight the task declares ({@code Task.weight()}). */
    public static FixedWeights fixed() {
        return new FixedWeights("fixed", Map.of(), true);
    }

    /** Σ_t w_t L_t over the tasks present; tasks not in {@code weights} weigh what they declare. */
    public static FixedWeights fixed(Map<String, Double> weights) {
        return new FixedWeights("fixed", weights, true);
    }

    /**
     * Σ_t w_t(n) L_t with w_t = {@code weights.get(t).valueAt(n)}, n the optimizer step or the epoch as {@code unit}
     * says; tasks without a schedule weigh 1.
     */
    public static ScheduledWeights scheduled(Map<String, Schedule> weights, ScheduledWeights.Unit unit) {
        return new ScheduledWeights(weights, unit);
    }

    /**
     * Kendall et al.'s uncertainty weighting, Σ_t ½(e^{−s_t} L_t + s_t), with one learned log-variance per task named
     * here (they are parameters for the optimizer, so they must exist before training), starting at
     * {@link Uncertainty#DEFAULT_INITIAL_LOG_VARIANCE}.
     */
    public static Uncertainty uncertainty(List<String> tasks) {
        return uncertainty(tasks, Uncertainty.DEFAULT_INITIAL_LOG_VARIANCE);
    }

    /** {@link #uncertainty(List)} starting from s_t = {@code initialLogVariance}. */
    public static Uncertainty uncertainty(List<String> tasks, double initialLogVariance) {
        return uncertainty(tasks, initialLogVariance, Map.of());
    }

    /**
     * {@link #uncertainty(List)} starting each task named in {@code perTask} at its s_t there (finite; every name one of
     * {@code tasks}), the others at {@code initialLogVariance}.
     */
    public static Uncertainty uncertainty(List<String> tasks, double initialLogVariance, Map<String, Double> perTask) {
        return new Uncertainty(tasks, initialLogVariance, perTask);
    }

    /** Dynamic weight average at {@link Dwa#DEFAULT_TEMPERATURE}. */
    public static Dwa dwa() {
        return new Dwa(Dwa.DEFAULT_TEMPERATURE);
    }

    public static Dwa dwa(double temperature) {
        return new Dwa(temperature);
    }

    /** Random loss weighting: softmax of standard normal draws from the context's generator, summing to 1. */
    public static RandomWeights randomLossWeighting() {
        return new RandomWeights();
    }

    /** PCGrad; the update is the sum of the projected gradients. */
    public static PcGrad pcGrad() {
        return new PcGrad();
    }

    /** MGDA with {@link Mgda#DEFAULT_NORMALIZATION}. */
    public static Mgda mgda() {
        return mgda(Mgda.DEFAULT_NORMALIZATION);
    }

    public static Mgda mgda(Mgda.Normalization normalization) {
        return new Mgda(normalization, Mgda.DEFAULT_TOLERANCE, Mgda.DEFAULT_MAX_ITERATIONS);
    }

    /** CAGrad with {@link CaGrad#DEFAULT_C}. */
    public static CaGrad caGrad() {
        return caGrad(CaGrad.DEFAULT_C);
    }

    public static CaGrad caGrad(double c) {
        return new CaGrad(c, CaGrad.DEFAULT_TOLERANCE, CaGrad.DEFAULT_MAX_ITERATIONS);
    }

    /** Nash-MTL, solved exactly by Newton's method. */
    public static NashMtl nashMtl() {
        return new NashMtl(NashMtl.DEFAULT_MAX_ITERATIONS);
    }

    /** GradNorm with {@link GradNorm#DEFAULT_ALPHA} and learning rate {@code lr} for the task weights. */
    public static GradNorm gradNorm(double lr) {
        return gradNorm(GradNorm.DEFAULT_ALPHA, lr);
    }

    public static GradNorm gradNorm(double alpha, double lr) {
        return gradNorm(alpha, lr, Map.of());
    }

    /** GradNorm whose tasks named in {@code initialWeights} start at those weights (finite, &gt; 0), the others at 1. */
    public static GradNorm gradNorm(double alpha, double lr, Map<String, Double> initialWeights) {
        return new GradNorm(alpha, lr, initialWeights);
    }

    /** IMTL-G: the update with equal projections on every task's unit gradient. */
    public static ImtlG imtlG() {
        return new ImtlG();
    }

    /** IMTL-L: one learned loss scale s_t per task named here (from 0), objective Σ_t (e^{s_t} L_t − s_t). */
    public static ImtlL imtlL(List<String> tasks) {
        return new ImtlL(tasks);
    }

    /** IMTL-H: IMTL-G's update on the gradients of the IMTL-L-scaled losses, one loss scale per task named here. */
    public static ImtlH imtlH(List<String> tasks) {
        return new ImtlH(tasks);
    }

    /** FairGrad with {@link FairGrad#DEFAULT_ALPHA}. */
    public static FairGrad fairGrad() {
        return fairGrad(FairGrad.DEFAULT_ALPHA);
    }

    /** FairGrad: the α-fair update, with fairness exponent {@code alpha} (finite, &gt; 0). */
    public static FairGrad fairGrad(double alpha) {
        return new FairGrad(alpha);
    }

    /** ExcessMTL with {@link ExcessMtl#DEFAULT_STEP_SIZE}. */
    public static ExcessMtl excessMtl() {
        return excessMtl(ExcessMtl.DEFAULT_STEP_SIZE);
    }

    /** ExcessMTL whose task weights take exponentiated-gradient steps of size {@code stepSize} (finite, ≥ 0). */
    public static ExcessMtl excessMtl(double stepSize) {
        return new ExcessMtl(stepSize);
    }

    /** SDMGrad with {@link SdmGrad#DEFAULT_LAMBDA} and {@link SdmGrad#DEFAULT_ITERATIONS}. */
    public static SdmGrad sdmGrad() {
        return sdmGrad(SdmGrad.DEFAULT_LAMBDA, SdmGrad.DEFAULT_ITERATIONS);
    }

    /** SDMGrad with regularization {@code lambda} (finite, ≥ 0) and {@code iterations} (≥ 1) projected steps. */
    public static SdmGrad sdmGrad(double lambda, int iterations) {
        return new SdmGrad(lambda, iterations);
    }

    /** GradDrop with {@link GradDrop#DEFAULT_LEAK}; gradients of the shared representation only. */
    public static GradDrop gradDrop() {
        return gradDrop(GradDrop.DEFAULT_LEAK);
    }

    /** GradDrop whose dropped gradients keep the fraction {@code leak} (in [0, 1]). */
    public static GradDrop gradDrop(double leak) {
        return new GradDrop(leak);
    }

    /** Aligned-MTL: the task gradients aligned to orthogonal components of equal size, then added. */
    public static AlignedMtl alignedMtl() {
        return new AlignedMtl();
    }

    /** UPGrad with {@link UpGrad#DEFAULT_NORM_EPS} and {@link UpGrad#DEFAULT_REG_EPS}. */
    public static UpGrad upGrad() {
        return upGrad(UpGrad.DEFAULT_NORM_EPS, UpGrad.DEFAULT_REG_EPS);
    }

    /** UPGrad with Gramian normalization threshold {@code normEps} (≥ 0) and regularization {@code regEps} (&gt; 0). */
    public static UpGrad upGrad(double normEps, double regEps) {
        return new UpGrad(normEps, regEps);
    }

    /** FAMO with {@link Famo#DEFAULT_LR} and {@link Famo#DEFAULT_WEIGHT_DECAY}, one logit per task named here. */
    public static Famo famo(List<String> tasks) {
        return famo(tasks, Famo.DEFAULT_LR, Famo.DEFAULT_WEIGHT_DECAY);
    }

    /** FAMO whose logits learn at {@code lr} (&gt; 0) with weight decay {@code weightDecay} (&ge; 0). */
    public static Famo famo(List<String> tasks, double lr, double weightDecay) {
        return new Famo(tasks, lr, weightDecay);
    }

    /** The geometric loss strategy: the geometric mean (Π_t L_t)^{1/T} of the losses present. */
    public static Gls gls() {
        return new Gls();
    }

    /** Smooth Tchebycheff scalarization with {@link Stch#DEFAULT_MU} after {@link Stch#DEFAULT_WARMUP_EPOCHS}. */
    public static Stch stch() {
        return stch(Stch.DEFAULT_MU, Stch.DEFAULT_WARMUP_EPOCHS);
    }

    /** Smooth Tchebycheff scalarization with smoothing {@code mu} (&gt; 0) after {@code warmupEpochs} (&ge; 0). */
    public static Stch stch(double mu, int warmupEpochs) {
        return new Stch(mu, warmupEpochs);
    }

    /** DB-MTL with {@link DbMtl#DEFAULT_BETA} and {@link DbMtl#DEFAULT_BETA_SIGMA}. */
    public static DbMtl dbMtl() {
        return dbMtl(DbMtl.DEFAULT_BETA, DbMtl.DEFAULT_BETA_SIGMA);
    }

    /** DB-MTL whose gradient averages move at rate β/k^σ (β in [0, 1], σ ≥ 0). */
    public static DbMtl dbMtl(double beta, double betaSigma) {
        return new DbMtl(beta, betaSigma);
    }

    /** MoCo with LibMTL's defaults ({@link MoCo#DEFAULT_BETA} and the others there). */
    public static MoCo moCo() {
        return moCo(MoCo.DEFAULT_BETA, MoCo.DEFAULT_BETA_SIGMA, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA,
                MoCo.DEFAULT_RHO);
    }

    /** MoCo: tracking rate β/k^σ_β (β in [0, 1]), weight step γ/k^σ_γ, regularization ρ (all finite, ≥ 0). */
    public static MoCo moCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho) {
        return new MoCo(beta, betaSigma, gamma, gammaSigma, rho);
    }

    /** GradVac with {@link GradVac#DEFAULT_BETA}. */
    public static GradVac gradVac() {
        return gradVac(GradVac.DEFAULT_BETA);
    }

    /** GradVac whose similarity targets follow an EMA with rate {@code beta} in [0, 1]. */
    public static GradVac gradVac(double beta) {
        return new GradVac(beta);
    }
}
