package polyhead.dsl

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.kotlin.cli.common.ExitCode

/**
 * The @DslMarker blocks reaching an outer builder from an inner block: the snippet below calls, from inner blocks,
 * verbs of the builders around them; the real compiler must reject exactly those calls, and accept the same snippet
 * once each call names its receiver explicitly (so the marker, and nothing else, is what rejects them).
 */
class DslMarkerTest : FunSpec({
    /** Lines 4 to 7 each reach an outer builder implicitly, unless [explicit] names the receiver. */
    fun snippet(explicit: Boolean) = """
        import polyhead.dsl.*
        val spec = multiTask {
            input(4)
            task("a") { head { dense(2); ${if (explicit) "this@multiTask." else ""}task("b") { } } }
            task("c") { head { ${if (explicit) "this@task." else ""}loss = ${if (explicit) "this@task." else ""}crossEntropy() } }
            training { ${if (explicit) "this@multiTask." else ""}optimizer = ${if (explicit) "this@multiTask." else ""}adam() }
            optimizer = adam { group(biasesAndNorms()) { weightDecay = 0.0; ${if (explicit) "this@adam." else ""}clipByGlobalNorm(1.0) } }
        }
    """.trimIndent()

    test("the same calls compile with explicit receivers (control)") {
        val outcome = SnippetCompiler.compile(snippet(explicit = true))
        withClue(outcome.output) { outcome.exitCode shouldBe ExitCode.OK }
    }

    test("calling an outer builder's verb from an inner block does not compile") {
        val outcome = SnippetCompiler.compile(snippet(explicit = false))
        outcome.exitCode shouldBe ExitCode.COMPILATION_ERROR
        // task in head; loss and crossEntropy in head; optimizer and adam in training; clipByGlobalNorm in group
        outcome.errors.map { it.line } shouldBe listOf(4, 5, 5, 6, 6, 7)
        outcome.errors shouldHaveSize 6
        outcome.errors.forEach { it.message shouldContain "cannot be called in this context with an implicit receiver" }
    }
})

private inline fun <T> withClue(clue: String, block: () -> T): T = io.kotest.assertions.withClue(clue, block)
