package polyhead.dsl.spec

import kotlinx.serialization.KSerializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive

/** The JSON `"type"` of a loss. */
val LossSpec.typeName: String
    get() = discriminatorOf(LossSpec.serializer(), this)

/** The JSON `"type"` of a layer. */
val LayerSpec.typeName: String
    get() = discriminatorOf(LayerSpec.serializer(), this)

/** The JSON `"type"` of an architecture. */
val ArchitectureSpec.typeName: String
    get() = discriminatorOf(ArchitectureSpec.serializer(), this)

/** The JSON name of a label type. */
@OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
val Labels.jsonName: String
    get() = Labels.serializer().descriptor.getElementName(ordinal)

/** The serial name a sealed serializer writes as `"type"`, so that names are stated once, in `@SerialName`. */
private fun <T : Any> discriminatorOf(serializer: KSerializer<T>, value: T): String =
    typeJson.encodeToJsonElement(serializer, value).jsonObject.getValue(SchemaCheck.DISCRIMINATOR).jsonPrimitive.content

/** Writes any value, NaN among them (a spec built in code may hold one; its checks refuse it later, at its path). */
private val typeJson = Json { allowSpecialFloatingPointValues = true }

/** The JSON name of a Transformer's feed-forward activation. */
@OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
val FeedForwardActivation.jsonName: String
    get() = FeedForwardActivation.serializer().descriptor.getElementName(ordinal)

/** The JSON name of a pooling mode. */
@OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
val PoolMode.jsonName: String
    get() = PoolMode.serializer().descriptor.getElementName(ordinal)
