package polyhead.dsl.spec

/**
 * Every fault of [spec], each with the JSON path of the value at fault and the reason; empty if the spec can be
 * built. Nothing stops at the first fault. Checks the settings of every layer, loss, weighting, optimizer, schedule
 * and training option; infers shapes from the input through the trunk and every head (a head that cannot take the
 * trunk's output, a kernel larger than its input, logits of the wrong shape for the labels); and checks names and
 * references (tasks named twice, losses and metrics that do not fit a task's labels, groups and monitors naming
 * tasks or metrics that do not exist).
 */
fun validate(spec: ExperimentSpec): List<SpecError> = Faults().apply {
    version(spec)
    model(spec)
    weighting(spec)
    optimizer(spec)
    training(spec)
}.errors

/** The faults found so far. */
internal class Faults {
    val errors = mutableListOf<SpecError>()

    fun fault(path: String, message: String) {
        errors += SpecError(path, message)
    }

    inline fun require(ok: Boolean, path: String, message: () -> String) {
        if (!ok) fault(path, message())
    }

    fun atLeast(value: Int, min: Int, path: String, what: String) =
        require(value >= min, path) { "$what must be at least $min, got $value" }

    fun positive(value: Double, path: String, what: String) =
        require(value > 0 && value.isFinite(), path) { "$what must be > 0, got $value" }

    fun nonNegative(value: Double, path: String, what: String) =
        require(value >= 0 && value.isFinite(), path) { "$what must be a finite number >= 0, got $value" }

    fun inUnit(value: Double, path: String, what: String, openAtOne: Boolean) =
        require(value >= 0 && if (openAtOne) value < 1 else value <= 1, path) {
            "$what must be in [0, 1${if (openAtOne) ")" else "]"}, got $value"
        }
}

private fun Faults.version(spec: ExperimentSpec) =
    require(spec.version == SPEC_VERSION, "$.version") {
        "this code builds version $SPEC_VERSION specs, got version ${spec.version} (JSON of older versions is migrated when read)"
    }

/** Input, trunk, architecture and tasks, in the order of the document; shapes are traced through sound layers only. */
private fun Faults.model(spec: ExperimentSpec) {
    val inputOk = input(spec.input)
    val trunkOk = layerSettings(spec.trunk, "$.trunk", trunk = true)
    val representation = if (inputOk && trunkOk) trace(spec.trunk, spec.input, "$.trunk") else null
    architecture(spec, representation)
    val experts = spec.architecture is ArchitectureSpec.Mmoe
    val headInput = representation?.takeUnless { experts && it.size != 1 }
    require(spec.tasks.isNotEmpty(), "$.tasks") { "an experiment needs at least one task" }
    val firstIndex = mutableMapOf<String, Int>()
    spec.tasks.forEachIndexed { i, t ->
        val p = "$.tasks[$i]"
        task(t, p, firstIndex, i)
        if (layerSettings(t.head, "$p.head", trunk = false) && headInput != null) {
            trace(t.head, headInput, "$p.head")?.let { out -> logits(t, out, p) }
        }
    }
}

private fun Faults.input(input: List<Int>): Boolean {
    if (input.isEmpty()) {
        fault("$.input", "missing: the shape of one sample without the batch dimension, e.g. [1, 28, 28]")
        return false
    }
    val before = errors.size
    input.forEachIndexed { k, d -> atLeast(d, 1, "$.input[$k]", "an input dimension") }
    return errors.size == before
}

/** The output shape after [layers], or null after reporting the layer that cannot take its input. */
private fun Faults.trace(layers: List<LayerSpec>, input: List<Int>, path: String): List<Int>? {
    var shape = input
    Shapes.trace(layers, input).forEachIndexed { j, r ->
        when (r) {
            is Shapes.Result.Ok -> shape = r.shape
            is Shapes.Result.Fault -> {
                fault("$path[$j]" + (r.field?.let { ".$it" } ?: ""), r.message)
                return null
            }
        }
    }
    return shape
}

