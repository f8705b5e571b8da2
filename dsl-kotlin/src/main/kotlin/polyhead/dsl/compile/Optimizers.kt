package polyhead.dsl.compile

import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.Anneal
import polyhead.dsl.spec.ClippingSpec
import polyhead.dsl.spec.OptimizerSpec
import polyhead.dsl.spec.ParameterSelector
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleUnit
import polyhead.mtl.arch.Architecture
import polyhead.nn.BatchNorm
import polyhead.nn.LayerNorm
import polyhead.nn.Module
import polyhead.optim.GradientTransformation
import polyhead.optim.Optimizers
import polyhead.optim.Transforms
import polyhead.optim.schedule.Schedule
import polyhead.optim.schedule.Schedules

/**
 * The optimizer of [spec] for the parameters of [arch] plus [extraParameters] (a weighting's own, which always
 * take the algorithm's settings): clipping over all parameters together, then the algorithm — or, with parameter
 * groups, a partition with one copy of the algorithm per group, each with its learning rate (following the schedule
 * from its own base rate) and weight decay. [stepsPerEpoch] converts epoch-counted schedules into steps.
 */
internal fun optimizer(
    spec: OptimizerSpec,
    arch: Architecture,
    extraParameters: Collection<String>,
    stepsPerEpoch: Int,
): GradientTransformation {
    fun rate(lr: Double): Schedule = schedule(spec.schedule, lr).let {
        if (spec.scheduleUnit == ScheduleUnit.EPOCH) Schedules.perEpoch(it, stepsPerEpoch) else it
    }
    val a = spec.algorithm
    val body = if (spec.groups.isEmpty()) {
        algorithm(a, rate(a.lr), a.weightDecay)
    } else {
        val labels = groupLabels(spec, arch, extraParameters)
        val used = labels.values.toSet()
        val byLabel = LinkedHashMap<String, GradientTransformation>()
        spec.groups.forEachIndexed { k, g ->
            require(label(k) in used) {
                "$.optimizer.groups[$k].select: ${g.select} selects no parameter of this model (or only parameters an earlier group took)"
            }
            byLabel[label(k)] = algorithm(a, rate(g.lr ?: a.lr), g.weightDecay ?: a.weightDecay)
        }
        if (DEFAULT_GROUP in used) byLabel[DEFAULT_GROUP] = algorithm(a, rate(a.lr), a.weightDecay)
        Transforms.partition({ name, _ -> labels[name] ?: DEFAULT_GROUP }, byLabel)
    }
    val clip = when (val c = spec.clipping) {
        null -> null
        is ClippingSpec.GlobalNorm -> Transforms.clipByGlobalNorm(c.maxNorm)
        is ClippingSpec.Norm -> Transforms.clipByNorm(c.maxNorm)
        is ClippingSpec.Value -> Transforms.clipByValue(c.maxValue)
    }
    return if (clip == null) body else Transforms.chain(clip, body)
}

private const val DEFAULT_GROUP = "default"

/** The partition label of the k-th group, as the optimizer's learning-rate log shows it. */
private fun label(k: Int) = "group$k"

/** Each parameter's group label: the first group that selects it, else the default group. */
private fun groupLabels(spec: OptimizerSpec, arch: Architecture, extra: Collection<String>): Map<String, String> {
    val names = arch.namedParameters().keys + extra
    val selected = spec.groups.map { g -> selection(g.select, arch) }
    return names.associateWith { name -> selected.indexOfFirst { it(name) }.let { if (it < 0) DEFAULT_GROUP else label(it) } }
}

private fun selection(select: ParameterSelector, arch: Architecture): (String) -> Boolean = when (select) {
    ParameterSelector.Shared -> arch.sharedParameters().keys::contains
    is ParameterSelector.Task -> arch.taskParameters().getValue(select.name).keys::contains
    ParameterSelector.BiasesAndNorms -> normParameters(arch, "").let { norms ->
        { name: String -> name.substringAfterLast('.') == "bias" || name in norms }
    }
    is ParameterSelector.Names -> glob(select.pattern)::matches
}

