package polyhead.dsl.script

import polyhead.dsl.spec.ExperimentSpec
import kotlin.script.experimental.api.EvaluationResult
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.jvm.baseClassLoader
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvmhost.BasicJvmScriptingHost
import kotlin.script.experimental.jvmhost.createJvmCompilationConfigurationFromTemplate
import kotlin.script.experimental.jvmhost.createJvmEvaluationConfigurationFromTemplate

/**
 * Runs experiment scripts ([PolyheadScript]) with the embedded Kotlin compiler: no Kotlin installation is needed,
 * only `kotlin-scripting-jvm-host` on the classpath (an optional dependency of this module). Compiling a script takes
 * seconds, most of it the compiler's start-up.
 *
 * The returned spec is what the script built; it is not validated here (see `polyhead.dsl.spec.validate`).
 */
object SpecScripts {
    private val compilation by lazy { createJvmCompilationConfigurationFromTemplate<PolyheadScript>() }

    private val evaluation by lazy {
        createJvmEvaluationConfigurationFromTemplate<PolyheadScript> {
            // The script's classes see the caller's DSL and spec classes, so the spec it returns is an ExperimentSpec
            // of the caller's, not of a second copy.
            jvm { baseClassLoader(PolyheadScript::class.java.classLoader) }
        }
    }

    /**
     * Compiles and runs the script [text]; [name] (a file name or path) names it in faults. Every compiler error is
     * one [ScriptFault] with its line and column; so is an exception the script throws, and a last expression that
     * is not an [ExperimentSpec].
     */
    fun run(text: String, name: String): ScriptResult {
        val outcome = BasicJvmScriptingHost().eval(text.toScriptSource(name), compilation, evaluation)
        return when (outcome) {
            is ResultWithDiagnostics.Failure -> ScriptResult.Failed(compilerFaults(outcome.reports, name))
            is ResultWithDiagnostics.Success -> resultOf(outcome.value, name)
        }
    }

    private fun resultOf(result: EvaluationResult, name: String): ScriptResult =
        when (val value = result.returnValue) {
            is ResultValue.Value -> (value.value as? ExperimentSpec)?.let { ScriptResult.Ok(it) }
                ?: notASpec(name, "a value of type ${value.type}")
            is ResultValue.Unit -> notASpec(name, "nothing (its last statement is not an expression, or is Unit)")
            is ResultValue.Error -> ScriptResult.Failed(listOf(thrown(value.error, name)))
            is ResultValue.NotEvaluated -> notASpec(name, "nothing: it was not run")
        }

    private fun notASpec(name: String, got: String) = ScriptResult.Failed(
        listOf(ScriptFault(name, null, null, "the script must end with multiTask { ... }, which yields its spec; it yields $got")),
    )

    /** An exception from the script's own code, at the script line where it was thrown if the stack shows it. */
    private fun thrown(error: Throwable, name: String): ScriptFault {
        val fileName = name.substringAfterLast('/').substringAfterLast('\\')
        val frame = error.stackTrace.firstOrNull { it.fileName == fileName && it.lineNumber > 0 }
        val what = error.message?.let { "${error.javaClass.simpleName}: $it" } ?: error.javaClass.simpleName
        return ScriptFault(name, frame?.lineNumber, null, "the script threw $what")
    }

    private fun compilerFaults(reports: List<ScriptDiagnostic>, name: String): List<ScriptFault> {
        val errors = reports.filter { it.severity >= ScriptDiagnostic.Severity.ERROR }.ifEmpty { reports }
        return errors.map { d ->
            val start = d.location?.start
            ScriptFault(name, start?.line, start?.col, d.message.lineSequence().first())
        }
    }
}

/** What running a script gave: its spec, or every fault that kept it from giving one. */
sealed interface ScriptResult {
    data class Ok(val spec: ExperimentSpec) : ScriptResult

    data class Failed(val faults: List<ScriptFault>) : ScriptResult
}

/**
 * One fault of a script: a compiler error, an exception the script threw, or a result that is not a spec. Written as
 * a compiler writes a diagnostic, `fashion.kts:12:9: message`; the [line] and [column] (1-based) are left out where
 * unknown.
 */
data class ScriptFault(val source: String, val line: Int?, val column: Int?, val message: String) {
    override fun toString(): String = buildString {
        append(source)
        if (line != null) append(':').append(line)
        if (line != null && column != null) append(':').append(column)
        append(": ").append(message)
    }
}
