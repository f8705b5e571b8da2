package polyhead.dsl.script

import polyhead.dsl.spec.SpecJson
import java.io.IOException
import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * The parent's side of [SpecScripts.runIsolated]: starts a [ScriptChild] in a JVM of its own (this JVM's `java` and
 * the class path it was started with, `java.class.path`, which must hold this library and the Kotlin compiler; a
 * bounded heap and stack), waits for it at most the time limit, and reads its report. On expiry the child and every
 * process it started are killed, so nothing of the script runs on. What the script prints goes where this JVM's
 * standard output and error go.
 *
 * Why a process and not a thread of this JVM: a thread cannot be stopped from outside (`Thread.stop` is unsafe and
 * going away, and a loop that never looks at its interrupt flag never ends), `System.exit` cannot be refused without
 * the security manager (deprecated for removal since Java 17), and an exhausted heap is every thread's problem. A
 * process is killed whole, and its heap is its own.
 */
internal object ScriptProcess {
    /**
     * The child's heap: the compiler keeps about 40 MB live for a small script; the rest is room for the script's own
     * data, and a bound on what a runaway script takes from the machine.
     */
    const val HEAP_MEGABYTES = 512

    /** The child's thread stacks: the compiler's own recursion fits with room to spare. */
    private const val STACK_KILOBYTES = 2048

    /** How long a killed child is waited for, to be reaped. */
    private const val REAP_SECONDS = 10L

    fun run(text: String, name: String, timeout: Duration): ScriptResult {
        require(!timeout.isNegative && !timeout.isZero) { "the time limit must be positive, got $timeout" }
        val dir = try {
            Files.createTempDirectory("polyhead-script")
        } catch (e: IOException) {
            return failed(name, "cannot run the script: no temporary folder for it (${e.message})")
        }
        try {
            val script = Files.writeString(dir.resolve("script.kts"), text)
            val report = dir.resolve("report.json")
            val process = try {
                ProcessBuilder(command(script, name, report))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start()
            } catch (e: IOException) {
                return failed(name, "cannot start a Java process to run the script: ${e.message}")
            }
            process.outputStream.close() // a script reads no input
            // the tool stopped (Ctrl-C) while the script runs: the script stops too
            val stopper = Thread { stop(process) }
            Runtime.getRuntime().addShutdownHook(stopper)
            try {
                if (!process.waitFor(nanos(timeout), TimeUnit.NANOSECONDS)) {
                    stop(process)
                    return failed(name, "the script did not finish within ${seconds(timeout)} s")
                }
            } finally {
                stop(process)
                runCatching { Runtime.getRuntime().removeShutdownHook(stopper) }
            }
            return resultOf(ScriptChild.read(report), process.exitValue(), name)
        } catch (e: IOException) {
            return failed(name, "cannot run the script: its temporary files in $dir: ${e.message}")
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    private fun resultOf(report: ChildReport?, status: Int, name: String): ScriptResult = when {
        report == null -> failed(name, "the Java process to run the script did not start (exit status $status; " +
            "the lines above say why)")
        !report.finished || status != 0 -> ScriptResult.Failed(listOf(ScriptFault(name, report.exitLine, null,
            (if (report.exited) "the script tried to end the process" else "the script ended its process") +
                " (exit status $status); a script describes an experiment and cannot end the tool")))
        report.spec != null -> ScriptResult.Ok(SpecJson.decodeAsWritten(report.spec))
        else -> ScriptResult.Failed(report.faults.map { it.toFault(name) })
    }

    private fun failed(name: String, message: String) =
        ScriptResult.Failed(listOf(ScriptFault(name, null, null, message)))

    /** The child's command line: this JVM's `java` and class path, with the child's bounds. */
    private fun command(script: Path, name: String, report: Path): List<String> = listOf(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx${HEAP_MEGABYTES}m",
        "-Xss${STACK_KILOBYTES}k",
        // a short-lived JVM: the quick compiler alone starts the Kotlin compiler sooner, one GC thread is enough
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        ScriptChild::class.java.name,
        script.toString(), name, report.toString(),
    )

    /** Kills the child and every process it started, then waits for it to be gone. */
    fun stop(process: Process) {
        if (!process.isAlive) return
        // the descendants first: once the child is gone, they are no longer known as its descendants
        process.descendants().forEach { it.destroyForcibly() }
        process.destroyForcibly()
        process.waitFor(REAP_SECONDS, TimeUnit.SECONDS)
    }

    /** [d] in nanoseconds, at most [Long.MAX_VALUE] (292 years). */
    private fun nanos(d: Duration): Long = if (d.seconds >= Long.MAX_VALUE / 1_000_000_000L) Long.MAX_VALUE else d.toNanos()

    /** [d] in seconds as a person writes them: `2`, `0.5`. */
    private fun seconds(d: Duration): String =
        BigDecimal.valueOf(d.seconds).add(BigDecimal.valueOf(d.nano.toLong(), 9)).stripTrailingZeros().toPlainString()
}
