package polyhead.dsl.spec

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import polyhead.dsl.ReferenceSpecs
import java.io.File

/**
 * The exact JSON of DESIGN.md's target spec, compared as text with the committed file. On a difference the actual
 * text is written to `target/reference-spec.actual.json` to compare.
 */
class ReferenceJsonTest : FunSpec({
    test("the design spec encodes to the committed JSON, character for character") {
        val actual = SpecJson.encode(ReferenceSpecs.design)
        val expected = ReferenceSpecs.resource("reference-spec.json")
        if (actual != expected) File("target/reference-spec.actual.json").writeText(actual)
        actual shouldBe expected
    }

    test("the committed JSON decodes to the design spec, and is valid") {
        SpecJson.load(ReferenceSpecs.resource("reference-spec.json")) shouldBe SpecResult.Ok(ReferenceSpecs.design)
    }
})
