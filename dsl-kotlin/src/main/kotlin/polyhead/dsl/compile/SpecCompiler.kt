package polyhead.dsl.compile

import polyhead.checkpoint.CheckpointException
import polyhead.checkpoint.Checkpoints
import polyhead.experiment.Experiment
import polyhead.experiment.ExperimentBuilder
import polyhead.experiment.TrainedModel
import polyhead.experiment.InitialWeights
import polyhead.experiment.InputPlan
import polyhead.experiment.TrainingPlan
import polyhead.io.Json
import polyhead.data.BatchSource
import polyhead.data.Dataset
import polyhead.data.SequenceDataset
import polyhead.data.Vocabulary
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.InvalidSpecException
import polyhead.dsl.spec.NonFinite
import polyhead.dsl.spec.SPEC_VERSION
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.SpecError
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import polyhead.dsl.spec.TrainingSpec
import polyhead.dsl.spec.validate
import polyhead.mtl.arch.Architecture
import polyhead.mtl.weighting.Weighting
import polyhead.optim.GradientTransformation
import polyhead.train.EarlyStopping
import polyhead.train.GradientSource
import polyhead.train.NonFinitePolicy
import polyhead.train.Trainer
import java.nio.file.Path

/**
 * Builds core objects from a spec: the only place the DSL touches the core. It translates the spec into the core's
 * Java builder (`polyhead.experiment.ExperimentBuilder`), the one construction path, so what it builds is what a Java user
 * builds with the same plans (see `CompiledModelTest`).
 */
object SpecCompiler {
    /**
     * Every fault of [spec], in the order of the document: [validate] with the core's rules of a model (the shape
     * inference, losses and metrics against labels, … that the Java builder applies too), each at its JSON path.
     */
    fun check(spec: ExperimentSpec): List<SpecError> = validate(spec, CoreRules)

    /** Reads a spec from JSON text and [check]s it: every fault, of the text or of the experiment it describes. */
    fun load(text: String): SpecResult = when (val r = SpecJson.decode(text)) {
        is SpecResult.Failed -> r
        is SpecResult.Ok -> check(r.spec).let { if (it.isEmpty()) r else SpecResult.Failed(it) }
    }

    /**
     * [check]s [spec] and builds its architecture (parameters drawn from `Random(training.seed)`) and weighting.
     *
     * @throws InvalidSpecException with every fault, if [check] finds any; or at `$.initialWeights` the first fault of
     *   the initial weights' file (unreadable, another SHA-256, a tensor missing, misnamed or of another shape)
     */
    @JvmOverloads
    fun compile(spec: ExperimentSpec, vocabulary: Vocabulary? = null): CompiledExperiment {
        val faults = check(spec).toMutableList()
        if (faults.isEmpty()) vocabularyFault(spec, vocabulary)?.let { faults += it }
        if (faults.isNotEmpty()) throw InvalidSpecException(faults)
        val experiment = try {
            builder(spec, vocabulary).build()
        } catch (e: IllegalArgumentException) {
            // what only the file can tell (names, shapes, its hash): one line at the spec's path
            val message = e.message.orEmpty()
            if (spec.initialWeights == null || !message.startsWith(INITIAL_WEIGHTS)) throw e
            throw InvalidSpecException(listOf(SpecError("$.initialWeights", message.removePrefix(INITIAL_WEIGHTS))))
        }
        return CompiledExperiment(spec, experiment)
    }

    /**
     * The trained model of the checkpoint folder [dir]: rebuilt from the model description it records
     * ([TrainedModel.load]), or — for a checkpoint written before descriptions were recorded — from its spec,
     * compiled, with the checkpoint's weights, optimizer and weighting state ([TrainedModel.restore]).
     *
     * @throws CheckpointException if the folder is not a checkpoint, records neither, or its state does not fit
     * @throws InvalidSpecException if the recorded spec has faults
     */
    fun loadTrained(dir: Path): TrainedModel {
        val c = Checkpoints.read(dir)
        if (c.description() != null || c.spec() == null) return TrainedModel.load(dir)
        val source = dir.resolve(Checkpoints.METADATA).toString()
        val spec = when (val r = load(c.spec())) {
            is SpecResult.Ok -> r.spec
            is SpecResult.Failed -> throw InvalidSpecException(r.errors)
        }
        return TrainedModel.restore(compile(spec).experiment, c, source)
    }

