package polyhead.dsl.compile

import polyhead.data.Dataset
import polyhead.dsl.spec.CheckpointSpec
import polyhead.dsl.spec.ExperimentSpec
import polyhead.dsl.spec.InvalidSpecException
import polyhead.dsl.spec.validate
import polyhead.mtl.arch.Architecture
import polyhead.mtl.weighting.LossWeighting
import polyhead.mtl.weighting.Weighting
import polyhead.optim.GradientTransformation
import polyhead.train.EarlyStopping
import polyhead.train.GradientSource
import polyhead.train.History
import polyhead.train.Trainer
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

    /** A trainer builder with the spec's weighting, gradient source, optimizer, epochs, seed and early stopping. */
    fun trainerBuilder(stepsPerEpoch: Int): Trainer.Builder {
        val t = spec.training
        val builder = Trainer.builder(architecture)
            .weighting(weighting)
            .gradientSource(gradientSource)
            .optimizer(optimizer(stepsPerEpoch))
            .epochs(t.epochs)
            .seed(t.seed)
        t.earlyStopping?.let { builder.earlyStopping(EarlyStopping(it.monitor, it.patience, it.minDelta, it.restoreBest, null)) }
        return builder
    }

    /** Optimizer steps in an epoch over [rows] training rows with the spec's batch size (the last batch may be short). */
    fun stepsPerEpoch(rows: Int): Int = (rows + spec.training.batchSize - 1) / spec.training.batchSize

    /**
     * Trains on [data]: validation on [validation] if given, else on the spec's `validationSplit` of [data] (split
     * with the run's seed), else none.
     *
     * @param configure further trainer settings (listeners, a progress bar)
     */
    fun fit(data: Dataset, validation: Dataset? = null, configure: Trainer.Builder.() -> Unit = {}): History {
        checkpoints?.let {
            throw UnsupportedOperationException(
                "$.training.checkpoints: the core has no checkpoint writer yet (polyhead.io); remove checkpoints to train",
            )
        }
        val t = spec.training
        val (train, valid) = when {
            validation != null -> data to validation
            t.validationSplit > 0 -> data.split(t.validationSplit, t.seed).let { it.train() to it.validation() }
            else -> data to null
        }
        val trainer = trainerBuilder(stepsPerEpoch(train.size())).apply(configure).build()
        return trainer.fit(train, t.batchSize, valid)
    }

    /** The spec's checkpoint settings, for a runner that writes checkpoints; the core has no writer yet. */
    val checkpoints: CheckpointSpec?
        get() = spec.training.checkpoints
}
