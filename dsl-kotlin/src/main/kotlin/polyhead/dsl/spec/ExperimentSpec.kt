package polyhead.dsl.spec

import kotlinx.serialization.EncodeDefault
import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/** The spec version this code writes; older versions are brought up to it by [Migrations]. */
const val SPEC_VERSION: Int = 2

/**
 * A complete multi-task experiment: what the model is, how its tasks are weighted, how it is optimized and trained.
 * Pure data: nothing here is checked when it is made ([validate] reports every fault with its JSON path) and nothing
 * here knows the core (`polyhead.dsl.compile` builds core objects from it). [SpecJson] writes it with every default
 * spelled out, so a JSON file is the whole experiment.
 *
 * @property input the shape of one sample, without the batch dimension: `[1, 28, 28]` for an image, `[13]` for a row
 *   of features, `[L]` for a sequence of token indices read by an embedding
 * @property trunk the body of the network, read from the input; how it is shared is the [architecture]'s business
 * @property tasks the tasks in order; the order is that of heads, parameters and reports
 * @property initialWeights weights to start from instead of the seeded draw's (fine-tuning); written only when given
 * @property inputs named inputs, each with its own trunk, concatenated before [trunk]: a multi-input model, instead of
 *   [input] ([InputSpec]); written only when given
 * @property sequenceInput sentences of token ids instead of [input] ([SequenceInputSpec]); written only when given
 */
@OptIn(ExperimentalSerializationApi::class)
@Serializable
data class ExperimentSpec @JvmOverloads constructor(
    val version: Int = SPEC_VERSION,
    val input: List<Int> = emptyList(),
    val trunk: List<LayerSpec> = emptyList(),
    val tasks: List<TaskSpec> = emptyList(),
    val architecture: ArchitectureSpec = ArchitectureSpec.HardSharing,
    val weighting: WeightingSpec = WeightingSpec.Fixed,
    val optimizer: OptimizerSpec = OptimizerSpec(),
    val training: TrainingSpec = TrainingSpec(),
    @EncodeDefault(EncodeDefault.Mode.NEVER) val initialWeights: InitialWeightsSpec? = null,
    @EncodeDefault(EncodeDefault.Mode.NEVER) val inputs: List<InputSpec> = emptyList(),
    @EncodeDefault(EncodeDefault.Mode.NEVER) val sequenceInput: SequenceInputSpec? = null,
)

/**
 * A sequence input: sentences of token ids of different lengths, padded per batch, each with its length (per-sample
 * shape [T], T varying; [TIME]). The ids come from a vocabulary of the training split's tokens seen at least
 * [minCount] times (plus padding and unknown), built with the data, so the spec is compiled with that vocabulary
 * (`SpecCompiler.compile(spec, vocabulary)`) and the trained model keeps it. The trunk starts with an `embedding`
 * whose `count` is 0 (the vocabulary's size). Per-token tasks have [Labels.TOKEN_CLASS] labels and a head applied at
 * every step; a per-sentence task's head starts with `sequencePool`.
 */
@Serializable
data class SequenceInputSpec @JvmOverloads constructor(val minCount: Int = 1)

/**
 * The time axis of a sequence in a per-sample shape, as the core's shape inference writes it (its
 * `polyhead.experiment.Layers.TIME`; a test holds the two equal): token ids are [TIME], features [TIME, F].
 */
const val TIME: Int = -2

/**
 * This spec with `training.epochs` and `training.seed` replaced where given (null keeps the spec's), every other
 * setting as it is: what a command line's `--epochs` and `--seed` do.
 */
fun ExperimentSpec.withRun(epochs: Int?, seed: Long?): ExperimentSpec =
    copy(training = training.copy(epochs = epochs ?: training.epochs, seed = seed ?: training.seed))

/**
 * This sequence spec with the vocabulary's minimum count [minCount] where given (null keeps the spec's), and each
 * task that names no classes given [classNames]' names for it, if any: what a command line's `--min-count` and a
 * dataset's tag and class names do to the spec a run records.
 */
fun ExperimentSpec.withSentenceData(minCount: Int?, classNames: Map<String, List<String>>): ExperimentSpec =
    copy(
        sequenceInput = sequenceInput?.let { if (minCount == null) it else it.copy(minCount = minCount) },
        tasks = tasks.map { t -> if (t.classNames.isEmpty()) t.copy(classNames = classNames[t.name].orEmpty()) else t },
    )

/**
 * One task: its head (layers on the trunk's output), its loss, its loss weight w (Σ w_t·L_t under the fixed
 * weighting), what its labels are and the metrics reported for it.
 *
 * @property loss null only while a spec is incomplete; [validate] reports it
 * @property metrics names as the core's `Metrics.parse` reads them (`accuracy`, `f1_macro`, `mse`, …)
 * @property classNames the name of each class by index (class-index and pixel-class-map labels), which predictions
 *   report; none by default, and then left out of the JSON (so that specs without names read and write as before)
 * @property derivedFrom null, or the task whose class indices this task's labels are computed from (left out of the
 *   JSON when null)
 */
@Serializable
@OptIn(ExperimentalSerializationApi::class)
data class TaskSpec @JvmOverloads constructor(
    val name: String,
    val head: List<LayerSpec> = emptyList(),
    val loss: LossSpec? = null,
    val weight: Double = 1.0,
    val labels: Labels = Labels.CLASS_INDEX,
    val metrics: List<MetricSpec> = emptyList(),
    @EncodeDefault(EncodeDefault.Mode.NEVER) val classNames: List<String> = emptyList(),
    @EncodeDefault(EncodeDefault.Mode.NEVER) val derivedFrom: DerivedSpec? = null,
)

