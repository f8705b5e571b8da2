package polyhead.dsl.spec

/** Weighting, optimizer and training checks of [validate]. */
internal fun Faults.weighting(spec: ExperimentSpec) {
    val p = "$.weighting"
    when (val w = spec.weighting) {
        is WeightingSpec.Dwa -> positive(w.temperature, "$p.temperature", "dwa temperature")
        is WeightingSpec.CaGrad -> {
            inUnit(w.c, "$p.c", "caGrad c", openAtOne = true)
            solver(w.tolerance, w.maxIterations, p)
        }
        is WeightingSpec.Mgda -> solver(w.tolerance, w.maxIterations, p)
        is WeightingSpec.NashMtl -> atLeast(w.maxIterations, 1, "$p.maxIterations", "maxIterations")
        is WeightingSpec.Scheduled -> {
            val tasks = spec.tasks.map { it.name }
            require(w.weights.isNotEmpty(), "$p.weights") { "scheduled weighting lists no task; use fixed for constant weights" }
            w.weights.forEach { (task, schedule) ->
                if (task in tasks) schedule(schedule, "$p.weights.$task")
                else fault("$p.weights.$task", "no task '$task'${suggestion(task, tasks)}; tasks: ${tasks.joinToString(", ")}")
            }
        }
        is WeightingSpec.GradNorm -> {
            nonNegative(w.alpha, "$p.alpha", "gradNorm alpha")
            w.lr?.let { positive(it, "$p.lr", "the gradNorm learning rate") }
            perTask(w.initialWeights, spec, "$p.initialWeights") { v, at -> positive(v, at, "an initial weight") }
        }
        is WeightingSpec.Uncertainty -> {
            require(w.initialLogVariance.isFinite(), "$p.initialLogVariance") {
                "the initial log-variance must be finite, got ${w.initialLogVariance}"
            }
            perTask(w.initialLogVariances, spec, "$p.initialLogVariances") { v, at ->
                require(v.isFinite(), at) { "an initial log-variance must be finite, got $v" }
            }
        }
        is WeightingSpec.UpGrad -> {
            nonNegative(w.normEps, "$p.normEps", "upGrad normEps")
            positive(w.regEps, "$p.regEps", "upGrad regEps")
        }
        is WeightingSpec.Famo -> {
            positive(w.lr, "$p.lr", "the famo learning rate")
            nonNegative(w.weightDecay, "$p.weightDecay", "famo weight decay")
        }
        is WeightingSpec.Stch -> {
            positive(w.mu, "$p.mu", "stch mu")
            atLeast(w.warmupEpochs, 0, "$p.warmupEpochs", "warmupEpochs")
        }
        is WeightingSpec.GradVac -> inUnit(w.beta, "$p.beta", "gradVac beta", openAtOne = false)
        is WeightingSpec.DbMtl -> {
            inUnit(w.beta, "$p.beta", "dbMtl beta", openAtOne = false)
            nonNegative(w.betaSigma, "$p.betaSigma", "dbMtl betaSigma")
            parametersOnly("dbMtl", w.source, p)
        }
        is WeightingSpec.MoCo -> {
            inUnit(w.beta, "$p.beta", "moCo beta", openAtOne = false)
            nonNegative(w.betaSigma, "$p.betaSigma", "moCo betaSigma")
            nonNegative(w.gamma, "$p.gamma", "moCo gamma")
            nonNegative(w.gammaSigma, "$p.gammaSigma", "moCo gammaSigma")
            nonNegative(w.rho, "$p.rho", "moCo rho")
            parametersOnly("moCo", w.source, p)
        }
        is WeightingSpec.FairGrad -> positive(w.alpha, "$p.alpha", "fairGrad alpha")
        is WeightingSpec.GradDrop -> {
            inUnit(w.leak, "$p.leak", "gradDrop leak", openAtOne = false)
            require(w.source == GradientSource.REPRESENTATION, "$p.source") {
                "gradDrop acts on the features of the shared representation and needs their values, which gradients " +
                    "of the shared parameters do not have; use source representation"
            }
        }
        is WeightingSpec.SdmGrad -> {
            nonNegative(w.lambda, "$p.lambda", "sdmGrad lambda")
            atLeast(w.iterations, 1, "$p.iterations", "sdmGrad iterations")
        }
        is WeightingSpec.ExcessMtl -> {
            nonNegative(w.stepSize, "$p.stepSize", "excessMtl stepSize")
            parametersOnly("excessMtl", w.source, p)
        }
        else -> Unit
    }
    val w = spec.weighting
    if (w is WeightingSpec.GradientLevel) rule("$p.source", rules?.source(spec.architecture, w.source, w is WeightingSpec.GradDrop))
}

