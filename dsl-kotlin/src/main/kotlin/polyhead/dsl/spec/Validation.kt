package polyhead.dsl.spec

/**
 * Every fault of [spec], each with the JSON path of the value at fault and the reason, in the order of the document;
 * empty if the spec can be built. Nothing stops at the first fault. Checks the settings of every layer, loss,
 * weighting, optimizer, schedule and training option, and names and references (tasks named twice, unknown metrics,
 * groups and monitors naming tasks or metrics that do not exist). With the core's [rules] (`SpecCompiler.check`
 * passes them) it also checks names and class names against the core's character sets, infers shapes from the input through the trunk and every head (a head that cannot take the
 * trunk's output, a kernel larger than its input, logits of the wrong shape for the labels) and checks what only the
 * core knows: losses and metrics against a task's labels, a missing loss, what an architecture needs of the trunk,
 * the direction of a monitor. Without them, those faults are left to the compiler.
 */
fun validate(spec: ExperimentSpec, rules: ModelRules? = null): List<SpecError> = Faults(rules).apply {
    version(spec)
    model(spec)
    weighting(spec)
    optimizer(spec)
    training(spec)
    spec.initialWeights?.let { initialWeights(it) }
}.errors

/** The faults found so far, and the core's rules if the caller has them. */
internal class Faults(val rules: ModelRules?) {
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
    val named = spec.inputs.isNotEmpty()
    val sharedInput = when {
        spec.sequenceInput != null -> sequenceInput(spec)
        named -> namedInputs(spec)
        else -> spec.input.takeIf { input(it) }
    }
    val trunkOk = layerSettings(spec.trunk, "$.trunk", trunk = !named, sequence = spec.sequenceInput != null)
    val trunkOutput = if (sharedInput != null && trunkOk) trace(spec.trunk, sharedInput, "$.trunk") else null
    val own = (spec.architecture as? ArchitectureSpec.OwnLayers)?.layers.orEmpty()
    val ownOk = own.isEmpty() || layerSettings(own, "$.architecture.layers", trunk = false)
    val representation = if (own.isEmpty() || trunkOutput == null) trunkOutput
        else if (ownOk) trace(own, trunkOutput, "$.architecture.layers") else null
    architecture(spec, representation)
    val experts = spec.architecture is ArchitectureSpec.Mmoe || spec.architecture is ArchitectureSpec.DSelectK
    val headInput = representation?.takeUnless { experts && it.size != 1 }
    require(spec.tasks.isNotEmpty(), "$.tasks") { "an experiment needs at least one task" }
    val firstIndex = mutableMapOf<String, Pair<String, Int>>()
    val outputs = mutableMapOf<String, List<Int>>()
    spec.tasks.forEachIndexed { i, t ->
        val p = "$.tasks[$i]"
        task(t, p, firstIndex, i)
        if (layerSettings(t.head, "$p.head", trunk = false) && headInput != null) {
            trace(t.head, headInput, "$p.head")?.let { out ->
                outputs.putIfAbsent(t.name, out)
                logits(t, out, p)
            }
        }
    }
    derivations(spec, outputs)
}

/**
 * Derived tasks: exactly one mapping, labels that match it, and with the core's rules a source that exists and is no
 * cycle, a mapping that covers the source's classes and a head that outputs what the mapping gives.
 */