/** Dotted names of the parameters of every batch or layer normalization inside [m]. */
private fun normParameters(m: Module, prefix: String): Set<String> =
    if (m is BatchNorm || m is LayerNorm) m.namedParameters().keys.map { prefix + it }.toSet()
    else m.children().flatMap { (name, child) -> normParameters(child, "$prefix$name.") }.toSet()

/** `*` within one part of a dotted name, `**` across parts, `?` one character of a part. */
internal fun glob(pattern: String): Regex = Regex(
    Regex("""\*\*|\*|\?|[^*?]+""").findAll(pattern).joinToString("") {
        when (it.value) {
            "**" -> ".*"
            "*" -> "[^.]*"
            "?" -> "[^.]"
            else -> Regex.escape(it.value)
        }
    },
)

private fun algorithm(a: AlgorithmSpec, lr: Schedule, weightDecay: Double): GradientTransformation = when (a) {
    is AlgorithmSpec.Sgd -> Optimizers.sgd(Optimizers.Sgd(lr, a.momentum, a.dampening, weightDecay, a.nesterov))
    is AlgorithmSpec.Adagrad -> Optimizers.adagrad(Optimizers.Adagrad(lr, a.lrDecay, weightDecay, a.initialAccumulator, a.eps))
    is AlgorithmSpec.RmsProp -> Optimizers.rmsprop(Optimizers.RmsProp(lr, a.alpha, a.eps, weightDecay, a.momentum, a.centered))
    is AlgorithmSpec.Adadelta -> Optimizers.adadelta(Optimizers.Adadelta(lr, a.rho, a.eps, weightDecay))
    is AlgorithmSpec.Adam -> Optimizers.adam(Optimizers.Adam(lr, a.beta1, a.beta2, a.eps, weightDecay, a.amsgrad))
    is AlgorithmSpec.AdamW -> Optimizers.adamw(Optimizers.AdamW(lr, a.beta1, a.beta2, a.eps, weightDecay, a.amsgrad))
    is AlgorithmSpec.Adamax -> Optimizers.adamax(Optimizers.Adamax(lr, a.beta1, a.beta2, a.eps, weightDecay))
    is AlgorithmSpec.NAdam -> Optimizers.nadam(Optimizers.NAdam(lr, a.beta1, a.beta2, a.eps, weightDecay, a.momentumDecay))
    is AlgorithmSpec.RAdam -> Optimizers.radam(Optimizers.RAdam(lr, a.beta1, a.beta2, a.eps, weightDecay))
    is AlgorithmSpec.Lion -> Optimizers.lion(Optimizers.Lion(lr, a.beta1, a.beta2, weightDecay))
}

/** [s] with base rate [lr]. */
internal fun schedule(s: ScheduleSpec, lr: Double): Schedule = when (s) {
    ScheduleSpec.Constant -> Schedules.constant(lr)
    is ScheduleSpec.Step -> Schedules.step(lr, s.stepSize, s.gamma)
    is ScheduleSpec.MultiStep -> Schedules.multiStep(lr, s.milestones.toIntArray(), s.gamma)
    is ScheduleSpec.Exponential -> Schedules.exponential(lr, s.gamma)
    is ScheduleSpec.Cosine -> Schedules.cosine(lr, s.tMax, s.etaMin)
    is ScheduleSpec.CosineWarmRestarts -> Schedules.cosineWarmRestarts(lr, s.t0, s.tMult, s.etaMin)
    is ScheduleSpec.Linear -> Schedules.linear(lr, s.startFactor, s.endFactor, s.totalIters)
    is ScheduleSpec.LinearWarmup -> Schedules.linearWarmup(s.warmupSteps, s.startFactor, schedule(s.after, lr))
    is ScheduleSpec.OneCycle -> Schedules.oneCycle(
        lr, s.totalSteps, s.pctStart,
        when (s.anneal) {
            Anneal.COSINE -> polyhead.optim.schedule.Anneal.COSINE
            Anneal.LINEAR -> polyhead.optim.schedule.Anneal.LINEAR
        },
        s.divFactor, s.finalDivFactor, s.threePhase,
    )
}
