package polyhead.dsl.spec

/**
 * One fault of a spec: where it is, as a JSON path (`$.tasks[1].head[0].units`), and what is wrong. Faults in the
 * JSON text itself also carry the 1-based [line] and [column] where the reader stopped.
 */
data class SpecError(val path: String, val message: String, val line: Int? = null, val column: Int? = null) {
    override fun toString(): String =
        if (line != null) "$path (line $line, column $column): $message" else "$path: $message"

    /**
     * The fault in the spec [file], as compilers name a place: `file:line:column: message` for a fault of the text
     * (with its path after the column when it has one: `file:110:5: $.training.seed: ...`), `file: path: message`
     * for the others.
     */
    fun at(file: String): String = when {
        line == null -> "$file: $path: $message"
        path == "$" -> "$file:$line:$column: $message"
        else -> "$file:$line:$column: $path: $message"
    }
}

/** Thrown where a valid spec is required and the spec has faults; [errors] holds all of them. */
class InvalidSpecException(val errors: List<SpecError>) :
    IllegalArgumentException(
        "the experiment spec has ${errors.size} fault${if (errors.size == 1) "" else "s"}:\n" +
            errors.joinToString("\n") { "  $it" },
    )

/** A spec read from JSON, or every fault that kept it from being read. */
sealed interface SpecResult {
    data class Ok(val spec: ExperimentSpec) : SpecResult

    data class Failed(val errors: List<SpecError>) : SpecResult

    /** The spec, or an [InvalidSpecException] with all the faults. */
    fun getOrThrow(): ExperimentSpec = when (this) {
        is Ok -> spec
        is Failed -> throw InvalidSpecException(errors)
    }

    /** The faults; empty for [Ok]. */
    val errorsOrEmpty: List<SpecError>
        get() = if (this is Failed) errors else emptyList()
}
