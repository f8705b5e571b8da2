package polyhead.dsl

import polyhead.dsl.spec.Anneal
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleSpec.Cosine
import polyhead.dsl.spec.ScheduleSpec.CosineWarmRestarts
import polyhead.dsl.spec.ScheduleSpec.LinearWarmup
import polyhead.dsl.spec.ScheduleSpec.MultiStep
import polyhead.dsl.spec.ScheduleSpec.OneCycle
import polyhead.dsl.spec.ScheduleSpec.Step

/**
 * The builders where schedules are written: an optimizer block (`schedule = cosine(tMax = 100)`, from the optimizer's
 * learning rate) and a scheduled weighting (`weight("aux", linear(0.0, 1.0, 10))`, from the task's declared weight).
 */
interface ScheduleScope

// Schedule verbs; the schedule's base value comes from where it is used, and a setting left out (null) is the core's
// default (`polyhead.optim.schedule.Schedules`), which `multiTask` spells out.

fun ScheduleScope.constant(): ScheduleSpec = ScheduleSpec.Constant

fun ScheduleScope.step(stepSize: Int, gamma: Double? = null): ScheduleSpec = Step(stepSize, gamma)

fun ScheduleScope.multiStep(vararg milestones: Int, gamma: Double? = null): ScheduleSpec =
    MultiStep(milestones.toList(), gamma)

fun ScheduleScope.exponential(gamma: Double): ScheduleSpec = ScheduleSpec.Exponential(gamma)

fun ScheduleScope.cosine(tMax: Int, etaMin: Double? = null): ScheduleSpec = Cosine(tMax, etaMin)

fun ScheduleScope.cosineWarmRestarts(
    t0: Int,
    tMult: Int? = null,
    etaMin: Double? = null,
): ScheduleSpec = CosineWarmRestarts(t0, tMult, etaMin)

fun ScheduleScope.linear(startFactor: Double, endFactor: Double, totalIters: Int): ScheduleSpec =
    ScheduleSpec.Linear(startFactor, endFactor, totalIters)

fun ScheduleScope.linearWarmup(
    warmupSteps: Int,
    startFactor: Double = LinearWarmup(warmupSteps).startFactor,
    after: ScheduleSpec = LinearWarmup(warmupSteps).after,
): ScheduleSpec = LinearWarmup(warmupSteps, startFactor, after)

fun ScheduleScope.oneCycle(
    totalSteps: Int,
    pctStart: Double? = null,
    anneal: Anneal? = null,
    divFactor: Double? = null,
    finalDivFactor: Double? = null,
    threePhase: Boolean? = null,
): ScheduleSpec = OneCycle(totalSteps, pctStart, anneal, divFactor, finalDivFactor, threePhase)
