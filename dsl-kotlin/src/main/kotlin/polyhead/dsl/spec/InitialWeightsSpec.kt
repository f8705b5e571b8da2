package polyhead.dsl.spec

import kotlinx.serialization.Serializable

/**
 * Starting weights from a safetensors file (e.g. exported from PyTorch), imported after the model is built and before
 * training; the core's `InitialWeights`, where the defaults are stated.
 *
 * @property file the safetensors file; a relative path is read from the working directory
 * @property map renaming rules from the file's names to the model's: exact names (`"0.weight": "trunk.0.weight"`) and
 *   prefix rules ending in `*` (`"encoder.*": "trunk.*"`); a name no rule matches is the model's name as it is
 * @property strict every model parameter and buffer gets a value and every tensor of the file lands somewhere; false:
 *   what fits is loaded, the rest keeps its seeded value
 * @property sha256 the file's SHA-256; null: not checked. The tool's run writes the file's into its `spec.json`, so
 *   training again from that spec refuses another file
 */
@Serializable
data class InitialWeightsSpec @JvmOverloads constructor(
    val file: String,
    val map: Map<String, String> = emptyMap(),
    val strict: Boolean = true,
    val sha256: String? = null,
)

/**
 * This spec starting from [weights] instead; null: from the seeded draw, as a model whose weights then come from a
 * checkpoint needs no file.
 */
fun ExperimentSpec.withInitialWeights(weights: InitialWeightsSpec?): ExperimentSpec = copy(initialWeights = weights)