/** Whether every layer's own settings are sound (shapes are only traced through sound layers). */
private fun Faults.layerSettings(layers: List<LayerSpec>, path: String, trunk: Boolean): Boolean {
    val before = errors.size
    layers.forEachIndexed { j, layer ->
        val p = "$path[$j]"
        when (layer) {
            is LayerSpec.Dense -> {
                atLeast(layer.units, 1, "$p.units", "dense units")
                initializers(layer.init, layer.biasInit, layer.bias, p)
            }
            is LayerSpec.Conv2d -> {
                atLeast(layer.filters, 1, "$p.filters", "conv2d filters")
                window("conv2d", layer.kernel, layer.stride, layer.padding, p)
                initializers(layer.init, layer.biasInit, layer.bias, p)
            }
            is LayerSpec.MaxPool -> window("maxPool", layer.kernel, layer.stride, layer.padding, p)
            is LayerSpec.AvgPool -> window("avgPool", layer.kernel, layer.stride, layer.padding, p)
            is LayerSpec.Dropout -> inUnit(layer.p, "$p.p", "the dropout probability", openAtOne = true)
            is LayerSpec.BatchNorm -> {
                positive(layer.eps, "$p.eps", "batchNorm eps")
                inUnit(layer.momentum, "$p.momentum", "batchNorm momentum", openAtOne = false)
            }
            is LayerSpec.LayerNorm -> {
                atLeast(layer.dims, 1, "$p.dims", "layerNorm dims")
                positive(layer.eps, "$p.eps", "layerNorm eps")
            }
            is LayerSpec.Embedding -> {
                layer.init?.let { init(it, "$p.init") }
                atLeast(layer.count, 1, "$p.count", "embedding count")
                atLeast(layer.dim, 1, "$p.dim", "embedding dim")
                require(trunk && j == 0, p) {
                    "an embedding reads the model's input indices, so it can only be the first layer of the trunk"
                }
            }
            is LayerSpec.LeakyRelu -> require(layer.slope.isFinite(), "$p.slope") { "leakyRelu slope must be finite, got ${layer.slope}" }
            LayerSpec.GlobalAvgPool, LayerSpec.Flatten, LayerSpec.Relu, LayerSpec.Sigmoid, LayerSpec.Tanh,
            LayerSpec.Gelu, is LayerSpec.Softmax -> Unit
        }
    }
    return errors.size == before
}

private fun Faults.initializers(weight: InitSpec?, bias: InitSpec?, hasBias: Boolean, p: String) {
    weight?.let { init(it, "$p.init") }
    bias?.let { init(it, "$p.biasInit") }
    require(bias == null || hasBias, "$p.biasInit") { "the layer has no bias (bias = false), so biasInit has nothing to initialize" }
}

private fun Faults.init(i: InitSpec, p: String) {
    fun finite(v: Double, field: String) = require(v.isFinite(), "$p.$field") { "$field must be finite, got $v" }
    when (i) {
        is InitSpec.Constant -> finite(i.value, "value")
        is InitSpec.Uniform -> {
            finite(i.low, "low")
            finite(i.high, "high")
            require(i.low < i.high, "$p.high") { "uniform needs low < high, got low ${i.low}, high ${i.high}" }
        }
        is InitSpec.Normal -> {
            finite(i.mean, "mean")
            nonNegative(i.std, "$p.std", "normal std")
        }
        is InitSpec.XavierUniform -> positive(i.gain, "$p.gain", "xavier gain")
        is InitSpec.XavierNormal -> positive(i.gain, "$p.gain", "xavier gain")
        is InitSpec.KaimingUniform -> finite(i.a, "a")
        is InitSpec.KaimingNormal -> finite(i.a, "a")
        InitSpec.Zeros, InitSpec.Ones -> Unit
    }
}

private fun Faults.window(name: String, kernel: Int, stride: Int, padding: Int, p: String) {
    atLeast(kernel, 1, "$p.kernel", "$name kernel")
    atLeast(stride, 1, "$p.stride", "$name stride")
    atLeast(padding, 0, "$p.padding", "$name padding")
}

private fun Faults.architecture(spec: ExperimentSpec, representation: List<Int>?) {
    val arch = spec.architecture
    val name = when (arch) {
        ArchitectureSpec.HardSharing -> return
        is ArchitectureSpec.SoftSharing -> "softSharing copies the trunk as each task's tower"
        is ArchitectureSpec.CrossStitch -> "crossStitch copies the trunk as each task's tower"
        is ArchitectureSpec.Mmoe -> "mmoe copies the trunk as each expert"
    }
    require(spec.trunk.isNotEmpty(), "$.trunk") { "$name, but the trunk is empty" }
    when (arch) {
        is ArchitectureSpec.SoftSharing -> nonNegative(arch.lambda, "$.architecture.lambda", "softSharing lambda")
        is ArchitectureSpec.Mmoe -> {
            atLeast(arch.experts, 1, "$.architecture.experts", "mmoe experts")
            require(representation == null || representation.size == 1, "$.trunk") {
                "mmoe mixes its experts' outputs, which must be vectors: each expert (a copy of the trunk) outputs " +
                    "${Shapes.show(representation!!)}; end the trunk with flatten() or a dense layer"
            }
        }
        is ArchitectureSpec.CrossStitch -> {
            arch.stages.forEachIndexed { k, n -> atLeast(n, 1, "$.architecture.stages[$k]", "a stage's layer count") }
            require(arch.stages.isEmpty() || arch.stages.sum() == spec.trunk.size, "$.architecture.stages") {
                "the stages cover ${arch.stages.sum()} trunk layers, but the trunk has ${spec.trunk.size}"
            }
        }
        ArchitectureSpec.HardSharing -> Unit
    }
}

