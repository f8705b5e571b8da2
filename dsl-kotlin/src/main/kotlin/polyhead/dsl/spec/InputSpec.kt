package polyhead.dsl.spec

import kotlinx.serialization.Serializable

/**
 * One named input of a multi-input experiment (the spec's `inputs`, instead of `input`): its per-sample [shape] and
 * its own [trunk], the branch that reads it. The branches' outputs are flattened and concatenated, in the order of
 * `inputs`, before the shared `trunk`. Data carries the inputs side by side in one row per sample, in that order
 * (the core's `InputLayout`): from CSV, each input takes the next size-of-its-shape feature columns.
 */
@Serializable
data class InputSpec @JvmOverloads constructor(
    val name: String,
    val shape: List<Int> = emptyList(),
    val trunk: List<LayerSpec> = emptyList(),
)

/**
 * The per-sample shape of the model's input as data carries it: [ExperimentSpec.input], or for named inputs the
 * packed row `[Σ size]` of their values side by side.
 */
fun ExperimentSpec.modelInput(): List<Int> =
    if (sequenceInput != null) listOf(TIME) else if (inputs.isEmpty()) input else listOf(inputs.sumOf { i -> i.shape.fold(1) { a: Int, b: Int -> a * b } })
