package polyhead.dsl.script

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.spec.Sampling
import polyhead.dsl.spec.SpecJson
import polyhead.dsl.spec.SpecResult
import java.io.File
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * Scripts compiled and run by the embedded compiler (a few seconds each, so few of them): a script's spec equals the
 * one the same DSL code builds in this process; each kind of fault is reported at its line and column, in words; a
 * script run isolated cannot end this process nor run beyond its time limit.
 */
class SpecScriptsTest : FunSpec({
    test("a script yields the spec the same DSL code builds here, with the DSL and spec types imported by default") {
        val script = """
            // DESIGN.md's target usage, as the last expression, plus a spec enum used without an import
            multiTask {
                input(1, 28, 28)
                trunk { conv2d(10, kernel = 5); relu(); maxPool(2); flatten(); dense(50); relu() }
                task("item") { head { dense(10) }; loss = crossEntropy(); weight = 1.0; metrics(accuracy()) }
                task("group") { head { dense(4) }; loss = crossEntropy(); weight = 0.5 }
                architecture = hardSharing()
                weighting = fixed()
                optimizer = adamw(lr = 1e-3, weightDecay = 1e-2) { clipByGlobalNorm(1.0) }
                training { epochs = 10; batchSize = 128; seed = 42; earlyStopping(monitor = "val.item.accuracy") }
                training { sampling = Sampling.${Sampling.entries.last().name} }
            }
        """.trimIndent()
        val expected = ReferenceSpecs.design.let { it.copy(training = it.training.copy(sampling = Sampling.entries.last())) }

        val result = SpecScripts.run(script, "design.kts")

        result.shouldBeInstanceOf<ScriptResult.Ok>()
        result.spec shouldBe expected
        SpecJson.encode(result.spec) shouldBe SpecJson.encode(expected)
    }

    test("a syntax error is reported at its line and column") {
        val script = "multiTask {\n    input(784)\n    trunk { dense(10 }\n}\n"

        val faults = (SpecScripts.run(script, "dir/broken.kts") as ScriptResult.Failed).faults

        faults.map { "${it.source}:${it.line}:${it.column}" } shouldBe listOf("dir/broken.kts:3:21")
        faults.single().toString() shouldBe "dir/broken.kts:3:21: ${faults.single().message}"
    }

    test("each type error is one fault at its line and column") {
        val script = "multiTask {\n    input(\"784\")\n    trunk { dense(10); relu() }\n    weighting = adam()\n}\n"

        val faults = (SpecScripts.run(script, "typed.kts") as ScriptResult.Failed).faults

        faults.map { Triple(it.line, it.column, it.message.substringBefore(' ')) } shouldBe listOf(
            Triple(2, 11, "Argument"),
            Triple(4, 17, "Assignment"),
        )
    }

    test("a script whose last statement is not a spec, or that throws, says so") {
        val unit = SpecScripts.run("val spec = multiTask { input(3) }\n", "assigned.kts") as ScriptResult.Failed
        unit.faults.single().toString() shouldBe "assigned.kts: the script must end with multiTask { ... }, which " +
            "yields its spec; it yields nothing (its last statement is not an expression, or is Unit)"

        val thrown = SpecScripts.run("val n = 3\nrequire(n > 4) { \"n is \$n\" }\nmultiTask { }\n", "thrown.kts")
        (thrown as ScriptResult.Failed).faults.single().toString() shouldBe "thrown.kts:2: n is 3"
    }

    test("an exception of the script is its line and what went wrong in words, without a Java class") {
        val cases = listOf(
            "val xs = emptyList<Int>()\nval first = xs.first()\nmultiTask { input(first) }\n" to
                "empty.kts:2: no such element: List is empty.",
            "fun deeper(n: Int): Int = deeper(n + 1) + 1\ndeeper(0)\nmultiTask { }\n" to
                "deep.kts:1: the script recursed too deeply (its stack is full)",
            // 16 GB, beyond this JVM's heap: refused at once, without filling the heap
            "val n = 3\nval huge = LongArray(Int.MAX_VALUE - 8)\nmultiTask { input(huge.size) }\n" to
                "huge.kts:2: the script ran out of memory (the heap of its JVM is ${Runtime.getRuntime().maxMemory() shr 20} MB)",
            "val d = 0\nval x = listOf(1)\nmultiTask { input(x.single() / d) }\n" to "zero.kts:3: division by zero",
        )
        for ((script, expected) in cases) {
            val name = expected.substringBefore(':')
            (SpecScripts.run(script, name) as ScriptResult.Failed).faults.single().toString() shouldBe expected
        }
    }

    test("a spec holding NaN, which JSON cannot, is refused at its path as a JSON spec would be") {
        val script = "multiTask { input(3); optimizer = adam(lr = Double.NaN) }\n"
        val spec = (SpecScripts.run(script, "nan.kts") as ScriptResult.Ok).spec

        val loaded = SpecJson.load(SpecJson.encode(spec))

        (loaded as SpecResult.Failed).errors.map { it.toString() } shouldContain
            "\$.optimizer.algorithm.lr: expected a finite number, got NaN"
    }

    // Isolated: each test starts a JVM and its compiler (seconds), so there are only these two. That the spec comes
    // back from the child's JSON exactly is the cli's ScriptSpecTest, through the tool.

    test("isolated, a script that calls System.exit is a fault at its line, and this process goes on") {
        val script = "val n = 7\nif (n > 3) System.exit(n)\nmultiTask { input(n) }\n"

        val faults = (SpecScripts.runIsolated(script, "dir/exit.kts") as ScriptResult.Failed).faults

        faults.single().toString() shouldBe "dir/exit.kts:2: the script tried to end the process (exit status 7); a " +
            "script describes an experiment and cannot end the tool"
    }

    test("isolated, a script that does not finish is stopped at its time limit, its JVM killed") {
        val started = System.nanoTime()

        val faults = (SpecScripts.runIsolated("while (true) { }\nmultiTask { }\n", "loop.kts", Duration.ofSeconds(2))
            as ScriptResult.Failed).faults

        val seconds = (System.nanoTime() - started) / 1e9
        faults.single().toString() shouldBe "loop.kts: the script did not finish within 2 s"
        withClue("returned after $seconds s") { (seconds < 30) shouldBe true }
        val children = ProcessHandle.current().children().filter { it.isAlive }.toList()
        withClue("children still alive: ${children.map { it.info().commandLine().orElse("?") }}") {
            children.none { it.info().commandLine().orElse("").contains(ScriptChild::class.java.name) } shouldBe true
        }
    }

    test("stopping a child kills the processes it started too") {
        // what the time limit does to a script's JVM, on a shell that started a sleep: no compiler needed
        val shell = ProcessBuilder("sh", "-c", "sleep 600 & echo \$!; wait").start()
        val sleep = shell.inputStream.bufferedReader().readLine().trim().toLong()
        ended(sleep) shouldBe false

        ScriptProcess.stop(shell)

        shell.isAlive shouldBe false
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (!ended(sleep) && System.nanoTime() < deadline) Thread.sleep(50)
        ended(sleep) shouldBe true
    }
})

/** Whether the process [pid] has ended: it is gone, or a zombie that no one reaped yet (Linux). */
private fun ended(pid: Long): Boolean {
    val stat = File("/proc/$pid/stat")
    return !stat.exists() || runCatching { stat.readText().substringAfterLast(')').trim().startsWith("Z") }
        .getOrDefault(true)
}