    /**
     * The JSON text of a spec for the model a checkpoint's model description describes (`ModelDescription.toJson`):
     * its input, trunk, architecture and tasks, which the description writes in the spec's own words; the weighting,
     * optimizer and training are left to the spec's defaults, since such a spec rebuilds a model for evaluation and
     * prediction. Read it with [load], which reports any fault at its JSON path.
     */
    fun specText(description: Map<String, Any?>): String {
        val spec = linkedMapOf<String, Any?>("version" to SPEC_VERSION)
        for (key in listOf("input", "inputs", "trunk", "architecture", "tasks")) {
            if (key in description) spec[key] = description[key]
        }
        // a saved sequence model holds its vocabulary; the spec says how it was built
        ((description["sequenceInput"] as? Map<*, *>)?.get("vocabulary") as? Map<*, *>)?.let {
            spec["sequenceInput"] = mapOf("minCount" to it["minCount"])
        }
        return Json.pretty(spec)
    }
    private const val INITIAL_WEIGHTS = "initialWeights: "

    /** Why [vocabulary] does not go with [spec]'s input: a sequence spec needs one, of its minimum count; others none. */
    private fun vocabularyFault(spec: ExperimentSpec, vocabulary: Vocabulary?): SpecError? {
        val seq = spec.sequenceInput
        return when {
            seq == null && vocabulary != null -> SpecError("$.input", "a vocabulary was given, but the spec's input is "
                + "no sequence (sequenceInput)")
            seq != null && vocabulary == null -> SpecError("$.sequenceInput", "a sequence input reads token ids of the "
                + "data's vocabulary; compile the spec with it (SpecCompiler.compile(spec, vocabulary))")
            seq != null && vocabulary!!.minCount() != seq.minCount -> SpecError("$.sequenceInput.minCount",
                "the spec says ${seq.minCount}, but the vocabulary was built with minimum count ${vocabulary.minCount()}")
            else -> null
        }
    }

    /**
     * The Java builder holding [spec] (which must be valid), with the spec's JSON as the run's description; a sequence
     * spec's input reads [vocabulary].
     */
    @JvmOverloads
    fun builder(spec: ExperimentSpec, vocabulary: Vocabulary? = null): ExperimentBuilder {
        val b = ExperimentBuilder()
        if (spec.sequenceInput != null) b.sequenceInput(checkNotNull(vocabulary) { "a sequence spec needs its vocabulary" })
        else b.input(*spec.input.toIntArray())
        b
            .trunk(spec.trunk.map(::layer))
            .architecture(architecturePlan(spec.architecture))
            .weighting(weightingPlan(spec))
            .optimizer(optimizerPlan(spec.optimizer))
            .training(trainingPlan(spec.training))
            .description(SpecJson.encode(spec))
        spec.tasks.forEach { b.task(taskPlan(it)) }
        spec.inputs.forEach { b.input(InputPlan.named(it.name).shape(*it.shape.toIntArray()).trunk(it.trunk.map(::layer))) }
        spec.initialWeights?.let {
            b.initialWeights(InitialWeights(Path.of(it.file), it.map, it.strict, it.sha256))
        }
        return b
    }
}

internal fun trainingPlan(t: TrainingSpec): TrainingPlan {
    var plan = TrainingPlan.defaults()
        .epochs(t.epochs)
        .batchSize(t.batchSize)
        .seed(t.seed)
        .validationSplit(t.validationSplit)
        .sampling(
            when (t.sampling) {
                Sampling.SHUFFLED -> TrainingPlan.Sampling.SHUFFLED
                Sampling.TASK_BALANCED -> TrainingPlan.Sampling.TASK_BALANCED
                Sampling.MULTI_SOURCE -> TrainingPlan.Sampling.MULTI_SOURCE
            },
        )
        .diagnostics(t.diagnostics)
        .onNonFinite(if (t.onNonFinite == NonFinite.SKIP) NonFinitePolicy.SKIP else NonFinitePolicy.STOP)
        .evalBatchSize(t.evalBatchSize)
        .explodingGradients(t.explodingGradients)
    t.earlyStopping?.let { plan = plan.earlyStopping(EarlyStopping(it.monitor, it.patience, it.minDelta, it.restoreBest, it.higherIsBetter)) }
    t.checkpoints?.let { plan = plan.checkpoints(it.every, it.everySteps, it.keepLast) }
    return plan
}

