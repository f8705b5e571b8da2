package polyhead.dsl

import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.MgdaNormalization
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleUnit
import polyhead.dsl.spec.WeightingSpec

// Architecture and weighting verbs, for `architecture = …` and `weighting = …`.

fun ExperimentBuilder.hardSharing(): ArchitectureSpec = ArchitectureSpec.HardSharing

/**
 * Soft sharing; with [layers] (`softSharing(1e-3) { dense(16); relu() }`) each task's tower is those layers after the
 * shared trunk, else a copy of the trunk.
 */
fun ExperimentBuilder.softSharing(
    lambda: Double = ArchitectureSpec.SoftSharing().lambda,
    layers: (LayersBuilder.() -> Unit)? = null,
): ArchitectureSpec = ArchitectureSpec.SoftSharing(lambda, ownLayers(layers))

/**
 * Cross-stitch; [stages] are the stage lengths in layers, none for a stage ending at each activation; with [layers]
 * the towers are those layers after the shared trunk, else copies of the trunk.
 */
fun ExperimentBuilder.crossStitch(vararg stages: Int, layers: (LayersBuilder.() -> Unit)? = null): ArchitectureSpec =
    ArchitectureSpec.CrossStitch(stages.toList(), ownLayers(layers))

/** MMoE; with [layers] each expert is those layers after the shared trunk, else a copy of the trunk. */
fun ExperimentBuilder.mmoe(
    experts: Int,
    oneGate: Boolean = ArchitectureSpec.Mmoe(experts).oneGate,
    layers: (LayersBuilder.() -> Unit)? = null,
): ArchitectureSpec = ArchitectureSpec.Mmoe(experts, oneGate, ownLayers(layers))

private fun ownLayers(block: (LayersBuilder.() -> Unit)?) =
    block?.let { LayersBuilder().apply(it).layers(trainable = true) } ?: emptyList()

/**
 * Learning to branch; [stages] are the stage lengths in layers, none for a stage ending at each activation; with
 * [layers] each task's nodes are copies of those layers after the shared trunk, else of the trunk; [temperatureDecay]
 * training passes per step of the temperature's 1/√ decay (0: constant).
 */
fun ExperimentBuilder.learningToBranch(
    vararg stages: Int,
    temperature: Double = ArchitectureSpec.LearningToBranch().temperature,
    fixAfter: Int = ArchitectureSpec.LearningToBranch().fixAfter,
    temperatureDecay: Int = ArchitectureSpec.LearningToBranch().temperatureDecay,
    layers: (LayersBuilder.() -> Unit)? = null,
): ArchitectureSpec =
    ArchitectureSpec.LearningToBranch(stages.toList(), temperature, fixAfter, ownLayers(layers), temperatureDecay)

/** MTAN; [blocks] are the trunk's block lengths in layers, none for a block ending at each activation. */
fun ExperimentBuilder.mtan(vararg blocks: Int): ArchitectureSpec = ArchitectureSpec.Mtan(blocks.toList())

/** DSelect-k: each task's gate selects [selectors] of [experts] copies of the trunk. */
fun ExperimentBuilder.dselectK(
    experts: Int,
    selectors: Int = ArchitectureSpec.DSelectK(experts).selectors,
    gamma: Double = ArchitectureSpec.DSelectK(experts).gamma,
    entropyWeight: Double = ArchitectureSpec.DSelectK(experts).entropyWeight,
): ArchitectureSpec = ArchitectureSpec.DSelectK(experts, selectors, gamma, entropyWeight)

/** Customized gate control: [sharedExperts] shared copies of the trunk and [taskExperts] of each task's own. */
fun ExperimentBuilder.cgc(
    sharedExperts: Int = ArchitectureSpec.Cgc().sharedExperts,
    taskExperts: Int = ArchitectureSpec.Cgc().taskExperts,
): ArchitectureSpec = ArchitectureSpec.Cgc(sharedExperts, taskExperts)

/** Progressive layered extraction; [levels] are the trunk's level lengths in layers, none for a level ending at each activation. */
fun ExperimentBuilder.ple(
    sharedExperts: Int = ArchitectureSpec.Ple().sharedExperts,
    taskExperts: Int = ArchitectureSpec.Ple().taskExperts,
    vararg levels: Int,
): ArchitectureSpec = ArchitectureSpec.Ple(sharedExperts, taskExperts, levels.toList())

fun ExperimentBuilder.equal(): WeightingSpec = WeightingSpec.Equal

fun ExperimentBuilder.fixed(): WeightingSpec = WeightingSpec.Fixed

/** Task weights that follow schedules: `scheduled { weight("aux", linear(1.0, 0.0, totalIters = 10)) }`. */
inline fun ExperimentBuilder.scheduled(
    unit: ScheduleUnit = ScheduleUnit.STEP,
    block: WeightScheduleBuilder.() -> Unit,
): WeightingSpec = WeightingSpec.Scheduled(WeightScheduleBuilder().apply(block).weights.toMap(), unit)

/** The schedules of a scheduled weighting, each from its task's declared weight. */
@PolyheadDsl
class WeightScheduleBuilder @PublishedApi internal constructor() : ScheduleScope {
    @PublishedApi
    internal val weights = LinkedHashMap<String, ScheduleSpec>()

    fun weight(task: String, schedule: ScheduleSpec) {
        weights[task] = schedule
    }
}

