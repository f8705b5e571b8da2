package polyhead.dsl.spec

import java.util.ServiceLoader

/**
 * The core's defaults of the settings a spec leaves out (null), which the spec cannot state itself: it imports no
 * core, and each default is stated once, in the core. `polyhead.dsl.compile` provides the one implementation, found
 * with [ServiceLoader]; without it a spec keeps its nulls, which mean the same defaults to the compiler.
 */
interface CoreDefaults {
    /** [algorithm] with every setting it leaves out set to the core's default for that optimizer. */
    fun algorithm(algorithm: AlgorithmSpec): AlgorithmSpec

    /** [schedule] (and the schedule it leads into) with every setting it leaves out set to the core's default. */
    fun schedule(schedule: ScheduleSpec): ScheduleSpec
}

private val coreDefaults: CoreDefaults? by lazy {
    ServiceLoader.load(CoreDefaults::class.java, CoreDefaults::class.java.classLoader).firstOrNull()
}

/**
 * This spec with the settings it leaves to the core spelled out with the core's defaults: the form the DSL returns
 * and [SpecJson] reads and writes, so that a spec file is the whole experiment.
 */
fun ExperimentSpec.withCoreDefaults(): ExperimentSpec {
    val d = coreDefaults ?: return this
    val w = weighting
    return copy(
        optimizer = optimizer.copy(algorithm = d.algorithm(optimizer.algorithm), schedule = d.schedule(optimizer.schedule)),
        weighting = if (w is WeightingSpec.Scheduled) w.copy(weights = w.weights.mapValues { d.schedule(it.value) }) else w,
    )
}