/** Per-task values of a weighting: each names a task of [spec] and passes [check]. */
private fun Faults.perTask(values: Map<String, Double>, spec: ExperimentSpec, p: String, check: (Double, String) -> Unit) {
    val tasks = spec.tasks.map { it.name }
    values.forEach { (task, v) ->
        if (task in tasks) check(v, "$p.$task")
        else fault("$p.$task", "no task '$task'${suggestion(task, tasks)}; tasks: ${tasks.joinToString(", ")}")
    }
}

/** A weighting that keeps each task's gradient from step to step reads the shared parameters only. */
private fun Faults.parametersOnly(name: String, source: GradientSource, p: String) =
    require(source == GradientSource.PARAMETERS, "$p.source") {
        "$name keeps each task's gradient from step to step, which gradients of the shared representation " +
            "(one batch's samples) cannot give; use source parameters"
    }

private fun Faults.solver(tolerance: Double, maxIterations: Int, p: String) {
    nonNegative(tolerance, "$p.tolerance", "the solver tolerance")
    atLeast(maxIterations, 1, "$p.maxIterations", "maxIterations")
}

internal fun Faults.optimizer(spec: ExperimentSpec) {
    val o = spec.optimizer
    algorithm(o.algorithm, "$.optimizer.algorithm")
    when (val c = o.clipping) {
        is ClippingSpec.GlobalNorm -> positive(c.maxNorm, "$.optimizer.clipping.maxNorm", "the clipping norm")
        is ClippingSpec.Norm -> positive(c.maxNorm, "$.optimizer.clipping.maxNorm", "the clipping norm")
        is ClippingSpec.Value -> positive(c.maxValue, "$.optimizer.clipping.maxValue", "the clipping value")
        null -> Unit
    }
    schedule(o.schedule, "$.optimizer.schedule")
    o.reduceOnPlateau?.let { r ->
        val p = "$.optimizer.reduceOnPlateau"
        inUnit(r.factor, "$p.factor", "the reduction factor", openAtOne = true)
        atLeast(r.patience, 0, "$p.patience", "patience")
        nonNegative(r.threshold, "$p.threshold", "threshold")
        atLeast(r.cooldown, 0, "$p.cooldown", "cooldown")
        nonNegative(r.minLr, "$p.minLr", "minLr")
        nonNegative(r.eps, "$p.eps", "eps")
        r.monitor?.let { monitor(it, spec, "$p.monitor") }
    }
    atLeast(o.gradientAccumulation, 1, "$.optimizer.gradientAccumulation", "gradientAccumulation")
    o.ema?.let { e ->
        inUnit(e.decay, "$.optimizer.ema.decay", "the ema decay", openAtOne = true)
        require(spec.training.earlyStopping?.restoreBest != true, "$.optimizer.ema") {
            "the run ends with the averaged weights, early stopping's restoreBest with the best epoch's; choose one"
        }
        require(spec.training.checkpoints == null, "$.optimizer.ema") {
            "the average is not saved in checkpoints, so a resumed run would restart it; train without checkpoints or without ema"
        }
    }
    val tasks = spec.tasks.map { it.name }
    o.groups.forEachIndexed { k, g ->
        val p = "$.optimizer.groups[$k]"
        when (val s = g.select) {
            is ParameterSelector.Task -> require(s.name in tasks, "$p.select.name") {
                "no task '${s.name}'${suggestion(s.name, tasks)}; tasks: ${tasks.joinToString(", ")}"
            }
            is ParameterSelector.Names -> require(s.pattern.isNotBlank(), "$p.select.pattern") { "the name pattern is empty" }
            ParameterSelector.Shared -> require(spec.architecture !is ArchitectureSpec.SoftSharing, "$p.select") {
                "softSharing shares no parameters (each task has its own tower), so this group would be empty"
            }
            ParameterSelector.BiasesAndNorms -> Unit
        }
        g.lr?.let { positive(it, "$p.lr", "a learning rate") }
        g.weightDecay?.let { nonNegative(it, "$p.weightDecay", "weight decay") }
        require(g.lr != null || g.weightDecay != null, p) { "the group overrides neither lr nor weightDecay" }
    }
}