private fun Faults.derivations(spec: ExperimentSpec, outputs: Map<String, List<Int>>) {
    val sources = spec.tasks.mapNotNull { t -> t.derivedFrom?.let { t.name to it.task } }.toMap()
    val names = spec.tasks.map { it.name }.distinct()
    spec.tasks.forEachIndexed { i, t ->
        val d = t.derivedFrom ?: return@forEachIndexed
        val p = "$.tasks[$i].derivedFrom"
        if ((d.groups == null) == (d.positive == null)) {
            fault(p, "give exactly one mapping: groups (class → group) or positive (the classes that are 1)")
            return@forEachIndexed
        }
        d.groups?.forEachIndexed { c, g -> atLeast(g, 0, "$p.groups[$c]", "a group index") }
        d.positive?.forEachIndexed { k, c -> atLeast(c, 0, "$p.positive[$k]", "a positive class") }
        d.positive?.let { pos -> require(pos.toSet().size == pos.size, "$p.positive") { "a positive class is listed twice: $pos" } }
        val wanted = if (d.groups != null) Labels.CLASS_INDEX else Labels.BINARY
        require(t.labels == wanted, "$.tasks[$i].labels") {
            "a task derived by ${if (d.groups != null) "groups" else "positive classes"} has ${wanted.jsonName} labels, got ${t.labels.jsonName}"
        }
        val rules = rules ?: return@forEachIndexed
        val unknownOrCycle = rules.derivedSource(t.name, d.task, sources, names)
        if (unknownOrCycle != null) {
            fault("$p.task", unknownOrCycle)
            return@forEachIndexed
        }
        val source = spec.tasks.first { it.name == d.task }
        if (errors.none { it.path.startsWith(p) }) {
            rule(p, rules.mapping(d, d.task, source.labels, outputs[d.task]))
            outputs[t.name]?.let { rule("$.tasks[$i].head", rules.derivedHead(d, it)) }
        }
    }
}

/**
 * The named inputs' names, shapes and trunks; the per-sample shape of their concatenation (what the shared trunk
 * reads), or null after a fault or without the core's rules.
 */
private fun Faults.namedInputs(spec: ExperimentSpec): List<Int>? {
    val before = errors.size
    require(spec.input.isEmpty(), "$.input") { "give one input shape (input) or named inputs (inputs), not both" }
    require(spec.architecture !is ArchitectureSpec.CrossStitch, "$.architecture") {
        "crossStitch stitches the stages of one input's trunk; it takes no named inputs"
    }
    require(spec.architecture !is ArchitectureSpec.LearningToBranch, "$.architecture") {
        "learningToBranch branches between the stages of one input's trunk; it takes no named inputs"
    }
    require(spec.architecture !is ArchitectureSpec.Ple, "$.architecture") {
        "ple cuts one input's trunk into levels; it takes no named inputs"
    }
    require(spec.architecture !is ArchitectureSpec.Mtan, "$.architecture") {
        "mtan attends to the blocks of one input's trunk; it takes no named inputs"
    }
    val seen = mutableMapOf<String, Int>()
    var width = 0
    spec.inputs.forEachIndexed { i, input ->
        val p = "$.inputs[$i]"
        val bad = rules?.name(input.name)
        rule("$p.name", bad)
        if (bad == null) {
            seen.putIfAbsent(input.name, i)?.let { first -> fault("$p.name", "input '${input.name}' is already declared at $.inputs[$first]") }
        }
        require(input.shape.isNotEmpty(), "$p.shape") { "missing: the shape of one sample of this input, e.g. [10]" }
        input.shape.forEachIndexed { k, d -> atLeast(d, 1, "$p.shape[$k]", "an input dimension") }
        val ok = errors.size == before && layerSettings(input.trunk, "$p.trunk", trunk = true)
        val out = if (ok) trace(input.trunk, input.shape, "$p.trunk") else null
        out?.let { width += it.fold(1) { a, b -> a * b } }
    }
    return if (errors.size == before && rules != null) listOf(width) else null
}

