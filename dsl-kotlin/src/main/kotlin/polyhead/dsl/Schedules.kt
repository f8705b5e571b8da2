package polyhead.dsl

import polyhead.dsl.spec.Anneal
import polyhead.dsl.spec.ScheduleSpec
import polyhead.dsl.spec.ScheduleSpec.Cosine
import polyhead.dsl.spec.ScheduleSpec.CosineWarmRestarts
import polyhead.dsl.spec.ScheduleSpec.LinearWarmup
import polyhead.dsl.spec.ScheduleSpec.MultiStep
import polyhead.dsl.spec.ScheduleSpec.OneCycle
import polyhead.dsl.spec.ScheduleSpec.Step

// Schedule verbs, for `schedule = …` inside an optimizer block; the base rate is the optimizer's lr.

fun OptimizerBuilder.constant(): ScheduleSpec = ScheduleSpec.Constant

fun OptimizerBuilder.step(stepSize: Int, gamma: Double = Step(stepSize).gamma): ScheduleSpec = Step(stepSize, gamma)

fun OptimizerBuilder.multiStep(vararg milestones: Int, gamma: Double = MultiStep(milestones.toList()).gamma): ScheduleSpec =
    MultiStep(milestones.toList(), gamma)

fun OptimizerBuilder.exponential(gamma: Double): ScheduleSpec = ScheduleSpec.Exponential(gamma)

fun OptimizerBuilder.cosine(tMax: Int, etaMin: Double = Cosine(tMax).etaMin): ScheduleSpec = Cosine(tMax, etaMin)

fun OptimizerBuilder.cosineWarmRestarts(
    t0: Int,
    tMult: Int = CosineWarmRestarts(t0).tMult,
    etaMin: Double = CosineWarmRestarts(t0).etaMin,
): ScheduleSpec = CosineWarmRestarts(t0, tMult, etaMin)

fun OptimizerBuilder.linear(startFactor: Double, endFactor: Double, totalIters: Int): ScheduleSpec =
    ScheduleSpec.Linear(startFactor, endFactor, totalIters)

fun OptimizerBuilder.linearWarmup(
    warmupSteps: Int,
    startFactor: Double = LinearWarmup(warmupSteps).startFactor,
    after: ScheduleSpec = LinearWarmup(warmupSteps).after,
): ScheduleSpec = LinearWarmup(warmupSteps, startFactor, after)

fun OptimizerBuilder.oneCycle(
    totalSteps: Int,
    pctStart: Double = OneCycle(totalSteps).pctStart,
    anneal: Anneal = OneCycle(totalSteps).anneal,
    divFactor: Double = OneCycle(totalSteps).divFactor,
    finalDivFactor: Double = OneCycle(totalSteps).finalDivFactor,
    threePhase: Boolean = OneCycle(totalSteps).threePhase,
): ScheduleSpec = OneCycle(totalSteps, pctStart, anneal, divFactor, finalDivFactor, threePhase)
