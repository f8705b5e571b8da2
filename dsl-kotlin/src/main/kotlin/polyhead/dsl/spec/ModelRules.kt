package polyhead.dsl.spec

/**
 * The rules of a model that only the core knows, as [validate] asks them of a spec: per-sample shape inference, what
 * an architecture needs of the trunk, which losses and metrics fit which labels, what a head must output, and which
 * way a monitored value is better. The spec sees no core, so the compiler supplies them (`SpecCompiler.check`);
 * each answer is the reason of a fault, in the spec's words, or null if the rule holds.
 */
interface ModelRules {
    /** The per-sample shapes through [layers] (whose own settings are sound) from [input]. */
    fun trace(layers: List<LayerSpec>, input: List<Int>): LayerTrace

    /** Why an embedding cannot be layer [index] of the trunk ([trunk]) or of a head. */
    fun misplacedEmbedding(trunk: Boolean, index: Int): String?

    /** Why [architecture] cannot copy a trunk of [trunkSize] layers. */
    fun emptyTrunk(architecture: ArchitectureSpec, trunkSize: Int): String?

    /** Why [architecture] cannot mix experts whose output is [representation]. */
    fun expertOutputs(architecture: ArchitectureSpec, representation: List<Int>): String?

    /** Why MTAN cannot attend to block [block] whose per-sample shapes after each of its layers are [shapes]. */
    fun mtanBlock(block: Int, shapes: List<List<Int>>): String?

    /**
     * Why cross-stitch [stages] (or PLE levels, [what] = "levels") do not cover [size] layers: the trunk's, or the
     * architecture's own when [ownLayers].
     */
    fun stages(stages: List<Int>, size: Int, what: String, ownLayers: Boolean): String?

    /** Why [architecture] cannot branch between [stageCount] stages (learning to branch needs two). */
    fun branchingStages(architecture: ArchitectureSpec, stageCount: Int): String?

    /** Why [architecture] cannot read a sequence input. */
    fun sequenceArchitecture(architecture: ArchitectureSpec): String?

    /**
     * Why [architecture] cannot give gradients from [source] to a weighting that reads the shared representation
     * only ([representationOnly], GradDrop) or either source.
     */
    fun source(architecture: ArchitectureSpec, source: GradientSource, representationOnly: Boolean): String?

    /** The losses that fit [labels], as a hint: `classIndex labels take crossEntropy`. */
    fun lossesFor(labels: Labels): String

    /** Why [loss] does not fit [labels]. */
    fun loss(loss: LossSpec, labels: Labels): String?

    /** Why the known metric [metric] is not defined for [labels]. */
    fun metric(metric: String, labels: Labels): String?

    /** Why [loss] (whose own settings are sound) cannot take a head's output [output] (class weights for other classes). */
    fun lossOutput(loss: LossSpec, output: List<Int>): String?

    /** Why a head's output [output] does not give what a task of [labels] needs. */
    fun head(labels: Labels, output: List<Int>): String?

    /** Why [count] class names do not fit a task of [labels] whose head outputs [output]. */
    fun classNames(labels: Labels, output: List<Int>, count: Int): String?

    /** Why a head ending in [last] applies what [loss] applies itself. */
    fun finalActivation(loss: LossSpec, last: LayerSpec): String?

    /** Why [task] cannot derive its labels from [source] (no such task among [tasks], or a cycle through [sources]). */
    fun derivedSource(task: String, source: String, sources: Map<String, String>, tasks: List<String>): String?

    /** Why [derived] cannot read the labels of task [source] of [sourceLabels] whose head outputs [sourceOutput]. */
    fun mapping(derived: DerivedSpec, source: String, sourceLabels: Labels, sourceOutput: List<Int>?): String?

    /** Why a head of [output] does not give what [derived]'s labels need. */
    fun derivedHead(derived: DerivedSpec, output: List<Int>): String?

    /** Why [from] → [to] is not a renaming rule of initial weights. */
    fun weightRule(from: String, to: String): String? = null

    /** Why [sha256] is not a SHA-256 as initial weights expect one. */
    fun sha256(sha256: String): String? = null

    /**
     * Why [name] (of a task or a named input) is not a name by the core's one character set (`UserText`), or null.
     */
    fun name(name: String): String?

    /** Why [label] (a class name) is not a label by the core's character set for labels, or null. */
    fun label(label: String): String?

    /** The key under which names of one experiment write the same files on case-insensitive file systems. */
    fun fileKey(name: String): String

    /** Why task [name] cannot stand beside the task [other] of the same [fileKey]. */
    fun sameFiles(name: String, other: String): String

    /** Why the direction [stated] for the history key [monitor] contradicts the key's own in [spec]. */
    fun direction(monitor: String, stated: Boolean, spec: ExperimentSpec): String?
}

/**
 * A stack of layers traced: the shape after each layer up to the first that cannot take its input, and then that
 * layer's index ([faultAt]), the setting at fault ([field], null for the layer as a whole) and the [message].
 */
data class LayerTrace(val shapes: List<List<Int>>, val faultAt: Int = -1, val field: String? = null, val message: String? = null)