/** A sequence input's settings and what it asks of the rest; its per-sample shape [TIME], or null after a fault. */
private fun Faults.sequenceInput(spec: ExperimentSpec): List<Int>? {
    val before = errors.size
    require(spec.input.isEmpty() && spec.inputs.isEmpty(), "$.sequenceInput") {
        "give one input shape (input), named inputs (inputs) or a sequence input (sequenceInput), one of them"
    }
    atLeast(spec.sequenceInput!!.minCount, 1, "$.sequenceInput.minCount", "the vocabulary's minimum count")
    rule("$.architecture", rules?.sequenceArchitecture(spec.architecture))
    spec.trunk.forEachIndexed { j, l ->
        if (l is LayerSpec.Embedding && l.count != 0) {
            fault("$.trunk[$j].count", "on a sequence input the table has a row per id of the data's vocabulary; "
                + "leave count out (0)")
        }
    }
    spec.tasks.forEachIndexed { i, t ->
        require(t.derivedFrom == null, "$.tasks[$i].derivedFrom") {
            "derived labels are for fixed-size data; a sequence dataset labels each task itself"
        }
    }
    return if (errors.size == before) listOf(TIME) else null
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

/** The output shape after [layers], or null after reporting the layer that cannot take its input (or without rules). */
private fun Faults.trace(layers: List<LayerSpec>, input: List<Int>, path: String): List<Int>? {
    val t = rules?.trace(layers, input) ?: return null
    if (t.message != null) {
        fault("$path[${t.faultAt}]" + (t.field?.let { ".$it" } ?: ""), t.message)
        return null
    }
    return t.shapes.lastOrNull() ?: input
}

/** Reports [fault] at [path] if there is one. */
internal fun Faults.rule(path: String, fault: String?) {
    fault?.let { fault(path, it) }
}

/** Whether every layer's own settings are sound (shapes are only traced through sound layers). */
private fun Faults.layerSettings(layers: List<LayerSpec>, path: String, trunk: Boolean, sequence: Boolean = false): Boolean {
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
                // 0 on a sequence input: the vocabulary's size ([sequenceInput] reports any other count there)
                atLeast(layer.count, if (sequence) 0 else 1, "$p.count", "embedding count")
                atLeast(layer.dim, 1, "$p.dim", "embedding dim")
                rule(p, rules?.misplacedEmbedding(trunk, j))
            }
            is LayerSpec.Lstm -> {
                atLeast(layer.hidden, 1, "$p.hidden", "lstm hidden size")
                atLeast(layer.layers, 1, "$p.layers", "lstm layers")
            }
            is LayerSpec.Gru -> {
                atLeast(layer.hidden, 1, "$p.hidden", "gru hidden size")
                atLeast(layer.layers, 1, "$p.layers", "gru layers")
            }
            is LayerSpec.TransformerEncoder -> {
                atLeast(layer.layers, 1, "$p.layers", "transformerEncoder layers")
                atLeast(layer.heads, 1, "$p.heads", "transformerEncoder heads")
                atLeast(layer.feedForward, 1, "$p.feedForward", "transformerEncoder feedForward")
            }
            is LayerSpec.PositionalEmbedding -> if (layer.kind == PositionKind.LEARNED) {
                atLeast(layer.maxLength, 1, "$p.maxLength", "a learned position table's maxLength")
            } else {
                require(layer.maxLength == 0, "$p.maxLength") { "sinusoidal positions take any length; leave maxLength out" }
            }
            is LayerSpec.SequencePool -> Unit
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
    if (arch == ArchitectureSpec.HardSharing) return
    val own = (arch as? ArchitectureSpec.OwnLayers)?.layers.orEmpty()
    if (own.isEmpty()) rule("$.trunk", rules?.emptyTrunk(arch, spec.trunk.size + if (spec.inputs.isEmpty()) 0 else 1))
    val copied = if (own.isEmpty()) "$.trunk" else "$.architecture.layers"
    when (arch) {
        is ArchitectureSpec.SoftSharing -> nonNegative(arch.lambda, "$.architecture.lambda", "softSharing lambda")
        is ArchitectureSpec.Mmoe -> {
            atLeast(arch.experts, 1, "$.architecture.experts", "mmoe experts")
            representation?.let { rule(copied, rules?.expertOutputs(arch, it)) }
        }
        is ArchitectureSpec.CrossStitch -> {
            arch.stages.forEachIndexed { k, n -> atLeast(n, 1, "$.architecture.stages[$k]", "a stage's layer count") }
            val size = if (own.isEmpty()) spec.trunk.size else own.size
            rule("$.architecture.stages", rules?.stages(arch.stages, size, "stages", own.isNotEmpty()))
        }
        is ArchitectureSpec.LearningToBranch -> {
            positive(arch.temperature, "$.architecture.temperature", "learningToBranch temperature")
            atLeast(arch.fixAfter, 0, "$.architecture.fixAfter", "learningToBranch fixAfter")
            atLeast(arch.temperatureDecay, 0, "$.architecture.temperatureDecay", "learningToBranch temperatureDecay")
            arch.stages.forEachIndexed { k, n -> atLeast(n, 1, "$.architecture.stages[$k]", "a stage's layer count") }
            val size = if (own.isEmpty()) spec.trunk.size else own.size
            val bad = rules?.stages(arch.stages, size, "stages", own.isNotEmpty())
            rule("$.architecture.stages", bad)
            if (bad == null && size > 0 && arch.stages.all { it >= 1 } && spec.inputs.isEmpty()) {
                rule("$.architecture.stages", rules?.branchingStages(arch, arch.stageRanges(spec.trunk).size))
            }
        }
        is ArchitectureSpec.DSelectK -> {
            atLeast(arch.experts, 2, "$.architecture.experts", "dselectK experts")
            atLeast(arch.selectors, 1, "$.architecture.selectors", "dselectK selectors")
            positive(arch.gamma, "$.architecture.gamma", "dselectK gamma")
            nonNegative(arch.entropyWeight, "$.architecture.entropyWeight", "dselectK entropyWeight")
            representation?.let { rule("$.trunk", rules?.expertOutputs(arch, it)) }
        }
        is ArchitectureSpec.Mtan -> {
            arch.blocks.forEachIndexed { k, n -> atLeast(n, 1, "$.architecture.blocks[$k]", "a block's layer count") }
            val bad = rules?.stages(arch.blocks, spec.trunk.size, "blocks", false)
            rule("$.architecture.blocks", bad)
            if (bad == null && representation != null && spec.inputs.isEmpty()) mtanBlocks(arch, spec)
        }
        is ArchitectureSpec.Cgc -> experts(arch.typeName, arch.sharedExperts, arch.taskExperts)
        is ArchitectureSpec.Ple -> {
            experts(arch.typeName, arch.sharedExperts, arch.taskExperts)
            arch.levels.forEachIndexed { k, n -> atLeast(n, 1, "$.architecture.levels[$k]", "a level's layer count") }
            rule("$.architecture.levels", rules?.stages(arch.levels, spec.trunk.size, "levels", false))
        }
        ArchitectureSpec.HardSharing -> Unit
    }
}