/**
 * A task's labels computed from task [task]'s class indices, by exactly one of: [groups], the group of each class
 * (class c → `groups[c]`; the task has `classIndex` labels, one per group), or [positive], the classes that are 1
 * (every other class is 0; the task has `binary` labels and a head of one output). A sample without a label for
 * [task] has none for this task either.
 */
@Serializable
@OptIn(ExperimentalSerializationApi::class)
data class DerivedSpec @JvmOverloads constructor(
    val task: String,
    @EncodeDefault(EncodeDefault.Mode.NEVER) val groups: List<Int>? = null,
    @EncodeDefault(EncodeDefault.Mode.NEVER) val positive: List<Int>? = null,
)

/** What a task's labels are, which decides the losses and metrics that fit it (the core's rules: [ModelRules]). */
@Serializable
enum class Labels {
    /** One class index per sample; the head outputs logits [C]. */
    @SerialName("classIndex") CLASS_INDEX,

    /** One or more 0/1 labels per sample; the head outputs one logit per label. */
    @SerialName("binary") BINARY,

    /** Real values per sample; the head outputs [D]. */
    @SerialName("realVector") REAL_VECTOR,

    /** A class index per pixel; the head outputs logits [C, H, W]. */
    @SerialName("pixelClassMap") PIXEL_CLASS_MAP,

    /** A class index per token of a sentence (a tag per word); the head outputs logits [T, C] at every step. */
    @SerialName("tokenClass") TOKEN_CLASS,
}

/**
 * How training runs. Keys the early-stopping monitor may name are those of the training history: `train.loss`,
 * `train.<task>.loss`, and for the validation data (a [validationSplit] or a validation set given to the run)
 * `val.loss`, `val.<task>.loss` and `val.<task>.<metric>` for each metric the task lists.
 *
 * @property validationSplit the fraction of the training data held out for validation; 0 for none
 * @property diagnostics record task-gradient cosines and norm ratios once per epoch (one extra probe per epoch)
 * @property checkpoints where the run saves its state to resume from; the folder is the run's, not the spec's
 * @property onNonFinite what a step with a NaN or infinite loss or gradient does
 * @property evalBatchSize samples per batch when the run evaluates (validation, test); only memory and speed depend on it
 * @property explodingGradients a step whose gradient norm exceeds this many times its running mean is reported (in
 *   the history's `exploding_gradients` and on the progress line); 0 for no reports
 */
// @JvmOverloads here and on other spec classes that gained optional fields: Java callers of the shorter
// constructors keep compiling.
@Serializable
data class TrainingSpec @JvmOverloads constructor(
    val epochs: Int = 10,
    val batchSize: Int = 32,
    val seed: Long = 0,
    val validationSplit: Double = 0.0,
    val sampling: Sampling = Sampling.SHUFFLED,
    val earlyStopping: EarlyStoppingSpec? = null,
    val checkpoints: CheckpointSpec? = null,
    val diagnostics: Boolean = true,
    val onNonFinite: NonFinite = NonFinite.STOP,
    val evalBatchSize: Int = 1024,
    val explodingGradients: Double = 10.0,
)

/** What a step whose loss or gradient is NaN or infinite does. */
@Serializable
enum class NonFinite {
    /** Stop the run with an error naming the task and step, before the weights are touched. */
    @SerialName("stop") STOP,

    /** Drop the step (no update) and count it in the history. */
    @SerialName("skip") SKIP,
}

/** How an epoch's batches are drawn. */
@Serializable
enum class Sampling {
    /** Every row once, in a new random order each epoch; the last batch may be short. */
    @SerialName("shuffled") SHUFFLED,

    /**
     * As many rows as the data has, drawn with replacement so that every task contributes about the same number of
     * labels (for tasks with very different label counts).
     */
    @SerialName("taskBalanced") TASK_BALANCED,

    /**
     * One dataset per task (LibMTL's multi-input mode): each step has one shuffled batch of every task's own data; an
     * epoch runs as many steps as the largest dataset needs, and smaller ones start over when they run out. The run
     * is given a dataset per task, and a validation set (a split of several datasets is not defined).
     */
    @SerialName("multiSource") MULTI_SOURCE,
}

/**
 * Stop when [monitor] has not improved by more than [minDelta] for [patience] epochs; with [restoreBest], put back
 * the weights of the best epoch. Defaults as the core's `EarlyStopping.on(monitor)`.
 *
 * @property higherIsBetter the monitored value's direction, which also picks the best checkpoint; null reads it from
 *   the monitor (a loss: lower; a metric: as the metric says). [validate] rejects a direction that contradicts it.
 */
@Serializable
data class EarlyStoppingSpec @JvmOverloads constructor(
    val monitor: String,
    val patience: Int = 5,
    val minDelta: Double = 0.0,
    val restoreBest: Boolean = true,
    val higherIsBetter: Boolean? = null,
)

/**
 * A checkpoint every [every] epochs (and at the last), and also every [everySteps] steps inside epochs (0: none; a
 * run resumes from such a checkpoint with the weights of an uninterrupted run), keeping the last [keepLast] and the
 * best by the early-stopping monitor if there is one.
 */
@Serializable
data class CheckpointSpec @JvmOverloads constructor(
    val every: Int = 1,
    val keepLast: Int = 3,
    val everySteps: Int = 0,
)
