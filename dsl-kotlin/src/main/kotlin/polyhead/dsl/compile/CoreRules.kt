package polyhead.dsl.compile

import polyhead.data.LabelType
import polyhead.data.LabelMapping
import polyhead.dsl.spec.ArchitectureSpec
import polyhead.dsl.spec.DerivedSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.GradientSource
import polyhead.dsl.spec.LayerSpec
import polyhead.dsl.spec.LayerTrace
import polyhead.dsl.spec.Labels
import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.MetricNames
import polyhead.dsl.spec.ModelRules
import polyhead.dsl.spec.jsonName
import polyhead.dsl.spec.typeName
import polyhead.checkpoint.WeightImport
import polyhead.experiment.ArchitecturePlan
import polyhead.experiment.InitialWeights
import polyhead.experiment.ModelChecks
import polyhead.experiment.Naming
import polyhead.io.UserText
import polyhead.metrics.Metric
import polyhead.metrics.Metrics

/** The core's [ModelChecks] asked of a spec, in the spec's words ([SpecNaming]). */
internal object CoreRules : ModelRules {
    override fun trace(layers: List<LayerSpec>, input: List<Int>): LayerTrace {
        val t = ModelChecks.trace(layers.map(::layer), input.toIntArray(), SpecNaming)
        return LayerTrace(t.shapes().map { it.toList() }, t.faultAt(), t.field(), t.message())
    }

    override fun misplacedEmbedding(trunk: Boolean, index: Int): String? = ModelChecks.misplacedEmbedding(trunk, index)

    override fun emptyTrunk(architecture: ArchitectureSpec, trunkSize: Int): String? =
        ModelChecks.emptyTrunk(kind(architecture), architecture.typeName, trunkSize)

    override fun expertOutputs(architecture: ArchitectureSpec, representation: List<Int>): String? =
        ModelChecks.expertOutputs(kind(architecture), architecture.typeName, representation.toIntArray(),
            (architecture as? ArchitectureSpec.OwnLayers)?.layers.orEmpty().isNotEmpty())

    override fun mtanBlock(block: Int, shapes: List<List<Int>>): String? =
        ModelChecks.mtanBlock(block, shapes.map { it.toIntArray() })

    override fun stages(stages: List<Int>, size: Int, what: String, ownLayers: Boolean): String? =
        ModelChecks.stages(stages.toIntArray(), size, what, ownLayers)

    override fun branchingStages(architecture: ArchitectureSpec, stageCount: Int): String? =
        ModelChecks.branchingStages(kind(architecture), architecture.typeName, stageCount)

    override fun sequenceArchitecture(architecture: ArchitectureSpec): String? =
        ModelChecks.sequenceArchitecture(kind(architecture), architecture.typeName)

    override fun source(architecture: ArchitectureSpec, source: GradientSource, representationOnly: Boolean): String? =
        ModelChecks.source(kind(architecture), architecture.typeName, gradientSource(source), representationOnly, SpecNaming)

    override fun lossesFor(labels: Labels): String = ModelChecks.lossesFor(labelType(labels), SpecNaming)

    override fun loss(loss: LossSpec, labels: Labels): String? = ModelChecks.loss(loss.typeName, labelType(labels), SpecNaming)

    override fun metric(metric: String, labels: Labels): String? =
        ModelChecks.metric(Metrics.parse(metric), labelType(labels), SpecNaming)

    override fun lossOutput(loss: LossSpec, output: List<Int>): String? =
        polyhead.dsl.compile.loss(loss).outputFault(output.toIntArray())

    override fun head(labels: Labels, output: List<Int>): String? =
        ModelChecks.head(labelType(labels), output.toIntArray(), SpecNaming)

    override fun classNames(labels: Labels, output: List<Int>, count: Int): String? =
        ModelChecks.classNames(labelType(labels), output.toIntArray(), count, SpecNaming)

    override fun finalActivation(loss: LossSpec, last: LayerSpec): String? =
        ModelChecks.finalActivation(loss.typeName, last.typeName)

    override fun derivedSource(task: String, source: String, sources: Map<String, String>, tasks: List<String>): String? =
        ModelChecks.derivedSource(task, source, sources, tasks)

    override fun mapping(derived: DerivedSpec, source: String, sourceLabels: Labels, sourceOutput: List<Int>?): String? =
        mapped(derived) { ModelChecks.mapping(it, source, labelType(sourceLabels), sourceOutput?.toIntArray(), SpecNaming) }

    override fun derivedHead(derived: DerivedSpec, output: List<Int>): String? =
        mapped(derived) { ModelChecks.derivedHead(it, output.toIntArray()) }

    /** [check] of the core's mapping, or the reason the core refuses to make it. */
    private fun mapped(derived: DerivedSpec, check: (LabelMapping) -> String?): String? =
        try {
            check(labelMapping(derived))
        } catch (e: IllegalArgumentException) {
            e.message
        }

    override fun name(name: String): String? = UserText.nameFault(name)

    override fun label(label: String): String? = UserText.labelFault(label)

    override fun fileKey(name: String): String = UserText.fileKey(name)

    override fun sameFiles(name: String, other: String): String = UserText.sameFiles(name, other)

    override fun weightRule(from: String, to: String): String? = WeightImport.ruleFault(from, to)

    override fun sha256(sha256: String): String? = InitialWeights.sha256Fault(sha256)

    override fun direction(monitor: String, stated: Boolean, spec: ExperimentSpec): String? {
        val metrics: Map<String, List<Metric>> = spec.tasks.associate { t ->
            t.name to t.metrics.map { it.name }.filter { MetricNames.isKnown(it) }.map(Metrics::parse)
        }
        return ModelChecks.direction(monitor, stated, metrics)
    }

    private fun kind(a: ArchitectureSpec): ArchitecturePlan.Kind = when (a) {
        ArchitectureSpec.HardSharing -> ArchitecturePlan.Kind.HARD_SHARING
        is ArchitectureSpec.SoftSharing -> ArchitecturePlan.Kind.SOFT_SHARING
        is ArchitectureSpec.CrossStitch -> ArchitecturePlan.Kind.CROSS_STITCH
        is ArchitectureSpec.Mmoe -> if (a.oneGate) ArchitecturePlan.Kind.OMOE else ArchitecturePlan.Kind.MMOE
        is ArchitectureSpec.DSelectK -> ArchitecturePlan.Kind.DSELECT_K
        is ArchitectureSpec.Mtan -> ArchitecturePlan.Kind.MTAN
        is ArchitectureSpec.LearningToBranch -> ArchitecturePlan.Kind.LEARNING_TO_BRANCH
        is ArchitectureSpec.Cgc -> ArchitecturePlan.Kind.CGC
        is ArchitectureSpec.Ple -> ArchitecturePlan.Kind.PLE
    }
}

/** The spec's words for the core's faults: JSON names, and a window's extent as `height×width`. */
internal object SpecNaming : Naming {
    override fun labels(labels: LabelType): String = Labels.entries.first { labelType(it) == labels }.jsonName

    override fun extent(image: IntArray): String = "${image[1]}×${image[2]}"

    @OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
    override fun source(source: polyhead.train.GradientSource): String {
        val spec = GradientSource.entries.first { gradientSource(it) == source }
        return "\"" + GradientSource.serializer().descriptor.getElementName(spec.ordinal) + "\""
    }
}