/** The settings [a] states; one it leaves out (null) is the core's default, which the core checks. */
private fun Faults.algorithm(a: AlgorithmSpec, p: String) {
    a.lr?.let { positive(it, "$p.lr", "the learning rate") }
    a.weightDecay?.let { nonNegative(it, "$p.weightDecay", "weight decay") }
    when (a) {
        is AlgorithmSpec.Sgd -> {
            a.momentum?.let { nonNegative(it, "$p.momentum", "momentum") }
            a.dampening?.let { inUnit(it, "$p.dampening", "dampening", openAtOne = false) }
            if (a.nesterov == true && a.momentum != null && a.dampening != null) {
                require(a.momentum > 0 && a.dampening == 0.0, "$p.nesterov") {
                    "nesterov needs momentum > 0 and dampening 0, got momentum ${a.momentum}, dampening ${a.dampening}"
                }
            }
        }
        is AlgorithmSpec.Adagrad -> {
            a.lrDecay?.let { nonNegative(it, "$p.lrDecay", "lrDecay") }
            a.initialAccumulator?.let { nonNegative(it, "$p.initialAccumulator", "initialAccumulator") }
            a.eps?.let { nonNegative(it, "$p.eps", "eps") }
        }
        is AlgorithmSpec.RmsProp -> {
            a.alpha?.let { nonNegative(it, "$p.alpha", "alpha") }
            a.eps?.let { nonNegative(it, "$p.eps", "eps") }
            a.momentum?.let { nonNegative(it, "$p.momentum", "momentum") }
        }
        is AlgorithmSpec.Adadelta -> {
            a.rho?.let { inUnit(it, "$p.rho", "rho", openAtOne = false) }
            a.eps?.let { nonNegative(it, "$p.eps", "eps") }
        }
        is AlgorithmSpec.Adam -> betas(a.beta1, a.beta2, a.eps, p)
        is AlgorithmSpec.AdamW -> betas(a.beta1, a.beta2, a.eps, p)
        is AlgorithmSpec.Adamax -> betas(a.beta1, a.beta2, a.eps, p)
        is AlgorithmSpec.RAdam -> betas(a.beta1, a.beta2, a.eps, p)
        is AlgorithmSpec.NAdam -> {
            betas(a.beta1, a.beta2, a.eps, p)
            a.momentumDecay?.let { nonNegative(it, "$p.momentumDecay", "momentumDecay") }
        }
        is AlgorithmSpec.Lion -> {
            a.beta1?.let { inUnit(it, "$p.beta1", "beta1", openAtOne = false) }
            a.beta2?.let { inUnit(it, "$p.beta2", "beta2", openAtOne = false) }
        }
    }
}

private fun Faults.betas(beta1: Double?, beta2: Double?, eps: Double?, p: String) {
    beta1?.let { inUnit(it, "$p.beta1", "beta1", openAtOne = true) }
    beta2?.let { inUnit(it, "$p.beta2", "beta2", openAtOne = true) }
    eps?.let { nonNegative(it, "$p.eps", "eps") }
}

private fun Faults.schedule(s: ScheduleSpec, p: String) {
    when (s) {
        ScheduleSpec.Constant -> Unit
        is ScheduleSpec.Step -> {
            atLeast(s.stepSize, 1, "$p.stepSize", "stepSize")
            s.gamma?.let { positive(it, "$p.gamma", "gamma") }
        }
        is ScheduleSpec.MultiStep -> {
            require(s.milestones.isNotEmpty(), "$p.milestones") { "multiStep needs at least one milestone" }
            s.milestones.forEachIndexed { k, m -> atLeast(m, 0, "$p.milestones[$k]", "a milestone") }
            require(s.milestones.zipWithNext().all { (a, b) -> a <= b }, "$p.milestones") {
                "milestones must be in increasing order, got ${s.milestones}"
            }
            s.gamma?.let { positive(it, "$p.gamma", "gamma") }
        }
        is ScheduleSpec.Exponential -> positive(s.gamma, "$p.gamma", "gamma")
        is ScheduleSpec.Cosine -> {
            atLeast(s.tMax, 1, "$p.tMax", "tMax")
            s.etaMin?.let { nonNegative(it, "$p.etaMin", "etaMin") }
        }
        is ScheduleSpec.CosineWarmRestarts -> {
            atLeast(s.t0, 1, "$p.t0", "t0")
            s.tMult?.let { atLeast(it, 1, "$p.tMult", "tMult") }
            s.etaMin?.let { nonNegative(it, "$p.etaMin", "etaMin") }
        }
        is ScheduleSpec.Linear -> {
            inUnit(s.startFactor, "$p.startFactor", "startFactor", openAtOne = false)
            inUnit(s.endFactor, "$p.endFactor", "endFactor", openAtOne = false)
            atLeast(s.totalIters, 1, "$p.totalIters", "totalIters")
        }
        is ScheduleSpec.LinearWarmup -> {
            atLeast(s.warmupSteps, 0, "$p.warmupSteps", "warmupSteps")
            inUnit(s.startFactor, "$p.startFactor", "startFactor", openAtOne = false)
            schedule(s.after, "$p.after")
        }
        is ScheduleSpec.OneCycle -> {
            atLeast(s.totalSteps, 1, "$p.totalSteps", "totalSteps")
            s.pctStart?.let { pctStart ->
                require(pctStart > 0 && pctStart < 1, "$p.pctStart") { "pctStart must be in (0, 1), got $pctStart" }
                require(pctStart * s.totalSteps != 1.0, "$p.pctStart") {
                    "pctStart·totalSteps must not be 1 (the warm-up would have zero length), got $pctStart·${s.totalSteps}"
                }
            }
            s.divFactor?.let { positive(it, "$p.divFactor", "divFactor") }
            s.finalDivFactor?.let { positive(it, "$p.finalDivFactor", "finalDivFactor") }
        }
    }
}