private fun Faults.task(t: TaskSpec, p: String, seen: MutableMap<String, Int>, index: Int) {
    require(t.name.isNotEmpty() && '.' !in t.name && '/' !in t.name, "$p.name") {
        "a task name must be non-empty, without '.' or '/' (it is part of parameter and metric names), got '${t.name}'"
    }
    seen.putIfAbsent(t.name, index)?.let { first -> fault("$p.name", "task '${t.name}' is already declared at $.tasks[$first]") }
    require(t.weight >= 0 && t.weight.isFinite(), "$p.weight") { "a task weight must be a finite number >= 0, got ${t.weight}" }
    when (val loss = t.loss) {
        null -> fault("$p.loss", "missing: a task needs a loss (${lossHint(t.labels)})")
        else -> {
            require(Compatibility.fits(loss, t.labels), "$p.loss") {
                "${loss.typeName} does not fit ${t.labels.jsonName} labels; ${lossHint(t.labels)}"
            }
            when (loss) {
                is LossSpec.CrossEntropy -> inUnit(loss.labelSmoothing, "$p.loss.labelSmoothing", "label smoothing", openAtOne = false)
                is LossSpec.Huber -> positive(loss.delta, "$p.loss.delta", "huber delta")
                is LossSpec.BceWithLogits, is LossSpec.Mse, is LossSpec.Mae -> Unit
            }
        }
    }
    val listed = mutableSetOf<String>()
    t.metrics.forEachIndexed { j, m ->
        val labels = Compatibility.labelsOf(m.name)
        when {
            labels.isEmpty() -> fault(
                "$p.metrics[$j]",
                "unknown metric '${m.name}'${suggestion(m.name, Compatibility.knownMetrics)}; known: ${Compatibility.knownMetrics.joinToString(", ")}",
            )
            t.labels !in labels -> fault(
                "$p.metrics[$j]",
                "metric ${m.name} is not defined for ${t.labels.jsonName} labels (it takes ${labels.joinToString(", ") { it.jsonName }}); " +
                    "for ${t.labels.jsonName}: ${Compatibility.metricsByLabels.getValue(t.labels).joinToString(", ")}",
            )
        }
        require(listed.add(m.name), "$p.metrics[$j]") { "metric ${m.name} is listed twice" }
    }
}

private fun lossHint(labels: Labels): String =
    "${labels.jsonName} labels take ${Compatibility.lossesByLabels.getValue(labels).joinToString(" or ")}"

/** The head's output against what the task's labels and loss need. */
private fun Faults.logits(t: TaskSpec, out: List<Int>, p: String) {
    val need = when (t.labels) {
        Labels.CLASS_INDEX -> if (out.size == 1 && out[0] >= 2) null else "logits [classes] with at least 2 classes"
        Labels.BINARY -> if (out.size == 1) null else "one logit per label, [labels]"
        Labels.REAL_VECTOR -> if (out.size == 1) null else "a vector of values, [values]"
        Labels.PIXEL_CLASS_MAP -> if (out.size == 3 && out[0] >= 2) null else "logits per pixel [classes, height, width] with at least 2 classes"
    }
    need?.let { fault("$p.head", "a ${t.labels.jsonName} task needs $it from its head, but it outputs ${Shapes.show(out)}") }
    val last = t.head.lastOrNull()
    val doubled = when (t.loss) {
        is LossSpec.CrossEntropy -> (last is LayerSpec.Softmax).takeIf { it }?.let { "softmax" }
        is LossSpec.BceWithLogits -> (last == LayerSpec.Sigmoid).takeIf { it }?.let { "sigmoid" }
        else -> null
    }
    doubled?.let {
        fault("$p.head[${t.head.lastIndex}]", "${t.loss!!.typeName} takes logits and applies the $it itself; remove this final $it")
    }
}