/**
 * One run of an experiment: its built [architecture] and [weighting] (both hold state that training changes), and
 * what is needed to make its optimizer and trainer — the Java builder's [experiment] with its [spec].
 */
class CompiledExperiment internal constructor(val spec: ExperimentSpec, val experiment: Experiment) {
    val architecture: Architecture get() = experiment.architecture()
    val weighting: Weighting get() = experiment.weighting()
    val gradientSource: GradientSource get() = experiment.gradientSource()

    /** The optimizer; [stepsPerEpoch] matters only for a schedule counted in epochs. */
    fun optimizer(stepsPerEpoch: Int): GradientTransformation = experiment.optimizer(stepsPerEpoch)

    /**
     * A trainer builder with the spec's weighting, gradient source, optimizer, epochs, seed, evaluation batch size,
     * early stopping, diagnostics and non-finite policy, the spec's JSON recorded in its checkpoints, and — if the spec
     * asks for checkpoints — a checkpoint store in [checkpointDir].
     *
     * @throws IllegalArgumentException if the spec asks for checkpoints and [checkpointDir] is null
     */
    fun trainerBuilder(stepsPerEpoch: Int, checkpointDir: Path? = null): Trainer.Builder {
        checkFolder(checkpointDir)
        return experiment.trainerBuilder(stepsPerEpoch, checkpointDir)
    }

    /** Reports a missing checkpoint folder with the spec's path rather than the Java builder's field name. */
    private fun checkFolder(checkpointDir: Path?) = require(spec.training.checkpoints == null || checkpointDir != null) {
        "$.training.checkpoints: the spec asks for checkpoints; give the run a folder for them"
    }

    /** The batches of an epoch over [data], drawn as the spec's `sampling` says (not `multiSource`: see below). */
    fun batches(data: Dataset): BatchSource = experiment.batches(data)

    /**
     * Trains a sequence spec on sentence data ([SequenceDataset], encoded with the vocabulary the spec was compiled
     * with) as the Java builder's `Experiment.fit` does: bucketed batches, validation on [validation] or the spec's
     * `validationSplit` of the sentences.
     */
    @JvmOverloads
    fun fit(
        data: SequenceDataset,
        validation: SequenceDataset?,
        checkpointDir: Path? = null,
        configure: Trainer.Builder.() -> Unit = {},
    ): TrainedModel {
        checkFolder(checkpointDir)
        return experiment.fit(data, validation, checkpointDir) { it.configure() }
    }

    /** The batches of an epoch under `multiSource` sampling, over one dataset per task. */
    fun batches(perTask: Map<String, Dataset>): BatchSource = experiment.batches(perTask)

    /**
     * Trains on [data] as every field of the spec's `training` says: validation on [validation] if given, else on the
     * spec's `validationSplit` of [data] (split with the run's seed), else none; checkpoints, if the spec asks for
     * them, go to [checkpointDir]. Returns the trained model (evaluate, predict, save; the spec's JSON recorded in
     * it), as the Java builder's `Experiment.fit` does.
     *
     * @param configure further trainer settings (listeners, a progress bar)
     */
    @JvmOverloads
    fun fit(
        data: Dataset,
        validation: Dataset? = null,
        checkpointDir: Path? = null,
        configure: Trainer.Builder.() -> Unit = {},
    ): TrainedModel {
        checkFolder(checkpointDir)
        return experiment.fit(data, validation, checkpointDir) { it.configure() }
    }

    /** Trains under `multiSource` sampling on one dataset per task; validation on [validation] if given. */
    @JvmOverloads
    fun fit(
        perTask: Map<String, Dataset>,
        validation: Dataset? = null,
        checkpointDir: Path? = null,
        configure: Trainer.Builder.() -> Unit = {},
    ): TrainedModel {
        checkFolder(checkpointDir)
        return experiment.fit(perTask, validation, checkpointDir) { it.configure() }
    }
}
