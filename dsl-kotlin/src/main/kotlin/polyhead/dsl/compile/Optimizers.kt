package polyhead.dsl.compile

import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.double
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.ClippingSpec
import polyhead.dsl.spec.OptimizerSpec
import polyhead.dsl.spec.ParameterSelector
import polyhead.dsl.spec.PlateauMode
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleUnit
import polyhead.dsl.spec.ThresholdMode
import polyhead.experiment.Algorithm
import polyhead.experiment.OptimizerPlan
import polyhead.experiment.ParameterGroup
import polyhead.experiment.Selector
import polyhead.optim.Plateau
import polyhead.optim.schedule.Schedule
import polyhead.optim.schedule.Schedules

/**
 * The Java builder's plan of the optimizer of [spec]: clipping over all parameters together, then the algorithm — or,
 * with parameter groups, one copy of it per group with the group's learning rate and weight decay — then
 * reduce-on-plateau, inside gradient accumulation; negated gradients first if it maximizes; a moving average of the
 * weights if it asks for one. The learning rate stays the spec's number (the base rate, the algorithm's or a
 * group's) until the plan makes it a schedule, once, for the update.
 */
internal fun optimizerPlan(spec: OptimizerSpec): OptimizerPlan {
    var plan = OptimizerPlan.of(algorithm(spec.algorithm))
        .schedule(
            { lr -> schedule(spec.schedule, lr) },
            if (spec.scheduleUnit == ScheduleUnit.EPOCH) OptimizerPlan.ScheduleUnit.EPOCH else OptimizerPlan.ScheduleUnit.STEP,
        )
        .maximize(spec.maximize)
        .gradientAccumulation(spec.gradientAccumulation)
    plan = when (val c = spec.clipping) {
        null -> plan
        is ClippingSpec.GlobalNorm -> plan.clipByGlobalNorm(c.maxNorm)
        is ClippingSpec.Norm -> plan.clipByNorm(c.maxNorm)
        is ClippingSpec.Value -> plan.clipByValue(c.maxValue)
    }
    spec.reduceOnPlateau?.let { r ->
        val settings = Plateau(
            plan.algorithm().lr(),
            if (r.mode == PlateauMode.MIN) Plateau.Mode.MIN else Plateau.Mode.MAX,
            r.factor, r.patience, r.threshold,
            if (r.thresholdMode == ThresholdMode.REL) Plateau.ThresholdMode.REL else Plateau.ThresholdMode.ABS,
            r.cooldown, r.minLr, r.eps,
        )
        plan = plan.reduceOnPlateau(settings, r.monitor)
    }
    spec.ema?.let { plan = plan.ema(it.decay) }
    spec.groups.forEach { g ->
        plan = plan.group(ParameterGroup(selector(g.select), g.lr ?: Double.NaN, g.weightDecay ?: Double.NaN))
    }
    return plan
}

private fun selector(select: ParameterSelector): Selector = when (select) {
    ParameterSelector.Shared -> Selector.shared()
    is ParameterSelector.Task -> Selector.task(select.name)
    ParameterSelector.BiasesAndNorms -> Selector.biasesAndNorms()
    is ParameterSelector.Names -> Selector.names(select.pattern)
}

/**
 * The core's optimizer named by [a]'s type with [a]'s settings, by name: the core's catalogue
 * (`polyhead.optim.OptimizerCatalogue`) is the one table of optimizers and their settings, the spec's classes name
 * the same fields. A setting left out (null) is the core's default.
 */
private fun algorithm(a: AlgorithmSpec): Algorithm {
    val fields = algorithmJson.encodeToJsonElement(AlgorithmSpec.serializer(), a).jsonObject
    val settings = fields.filterKeys { it != ALGORITHM_TYPE }.mapValues { (_, v) -> v.jsonPrimitive.let { it.booleanOrNull ?: it.double } }
    return Algorithm.of(fields.getValue(ALGORITHM_TYPE).jsonPrimitive.content, settings)
}

/** [s] with base rate [lr]; the settings it leaves out are the core's defaults. */
internal fun schedule(s: ScheduleSpec, lr: Double): Schedule = when (val f = CatalogueDefaults().schedule(s)) {
    ScheduleSpec.Constant -> Schedules.constant(lr)
    is ScheduleSpec.Step -> Schedules.step(lr, f.stepSize, f.gamma!!)
    is ScheduleSpec.MultiStep -> Schedules.multiStep(lr, f.milestones.toIntArray(), f.gamma!!)
    is ScheduleSpec.Exponential -> Schedules.exponential(lr, f.gamma)
    is ScheduleSpec.Cosine -> Schedules.cosine(lr, f.tMax, f.etaMin!!)
    is ScheduleSpec.CosineWarmRestarts -> Schedules.cosineWarmRestarts(lr, f.t0, f.tMult!!, f.etaMin!!)
    is ScheduleSpec.Linear -> Schedules.linear(lr, f.startFactor, f.endFactor, f.totalIters)
    is ScheduleSpec.LinearWarmup -> Schedules.linearWarmup(f.warmupSteps, f.startFactor, schedule(f.after, lr))
    is ScheduleSpec.OneCycle -> Schedules.oneCycle(
        lr, f.totalSteps, f.pctStart!!, polyhead.optim.schedule.Anneal.valueOf(f.anneal!!.name),
        f.divFactor!!, f.finalDivFactor!!, f.threePhase!!,
    )
}
