package polyhead.dsl.compile

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThan
import polyhead.dsl.ReferenceSpecs
import polyhead.dsl.spec.SpecError
import polyhead.io.FormatException
import polyhead.io.TextFiles

/**
 * The bad-spec corpus (`polyhead/dsl/badspecs/manifest.tsv`): files that are not UTF-8 (UTF-16, UTF-32, Latin-1),
 * malformed JSON (line and column), unknown fields and types, values of the wrong kind or out of range, shapes that do
 * not fit between layers, a newer version. Each file holds one fault, and the reader must report exactly that one, in
 * one line matching the manifest. Files are read as the tool reads them ([TextFiles]): a fault of the text's encoding
 * is that file's one fault, shown without the file's name.
 */
class BadSpecCorpusTest : FunSpec({
    test("every bad spec gets exactly its one fault, in one line") {
        val rows = manifest()
        rows.size shouldBeGreaterThan 15
        val failures = rows.mapNotNull { (file, expected) ->
            val (errors, shown) = try {
                val text = TextFiles.decode(ReferenceSpecs.bytes("badspecs/$file"), file)
                SpecCompiler.load(text).errorsOrEmpty.let { e -> e to e.map { it.toString() } }
            } catch (e: FormatException) {
                listOf(SpecError("$", e.message!!)) to listOf(e.message!!.removePrefix("$file: "))
            }
            when {
                errors.size != 1 -> "$file: expected one fault, got $shown"
                '\n' in shown[0] -> "$file: not one line: ${shown[0]}"
                !expected.containsMatchIn(shown[0]) -> "$file: expected /$expected/, got ${shown[0]}"
                else -> null
            }
        }
        withClue(failures.joinToString("\n")) { failures.shouldBeEmpty() }
    }

    test("the corpus' base spec, unbroken, loads") {
        SpecCompiler.load(ReferenceSpecs.resource("reference-spec.json")).errorsOrEmpty.shouldBeEmpty()
    }
}) {
    companion object {
        /** (file, expected) of each manifest line. */
        fun manifest(): List<Pair<String, Regex>> = ReferenceSpecs.resource("badspecs/manifest.tsv").lines()
            .filter { it.isNotBlank() && !it.startsWith("#") }
            .map { line -> line.split('\t').let { it[0] to Regex(it[1]) } }
    }
}