/** Uncertainty weighting; the tasks named in [initialLogVariances] start at theirs, the others at [initialLogVariance]. */
fun ExperimentBuilder.uncertainty(
    initialLogVariance: Double = WeightingSpec.Uncertainty().initialLogVariance,
    initialLogVariances: Map<String, Double> = WeightingSpec.Uncertainty().initialLogVariances,
): WeightingSpec = WeightingSpec.Uncertainty(initialLogVariance, initialLogVariances)

fun ExperimentBuilder.dwa(temperature: Double = WeightingSpec.Dwa().temperature): WeightingSpec =
    WeightingSpec.Dwa(temperature)

fun ExperimentBuilder.randomLossWeighting(): WeightingSpec = WeightingSpec.RandomLossWeighting

fun ExperimentBuilder.pcGrad(source: GradientSource = WeightingSpec.PcGrad().source): WeightingSpec =
    WeightingSpec.PcGrad(source)

fun ExperimentBuilder.mgda(
    normalization: MgdaNormalization = WeightingSpec.Mgda().normalization,
    source: GradientSource = WeightingSpec.Mgda().source,
    tolerance: Double = WeightingSpec.Mgda().tolerance,
    maxIterations: Int = WeightingSpec.Mgda().maxIterations,
): WeightingSpec = WeightingSpec.Mgda(normalization, source, tolerance, maxIterations)

fun ExperimentBuilder.caGrad(
    c: Double = WeightingSpec.CaGrad().c,
    source: GradientSource = WeightingSpec.CaGrad().source,
    tolerance: Double = WeightingSpec.CaGrad().tolerance,
    maxIterations: Int = WeightingSpec.CaGrad().maxIterations,
): WeightingSpec = WeightingSpec.CaGrad(c, source, tolerance, maxIterations)

fun ExperimentBuilder.nashMtl(
    source: GradientSource = WeightingSpec.NashMtl().source,
    maxIterations: Int = WeightingSpec.NashMtl().maxIterations,
): WeightingSpec = WeightingSpec.NashMtl(source, maxIterations)

/**
 * GradNorm; the task weights learn at [lr], by default the optimizer's learning rate, and start at 1 or, for the tasks
 * named in [initialWeights], at theirs.
 */
fun ExperimentBuilder.gradNorm(
    alpha: Double = WeightingSpec.GradNorm().alpha,
    lr: Double? = WeightingSpec.GradNorm().lr,
    source: GradientSource = WeightingSpec.GradNorm().source,
    initialWeights: Map<String, Double> = WeightingSpec.GradNorm().initialWeights,
): WeightingSpec = WeightingSpec.GradNorm(alpha, lr, source, initialWeights)

fun ExperimentBuilder.imtlG(source: GradientSource = WeightingSpec.ImtlG().source): WeightingSpec =
    WeightingSpec.ImtlG(source)

fun ExperimentBuilder.alignedMtl(source: GradientSource = WeightingSpec.AlignedMtl().source): WeightingSpec =
    WeightingSpec.AlignedMtl(source)

fun ExperimentBuilder.upGrad(
    normEps: Double = WeightingSpec.UpGrad().normEps,
    regEps: Double = WeightingSpec.UpGrad().regEps,
    source: GradientSource = WeightingSpec.UpGrad().source,
): WeightingSpec = WeightingSpec.UpGrad(normEps, regEps, source)

/** FAMO; the task logits learn at [lr] with weight decay [weightDecay]. */
fun ExperimentBuilder.famo(
    lr: Double = WeightingSpec.Famo().lr,
    weightDecay: Double = WeightingSpec.Famo().weightDecay,
): WeightingSpec = WeightingSpec.Famo(lr, weightDecay)

/** The geometric loss strategy: the geometric mean of the task losses. */
fun ExperimentBuilder.gls(): WeightingSpec = WeightingSpec.Gls

/** Smooth Tchebycheff scalarization with smoothing [mu] after [warmupEpochs] epochs of warm-up. */
fun ExperimentBuilder.stch(
    mu: Double = WeightingSpec.Stch().mu,
    warmupEpochs: Int = WeightingSpec.Stch().warmupEpochs,
): WeightingSpec = WeightingSpec.Stch(mu, warmupEpochs)

/** Gradient vaccine; the similarity targets follow an EMA with rate [beta]. */
fun ExperimentBuilder.gradVac(
    beta: Double = WeightingSpec.GradVac().beta,
    source: GradientSource = WeightingSpec.GradVac().source,
): WeightingSpec = WeightingSpec.GradVac(beta, source)

/** Dual balancing; the per-task gradient averages move at rate [beta]/k^[betaSigma]; shared parameters only. */
fun ExperimentBuilder.dbMtl(
    beta: Double = WeightingSpec.DbMtl().beta,
    betaSigma: Double = WeightingSpec.DbMtl().betaSigma,
): WeightingSpec = WeightingSpec.DbMtl(beta, betaSigma)

/** MoCo; tracking rate [beta]/k^[betaSigma], weight step [gamma]/k^[gammaSigma], regularization [rho]; shared parameters only. */
fun ExperimentBuilder.moCo(
    beta: Double = WeightingSpec.MoCo().beta,
    betaSigma: Double = WeightingSpec.MoCo().betaSigma,
    gamma: Double = WeightingSpec.MoCo().gamma,
    gammaSigma: Double = WeightingSpec.MoCo().gammaSigma,
    rho: Double = WeightingSpec.MoCo().rho,
): WeightingSpec = WeightingSpec.MoCo(beta, betaSigma, gamma, gammaSigma, rho)
