package polyhead.dsl.compile

import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import polyhead.dsl.spec.AlgorithmSpec
import polyhead.dsl.spec.CoreDefaults
import polyhead.optim.OptimizerCatalogue

/** The spec's algorithms as JSON objects, their settings left out when null. */
@OptIn(ExperimentalSerializationApi::class)
internal val algorithmJson = Json {
    classDiscriminator = ALGORITHM_TYPE
    explicitNulls = false
}

internal const val ALGORITHM_TYPE = "type"

/**
 * The core's defaults for the spec: an algorithm's settings left out are spelled out from the core's catalogue
 * (`polyhead.optim.OptimizerCatalogue`), where each is stated once. Found by the spec through `ServiceLoader`.
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

    private fun primitive(value: Any): JsonPrimitive = when (value) {
        is Boolean -> JsonPrimitive(value)
        is Number -> JsonPrimitive(value)
        else -> error("a setting of the core's catalogue is neither a number nor a switch: $value")
    }
}