/** Each MTAN block's last layer keeps the shape (the trunk traced without faults before this is called). */
private fun Faults.mtanBlocks(arch: ArchitectureSpec.Mtan, spec: ExperimentSpec) {
    val rules = rules ?: return
    var shape = spec.input
    arch.blockRanges(spec.trunk).forEachIndexed { j, range ->
        val shapes = rules.trace(spec.trunk.subList(range.first, range.last + 1), shape).shapes
        rule("$.architecture.blocks", rules.mtanBlock(j, shapes))
        shape = shapes.last()
    }
}

private fun Faults.experts(name: String, shared: Int, own: Int) {
    atLeast(shared, 1, "$.architecture.sharedExperts", "$name sharedExperts")
    atLeast(own, 0, "$.architecture.taskExperts", "$name taskExperts")
}

/**
 * One task's own faults. Its name is checked against the core's character set, and against the names before it
 * ([seen]: by the core's file key, the name and its index), so that no two tasks write one file.
 */
private fun Faults.task(t: TaskSpec, p: String, seen: MutableMap<String, Pair<String, Int>>, index: Int) {
    val bad = rules?.name(t.name)
    rule("$p.name", bad)
    if (bad == null) {
        seen.putIfAbsent(rules?.fileKey(t.name) ?: t.name, t.name to index)?.let { (other, first) ->
            fault("$p.name", if (other == t.name) "task '${t.name}' is already declared at $.tasks[$first]"
                else "${rules!!.sameFiles(t.name, other)} (at $.tasks[$first])")
        }
    }
    t.classNames.forEachIndexed { c, name -> rule("$p.classNames[$c]", rules?.label(name)) }
    require(t.weight >= 0 && t.weight.isFinite(), "$p.weight") { "a task weight must be a finite number >= 0, got ${t.weight}" }
    when (val loss = t.loss) {
        null -> rules?.let { fault("$p.loss", "missing: a task needs a loss (${it.lossesFor(t.labels)})") }
        else -> {
            rule("$p.loss", rules?.loss(loss, t.labels))
            when (loss) {
                is LossSpec.CrossEntropy -> {
                    inUnit(loss.labelSmoothing, "$p.loss.labelSmoothing", "label smoothing", openAtOne = false)
                    loss.classWeights?.let { classWeights(it, "$p.loss.classWeights") }
                }
                is LossSpec.BceWithLogits -> loss.posWeight?.let { classWeights(it, "$p.loss.posWeight") }
                is LossSpec.Huber -> positive(loss.delta, "$p.loss.delta", "huber delta")
                is LossSpec.Mse, is LossSpec.Mae -> Unit
            }
        }
    }
    val listed = mutableSetOf<String>()
    t.metrics.forEachIndexed { j, m ->
        if (MetricNames.isKnown(m.name)) {
            rule("$p.metrics[$j]", rules?.metric(m.name, t.labels))
        } else {
            fault(
                "$p.metrics[$j]",
                "unknown metric '${m.name}'${suggestion(m.name, MetricNames.known)}; known: ${MetricNames.known.joinToString(", ")}",
            )
        }
        require(listed.add(m.name), "$p.metrics[$j]") { "metric ${m.name} is listed twice" }
    }
}

