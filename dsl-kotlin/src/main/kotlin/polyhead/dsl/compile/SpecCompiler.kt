package polyhead.dsl.compile

import polyhead.data.BatchSource
import polyhead.data.Batching
import polyhead.data.Dataset
import polyhead.dsl.spec.CheckpointSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.InvalidSpecException
import polyhead.dsl.spec.NonFinite
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.validate
import polyhead.io.CheckpointStore
import polyhead.metrics.Metrics
import polyhead.mtl.arch.Architecture
import polyhead.mtl.weighting.LossWeighting
import polyhead.mtl.weighting.Weighting
import polyhead.optim.GradientTransformation
import polyhead.train.EarlyStopping
import polyhead.train.GradientSource
import polyhead.train.History
import polyhead.train.NonFinitePolicy
import polyhead.train.Trainer
import java.nio.file.Path
import java.util.Random

/**
 * Builds core objects from a spec: the only place the DSL touches the core. What it builds is what a Java user
 * could build by hand with the core's constructors and factories (see `CompiledModelTest`).
 */
object SpecCompiler {
    /**
     * Validates [spec] and builds its architecture (parameters drawn from `Random(training.seed)`) and weighting.
     *
     * @throws InvalidSpecException with every fault, if [validate] finds any
     */
    fun compile(spec: ExperimentSpec): CompiledExperiment {
        val faults = validate(spec)
        if (faults.isNotEmpty()) throw InvalidSpecException(faults)
        val arch = architecture(spec, Random(spec.training.seed))
        return CompiledExperiment(spec, arch, weighting(spec), gradientSource(spec))
    }
}

/**
 * One run of an experiment: its built [architecture] and [weighting] (both hold state that training changes), and
 * what is needed to make its optimizer and trainer.
 */
class CompiledExperiment internal constructor(
    val spec: ExperimentSpec,
    val architecture: Architecture,
    val weighting: Weighting,
    val gradientSource: GradientSource,
) {
    /** The optimizer; [stepsPerEpoch] matters only for a schedule counted in epochs. */
    fun optimizer(stepsPerEpoch: Int): GradientTransformation {
        val extra = (weighting as? LossWeighting)?.parameters()?.keys?.map { "weighting.$it" }.orEmpty()
        return optimizer(spec.optimizer, architecture, extra, stepsPerEpoch)
    }

    /**
     * A trainer builder with the spec's weighting, gradient source, optimizer, epochs, seed, early stopping,
     * diagnostics and non-finite policy, the spec's JSON recorded in its checkpoints, and — if the spec asks for
     * checkpoints — a checkpoint store in [checkpointDir].
     *
     * @throws IllegalArgumentException if the spec asks for checkpoints and [checkpointDir] is null
     */
    fun trainerBuilder(stepsPerEpoch: Int, checkpointDir: Path? = null): Trainer.Builder {
        val t = spec.training
        val builder = Trainer.builder(architecture)
            .weighting(weighting)
            .gradientSource(gradientSource)
            .optimizer(optimizer(stepsPerEpoch))
            .epochs(t.epochs)
            .seed(t.seed)
            .diagnostics(t.diagnostics)
            .onNonFinite(if (t.onNonFinite == NonFinite.SKIP) NonFinitePolicy.SKIP else NonFinitePolicy.STOP)
            .spec(SpecJson.encode(spec))
        spec.optimizer.reduceOnPlateau?.monitor?.let { builder.monitor(it) }
        t.earlyStopping?.let { builder.earlyStopping(EarlyStopping(it.monitor, it.patience, it.minDelta, it.restoreBest, null)) }
        t.checkpoints?.let { c ->
            require(checkpointDir != null) { "$.training.checkpoints: the spec asks for checkpoints; give the run a folder for them" }
            builder.checkpoints(checkpointStore(checkpointDir, c), c.every)
        }
        return builder
    }

    /** Keeps the last checkpoints, and the best by the early-stopping monitor if there is one. */
    private fun checkpointStore(dir: Path, c: CheckpointSpec): CheckpointStore {
        val monitor = spec.training.earlyStopping?.monitor ?: return CheckpointStore(dir, c.keepLast)
        val metric = monitor.substringAfterLast('.')
        val higherIsBetter = metric != "loss" && Metrics.parse(metric).higherIsBetter()
        return CheckpointStore(dir, c.keepLast, monitor, if (higherIsBetter) CheckpointStore.Mode.MAX else CheckpointStore.Mode.MIN)
    }

    /** The batches of an epoch over [data], drawn as the spec's `sampling` says. */
    fun batches(data: Dataset): BatchSource = when (spec.training.sampling) {
        Sampling.SHUFFLED -> Batching.shuffled(data, spec.training.batchSize, false)
        Sampling.TASK_BALANCED -> Batching.taskBalanced(data, spec.training.batchSize)
    }

    /**
     * Trains on [data]: validation on [validation] if given, else on the spec's `validationSplit` of [data] (split
     * with the run's seed), else none; checkpoints, if the spec asks for them, go to [checkpointDir].
     *
     * @param configure further trainer settings (listeners, a progress bar)
     */
    fun fit(
        data: Dataset,
        validation: Dataset? = null,
        checkpointDir: Path? = null,
        configure: Trainer.Builder.() -> Unit = {},
    ): History {
        val t = spec.training
        val (train, valid) = when {
            validation != null -> data to validation
            t.validationSplit > 0 -> data.split(t.validationSplit, t.seed).let { it.train() to it.validation() }
            else -> data to null
        }
        val batches = batches(train)
        val trainer = trainerBuilder(batches.stepsPerEpoch(), checkpointDir).apply(configure).build()
        return trainer.fit(batches, valid)
    }
}