internal fun Faults.training(spec: ExperimentSpec) {
    val t = spec.training
    val p = "$.training"
    atLeast(t.epochs, 1, "$p.epochs", "epochs")
    atLeast(t.batchSize, 1, "$p.batchSize", "the batch size")
    inUnit(t.validationSplit, "$p.validationSplit", "the validation split", openAtOne = true)
    atLeast(t.evalBatchSize, 1, "$p.evalBatchSize", "the evaluation batch size")
    require(t.sampling != Sampling.MULTI_SOURCE || t.validationSplit == 0.0, "$p.validationSplit") {
        "multiSource sampling trains on one dataset per task, which a validation split does not apply to; " +
            "give the run a validation set and set validationSplit to 0"
    }
    t.earlyStopping?.let { e ->
        monitor(e.monitor, spec, "$p.earlyStopping.monitor")
        e.higherIsBetter?.let { higher -> direction(e.monitor, higher, spec, "$p.earlyStopping.higherIsBetter") }
        atLeast(e.patience, 0, "$p.earlyStopping.patience", "patience")
        nonNegative(e.minDelta, "$p.earlyStopping.minDelta", "minDelta")
    }
    t.checkpoints?.let { c ->
        atLeast(c.every, 1, "$p.checkpoints.every", "the checkpoint interval")
        atLeast(c.keepLast, 1, "$p.checkpoints.keepLast", "keepLast")
        atLeast(c.everySteps, 0, "$p.checkpoints.everySteps", "the checkpoint interval in steps")
    }
    require(t.explodingGradients == 0.0 || (t.explodingGradients > 1.0 && t.explodingGradients.isFinite()),
        "$p.explodingGradients") {
        "the exploding-gradient factor must be > 1 (or 0: no reports), got ${t.explodingGradients}"
    }
}

/** A stated direction against the one the monitored key has (the core's rule): a loss goes down, a metric as it says. */
private fun Faults.direction(monitor: String, higher: Boolean, spec: ExperimentSpec, p: String) =
    rule(p, rules?.direction(monitor, higher, spec))

/**
 * A history key: `train.loss`, `train.<task>.loss`, `val.loss`, `val.<task>.loss` or `val.<task>.<metric>` with a
 * metric the task lists.
 */
private fun Faults.monitor(monitor: String, spec: ExperimentSpec, p: String) {
    val split = monitor.indexOf('.')
    val prefix = if (split < 0) "" else monitor.substring(0, split)
    val key = monitor.substring(split + 1)
    val task = spec.tasks.firstOrNull { key.startsWith(it.name + ".") }
    val rest = task?.let { key.removePrefix(it.name + ".") }
    val known = when (prefix) {
        "train" -> key == "loss" || rest == "loss"
        "val" -> key == "loss" || rest == "loss" || task != null && task.metrics.any { it.name == rest }
        else -> false
    }
    if (!known) {
        val example = spec.tasks.firstOrNull()?.let { f -> ", e.g. val.${f.name}.${f.metrics.firstOrNull()?.name ?: "loss"}" } ?: ""
        fault(p, "unknown monitor '$monitor': the keys are train.loss, train.<task>.loss, val.loss, val.<task>.loss " +
            "and val.<task>.<metric> for a metric the task lists$example")
    }
}