/** Weights per class or label: at least one, each finite and >= 0. */
private fun Faults.classWeights(weights: List<Double>, p: String) {
    require(weights.isNotEmpty(), p) { "give one weight per class, or leave the setting out" }
    weights.forEachIndexed { c, w -> nonNegative(w, "$p[$c]", "a class weight") }
}

/** The head's output against what the task's labels and loss need (traced only with the rules). */
private fun Faults.logits(t: TaskSpec, out: List<Int>, p: String) {
    val loss = t.loss
    val rules = rules ?: return
    if (loss != null && errors.none { it.path.startsWith("$p.loss") }) {
        val field = when (loss) {
            is LossSpec.CrossEntropy -> ".classWeights"
            is LossSpec.BceWithLogits -> ".posWeight"
            else -> ""
        }
        rule("$p.loss$field", rules.lossOutput(loss, out))
    }
    rule("$p.head", rules.head(t.labels, out))
    if (t.classNames.isNotEmpty()) rule("$p.classNames", rules.classNames(t.labels, out, t.classNames.size))
    val last = t.head.lastOrNull()
    if (last != null && loss != null) rule("$p.head[${t.head.lastIndex}]", rules.finalActivation(loss, last))
}

private fun Faults.initialWeights(w: InitialWeightsSpec) {
    require(w.file.isNotBlank(), "$.initialWeights.file") { "the safetensors file to start from; got an empty name" }
    w.map.forEach { (from, to) -> rule("$.initialWeights.map[\"$from\"]", rules?.weightRule(from, to)) }
    w.sha256?.let { rule("$.initialWeights.sha256", rules?.sha256(it)) }
}
