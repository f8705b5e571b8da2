package polyhead.dsl

import org.jetbrains.kotlin.cli.common.ExitCode
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import java.nio.file.Files

/**
 * Compiles a Kotlin source with the embedded compiler (the version the module is built with) against the test
 * classpath, so a test can show that some code does not compile, and why.
 */
object SnippetCompiler {
    /** A compiler diagnostic: `Snippet.kt:3:20: error: …` → line 3, the message after `error: `. */
    data class Diagnostic(val line: Int, val message: String)

    data class Outcome(val exitCode: ExitCode, val errors: List<Diagnostic>, val output: String)

    private val classpath: String =
        (System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path"))
            .split(File.pathSeparator)
            .filter { it.isNotBlank() && !it.contains("surefirebooter") }
            .joinToString(File.pathSeparator)

    private val ERROR = Regex("""Snippet\.kt:(\d+):\d+: error: (.*)""")

    fun compile(source: String): Outcome {
        val dir = Files.createTempDirectory("polyhead-snippet").toFile()
        try {
            val file = File(dir, "Snippet.kt").apply { writeText(source) }
            val buffer = ByteArrayOutputStream()
            val code = K2JVMCompiler().exec(
                PrintStream(buffer, true, Charsets.UTF_8),
                file.path, "-d", File(dir, "out").path, "-classpath", classpath,
                "-no-stdlib", "-no-reflect", "-jvm-target", "17", "-nowarn",
            )
            val output = buffer.toString(Charsets.UTF_8)
            val errors = output.lineSequence().mapNotNull { ERROR.find(it) }
                .map { Diagnostic(it.groupValues[1].toInt(), it.groupValues[2]) }.toList()
            return Outcome(code, errors, output)
        } finally {
            dir.deleteRecursively()
        }
    }
}
