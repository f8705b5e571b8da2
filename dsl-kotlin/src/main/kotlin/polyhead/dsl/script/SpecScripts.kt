package polyhead.dsl.script

import polyhead.dsl.spec.ExperimentSpec
import java.time.Duration
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
 * Two ways, for two kinds of script:
 * - [run] compiles and runs the script in this JVM, without limits: for a caller that trusts the script as it trusts
 *   its own code. A script that never ends keeps the calling thread; one that calls `System.exit` ends the JVM.
 * - [runIsolated] runs it in a JVM of its own, with a time limit and a bounded heap and stack: for scripts a user
 *   hands to a tool (the command-line tool runs every script so). The script cannot end the caller's process; on
 *   expiry of the time limit its JVM is killed, and nothing of it runs on. It costs a JVM's start-up, about a second,
 *   on top of the compiler's.
 *
 * A fault is one [ScriptFault] at the script's line (and column, for the compiler's), in words: an exception the
 * script throws is said without its Java class (`no such element: List is empty.`, `the script recursed too
 * deeply`). The returned spec is what the script built; it is not validated here (see `polyhead.dsl.spec.validate`).
 */
object SpecScripts {
    /** The time limit of [runIsolated] when none is given, in seconds: compiling and running a script. */
    const val DEFAULT_TIMEOUT_SECONDS: Long = 120

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
            is ResultWithDiagnostics.Success -> resultOf(outcome.value, name, text)
        }
    }

    /**
     * Compiles and runs the script [text] as [run] does, in a JVM of its own (this JVM's `java` and class path, its
     * heap and stack bounded), within [timeout] for both. Beyond [run]'s faults, each one fault of [name]: the time
     * limit passed (`the script did not finish within 2 s`; the script's JVM and every process it started are
     * killed), the script ended its process (`System.exit`, at its line when the stack shows it), and the script ran
     * out of memory or stack.
     */
    @JvmOverloads
    fun runIsolated(text: String, name: String, timeout: Duration = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS)):
        ScriptResult = ScriptProcess.run(text, name, timeout)

    private fun resultOf(result: EvaluationResult, name: String, text: String): ScriptResult =
        when (val value = result.returnValue) {
            is ResultValue.Value -> (value.value as? ExperimentSpec)?.let { ScriptResult.Ok(it) }
                ?: notASpec(name, "a value of type ${value.type}")
            is ResultValue.Unit -> notASpec(name, "nothing (its last statement is not an expression, or is Unit)")
            is ResultValue.Error -> ScriptResult.Failed(listOf(ScriptExceptions.fault(value.error, name, text)))
            is ResultValue.NotEvaluated -> notASpec(name, "nothing: it was not run")
        }

    private fun notASpec(name: String, got: String) = ScriptResult.Failed(
        listOf(ScriptFault(name, null, null, "the script must end with multiTask { ... }, which yields its spec; it yields $got")),
    )

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
 * One fault of a script: a compiler error, an exception the script threw, a result that is not a spec, or (run
 * isolated) the script's end of its process or its time limit. Written as
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
