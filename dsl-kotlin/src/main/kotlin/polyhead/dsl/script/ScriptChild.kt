package polyhead.dsl.script

import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import polyhead.dsl.spec.SpecJson
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.system.exitProcess

/**
 * The child JVM of [SpecScripts.runIsolated]: runs one script with [SpecScripts.run] and writes what came of it as
 * one [ChildReport] to a file the parent names. Arguments: the script's file, the script's name (for its faults) and
 * the report's file.
 *
 * The protocol is the report's file alone, always written completely (beside it, then renamed). The child writes
 * an unfinished report as it starts, and its last report before it ends itself with status 0. A child that ended
 * any other way — the script called `System.exit` or `Runtime.halt`, the JVM died — leaves the unfinished report:
 * the parent takes that as the script ending its process. When the script calls `System.exit`, the shutdown hook
 * that exit runs reports the script's line. No report at all means the JVM never started the child.
 */
internal object ScriptChild {
    /** How often the child looks whether its parent still lives: a child whose parent died ends itself. */
    private const val PARENT_POLL_MILLIS = 500L

    private val protocol = Json { encodeDefaults = false }

    @JvmStatic
    fun main(args: Array<String>) {
        if (args.size != 3) {
            System.err.println("usage: ScriptChild SCRIPT_FILE NAME REPORT_FILE (started by SpecScripts.runIsolated)")
            exitProcess(2)
        }
        val (scriptFile, name, reportFile) = args
        val report = Path.of(reportFile)
        val text = Files.readString(Path.of(scriptFile))
        val finished = AtomicBoolean(false)
        write(report, ChildReport(finished = false))
        Runtime.getRuntime().addShutdownHook(Thread {
            if (!finished.get()) {
                write(report, ChildReport(finished = false, exited = true, exitLine = exitLine(name, text)))
                stopDescendants()
            }
        })
        watchParent()
        val outcome = try {
            reportOf(SpecScripts.run(text, name))
        } catch (e: Throwable) {
            // the compiler's own failure, e.g. out of memory while compiling a huge script
            ChildReport(faults = listOf(ChildFault.of(ScriptExceptions.fault(e, name, text))))
        }
        finished.set(true)
        write(report, outcome)
        stopDescendants()
        // halt, not exit: threads the script started are not waited for, and the shutdown hook does not run
        Runtime.getRuntime().halt(0)
    }

    private fun reportOf(result: ScriptResult): ChildReport = when (result) {
        is ScriptResult.Ok -> ChildReport(spec = SpecJson.encode(result.spec))
        is ScriptResult.Failed -> ChildReport(faults = result.faults.map { ChildFault.of(it) })
    }

    /** The line of the script where a thread called `System.exit`, if that thread's stack shows it. */
    private fun exitLine(name: String, text: String): Int? {
        val stacks = Thread.getAllStackTraces().values
        val exiting = stacks.filter { stack ->
            stack.any { it.className == "java.lang.Runtime" && it.methodName == "exit" }
        }
        return exiting.firstNotNullOfOrNull { ScriptExceptions.scriptLine(it, name, text) }
    }

    /** Kills the processes the script started, which would otherwise outlive it. */
    private fun stopDescendants() = ProcessHandle.current().descendants().forEach { it.destroyForcibly() }

    /** Ends this JVM when the parent is gone (killed, say), so that no script runs on without anyone waiting. */
    private fun watchParent() {
        val parent = ProcessHandle.current().parent().orElse(null) ?: return
        val watcher = Thread {
            while (parent.isAlive) Thread.sleep(PARENT_POLL_MILLIS)
            Runtime.getRuntime().halt(1)
        }
        watcher.isDaemon = true
        watcher.name = "polyhead-script-parent-watch"
        watcher.start()
    }

    private fun write(report: Path, outcome: ChildReport) {
        val part = report.resolveSibling(report.fileName.toString() + ".part")
        Files.writeString(part, protocol.encodeToString(ChildReport.serializer(), outcome))
        Files.move(part, report, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
    }

    /** The report the child wrote to [report], or null if it wrote none. */
    fun read(report: Path): ChildReport? =
        if (Files.isRegularFile(report)) protocol.decodeFromString(ChildReport.serializer(), Files.readString(report))
        else null
}

/**
 * What a [ScriptChild] reports: when [finished], the spec's JSON or the script's faults; otherwise that the script
 * has not finished, or called `System.exit` (at [exitLine] of the script, where its stack showed it).
 */
@Serializable
internal data class ChildReport(
    val finished: Boolean = true,
    val spec: String? = null,
    val faults: List<ChildFault> = emptyList(),
    val exited: Boolean = false,
    val exitLine: Int? = null,
)

/** A [ScriptFault] on its way from the child to the parent, which knows the script's name. */
@Serializable
internal data class ChildFault(val line: Int? = null, val column: Int? = null, val message: String) {
    fun toFault(name: String) = ScriptFault(name, line, column, message)

    companion object {
        fun of(f: ScriptFault) = ChildFault(f.line, f.column, f.message)
    }
}
