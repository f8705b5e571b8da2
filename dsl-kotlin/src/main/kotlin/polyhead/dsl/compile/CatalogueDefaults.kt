package polyhead.dsl.compile

import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.Anneal
import polyhead.dsl.spec.CoreDefaults
import polyhead.dsl.spec.ScheduleSpec
import polyhead.optim.OptimizerCatalogue
import polyhead.optim.schedule.Schedules

/**
 * The spec's algorithms as JSON objects, their settings left out when null; a NaN or an infinity kept as such (a spec
 * built in code may hold one, which the spec's checks refuse at its path).
 */
@OptIn(ExperimentalSerializationApi::class)
internal val algorithmJson = Json {
    classDiscriminator = ALGORITHM_TYPE
    explicitNulls = false
    allowSpecialFloatingPointValues = true
}

internal const val ALGORITHM_TYPE = "type"

/**
 * The core's defaults for the spec: an algorithm's settings left out are spelled out from the core's catalogue
 * (`polyhead.optim.OptimizerCatalogue`), a schedule's from `Schedules`, where each is stated once. Found by the spec
 * through `ServiceLoader`.
 */
class CatalogueDefaults : CoreDefaults {
    override fun algorithm(algorithm: AlgorithmSpec): AlgorithmSpec {
        val given = algorithmJson.encodeToJsonElement(AlgorithmSpec.serializer(), algorithm).jsonObject
        val type = given.getValue(ALGORITHM_TYPE)
        val defaults = OptimizerCatalogue.entry(type.jsonPrimitive.content).defaults()
        val filled = buildMap {
            put(ALGORITHM_TYPE, type)
            defaults.forEach { (field, value) -> put(field, primitive(value)) }
            putAll(given)
        }
        return algorithmJson.decodeFromJsonElement(AlgorithmSpec.serializer(), JsonObject(filled))
    }

    /** The schedules' defaults are the constants of the core's `Schedules`, where each is stated once. */
    override fun schedule(schedule: ScheduleSpec): ScheduleSpec = when (val s = schedule) {
        is ScheduleSpec.Step -> s.copy(gamma = s.gamma ?: Schedules.DEFAULT_GAMMA)
        is ScheduleSpec.MultiStep -> s.copy(gamma = s.gamma ?: Schedules.DEFAULT_GAMMA)
        is ScheduleSpec.Cosine -> s.copy(etaMin = s.etaMin ?: Schedules.DEFAULT_ETA_MIN)
        is ScheduleSpec.CosineWarmRestarts ->
            s.copy(tMult = s.tMult ?: Schedules.DEFAULT_T_MULT, etaMin = s.etaMin ?: Schedules.DEFAULT_ETA_MIN)
        is ScheduleSpec.LinearWarmup -> s.copy(after = schedule(s.after))
        is ScheduleSpec.OneCycle -> s.copy(
            pctStart = s.pctStart ?: Schedules.DEFAULT_PCT_START,
            anneal = s.anneal ?: Anneal.valueOf(Schedules.DEFAULT_ANNEAL.name),
            divFactor = s.divFactor ?: Schedules.DEFAULT_DIV_FACTOR,
            finalDivFactor = s.finalDivFactor ?: Schedules.DEFAULT_FINAL_DIV_FACTOR,
            threePhase = s.threePhase ?: Schedules.DEFAULT_THREE_PHASE,
        )
        ScheduleSpec.Constant, is ScheduleSpec.Exponential, is ScheduleSpec.Linear -> s
    }

    private fun primitive(value: Any): JsonPrimitive = when (value) {
        is Boolean -> JsonPrimitive(value)
        is Number -> JsonPrimitive(value)
        else -> error("a setting of the core's catalogue is neither a number nor a switch: $value")
    }
}
